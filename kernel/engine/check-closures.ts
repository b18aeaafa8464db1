// Scopes of the type checker with anonymous functions (LANGUAGE.md "Functions as
// values"): a name resolves to a local of the function being checked, else to a
// variable of an enclosing function — which the anonymous function then captures by
// reference — else to a global (globals are never captured: they are globals).
//
// Escape analysis: a local captured by any nested anonymous function is marked
// `boxed` in the function that owns it; lowering keeps exactly those locals in a GC
// box of their own (a fresh box each time their declaration runs, so each iteration
// of a loop has its own), and every other local stays in a register.
// An anonymous function nested two deep captures through the one between: the middle
// one captures the variable too, and hands its box on.
//
// Calls through a function value (a variable, element, field or call result of a fn
// type) are typed here too.
import { Env, Expr, FnSig, FnType, Type, typeName, VarRef } from './ast';
import { BUILTINS } from './builtins';
import type { CheckExpr } from './check-builtins';
import { coerce, nameErr, q, typeErr, withSuggestion } from './check-util';

export interface LocalVar {
  id: number;
  type: Type;
}

/** The checker's view of one function being checked (a named one, an anonymous one, or the cell's entry). */
export interface FnCtx {
  locals: Type[];
  scopes: Map<string, LocalVar>[];
  /** undefined for the cell's entry function. */
  fn?: { name: string; ret: Type };
  loops: number;
  /** For an anonymous function: the function it is written in. */
  parent?: FnCtx;
  /** Ids of this function's locals captured by a nested anonymous function. */
  boxed: Set<number>;
  /** What this anonymous function captures, each as a reference in its parent (a local or a capture there). */
  captures: VarRef[];
  /** Position in `captures` by the captured reference (`l3`: the parent's local 3, `c1`: its capture 1). */
  captureIndex: Map<string, number>;
}

export function newFnCtx(fn?: { name: string; ret: Type }, parent?: FnCtx): FnCtx {
  return { locals: [], scopes: [new Map()], fn, loops: 0, parent, boxed: new Set(), captures: [], captureIndex: new Map() };
}

/** The name an anonymous function has in tracebacks, messages and `%who`. */
export const LAMBDA_NAME = '<fn>';

/** The type of a function when used as a value. */
export function fnTypeOf(sig: FnSig): FnType {
  return { kind: 'fn', params: sig.params.map((p) => p.type), ret: sig.ret };
}

/** The type of the local or captured variable `name` seen from ctx, without capturing it. */
export function peekLocal(name: string, ctx: FnCtx): Type | undefined {
  for (let c: FnCtx | undefined = ctx; c; c = c.parent) {
    for (let i = c.scopes.length - 1; i >= 0; i--) {
      const v = c.scopes[i].get(name);
      if (v) return v.type;
    }
  }
  return undefined;
}

/** Resolves `name` to a local of ctx, or to a variable of an enclosing function, which ctx then captures. */
export function resolveLocal(name: string, ctx: FnCtx): VarRef | undefined {
  for (let i = ctx.scopes.length - 1; i >= 0; i--) {
    const v = ctx.scopes[i].get(name);
    if (v) return { kind: 'local', id: v.id, type: v.type };
  }
  if (!ctx.parent) return undefined;
  const outer = resolveLocal(name, ctx.parent);
  if (!outer || (outer.kind !== 'local' && outer.kind !== 'capture')) return undefined;
  const key = outer.kind === 'local' ? `l${outer.id}` : `c${outer.index}`;
  let index = ctx.captureIndex.get(key);
  if (index === undefined) {
    if (outer.kind === 'local') ctx.parent.boxed.add(outer.id);
    index = ctx.captures.push(outer) - 1;
    ctx.captureIndex.set(key, index);
  }
  return { kind: 'capture', index, type: outer.type };
}

/** Names of the locals visible from ctx (for "did you mean"). */
export function visibleLocals(ctx: FnCtx): string[] {
  const names: string[] = [];
  for (let c: FnCtx | undefined = ctx; c; c = c.parent) for (const s of c.scopes) names.push(...s.keys());
  return names;
}

/** Types a call through a function value (`callee` already checked). */
export function checkValueCall(e: Expr & { kind: 'call' }, callee: Expr, check: CheckExpr): Expr {
  const t = callee.type!;
  if (t.kind !== 'fn') typeErr(`cannot call a value of type ${q(t)}`, callee.span);
  e.target = { kind: 'value', callee };
  const n = t.params.length;
  if (e.args.length !== n) {
    const what = e.callee ? `\`${e.callee}\`` : 'this function';
    typeErr(`${what} takes ${n} argument${n === 1 ? '' : 's'}, found ${e.args.length}`, e.span);
  }
  e.args = e.args.map((a, i) => coerce(check(a, t.params[i]), t.params[i]));
  e.type = t.ret;
  return e;
}

/** A name that is no variable: a named Kiln function used as a value, else a TypeError
 *  (built-ins and C functions are not values) or a NameError (with a suggestion among visibleNames). */
export function functionValue(e: Expr & { kind: 'name' }, env: Env, visibleNames: () => string[]): Expr {
  const fn = env.functions.get(e.name);
  if (fn && !fn.extern) {
    e.ref = { kind: 'function', fn, type: fnTypeOf(fn) };
    e.type = e.ref.type;
    return e;
  }
  const builtin = BUILTINS.get(e.name);
  if (!fn && !builtin) nameErr(withSuggestion(`unknown name \`${e.name}\``, e.name, visibleNames()), e.span);
  const params = fn ? fn.params.map((p) => p.type) : builtin!.params;
  const names = (params ?? [undefined]).map((_, i) => 'xyzuvw'[i] ?? `a${i}`);
  const header = params ? params.map((t, i) => `${names[i]}: ${typeName(t)}`).join(', ') : 'x: int';
  typeErr(
    `${fn ? 'C function' : 'built-in function'} \`${e.name}\` is not a value; wrap it in an anonymous function, ` +
      `e.g. \`fn(${header}) { ... ${e.name}(${names.join(', ')}) ... }\``,
    e.span,
  );
}
