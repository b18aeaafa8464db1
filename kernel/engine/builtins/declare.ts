// How a built-in function is declared. builtins.ts is the registry (it concatenates the
// families of this folder, one file each); the checker, the lowering, completion and
// inspect all read it. An entry carries its types for the checker (fixed `params`/`ret`,
// or a `check` rule of its own), a signature line and description for inspect and
// completion, and how a call is lowered (a `lower` hook, or a plain call of the runtime
// function `runtime`).
import type llvm from 'llvm-bindings';
import { Expr, Type, typeName } from '../ast';
import type { CheckExpr } from '../check-builtins';
import type { FunctionLowerer } from '../lower';

export type CallExpr = Extract<Expr, { kind: 'call' }>;

export interface Builtin {
  name: string;
  /** One-line signature, e.g. `sqrt(x: float) -> float`. */
  signature: string;
  /** One-line description. */
  doc: string;
  /** Fixed parameter types (absent for a builtin with a `check` rule). */
  params?: Type[];
  /** Fixed return type (absent for a builtin with a `check` rule). */
  ret?: Type;
  /** The checking rule of a generic builtin; without it the call is checked against
   *  `params` and `ret` like a call of a user function. */
  check?: (e: CallExpr, hint: Type | undefined, check: CheckExpr) => Expr;
  /** Lowered as a call of this runtime function on the arguments as they are (a `bool`
   *  comes back from the runtime as an i64 0/1). */
  runtime?: string;
  /** The lowering of a call, when it is not a plain call of `runtime`. */
  lower?: (f: FunctionLowerer, e: CallExpr) => llvm.Value;
}

export type Lower = NonNullable<Builtin['lower']>;
export type Check = NonNullable<Builtin['check']>;

/** A builtin with fixed types and a lowering of its own. */
export function fixed(name: string, params: [string, Type][], ret: Type, doc: string, lower?: Lower): Builtin {
  const sig = `${name}(${params.map(([n, t]) => `${n}: ${typeName(t)}`).join(', ')})` +
    (ret.kind === 'void' ? '' : ` -> ${typeName(ret)}`);
  return { name, signature: sig, doc, params: params.map(([, t]) => t), ret, lower };
}

/** A builtin with a checking rule and a lowering of its own. */
export function generic(name: string, signature: string, doc: string, check: Check, lower: Lower): Builtin {
  return { name, signature, doc, check, lower };
}

/** A builtin with fixed types lowered as a call of runtime function `runtime`. */
export function runtimeCall(name: string, params: [string, Type][], ret: Type, runtime: string, doc: string): Builtin {
  return { ...fixed(name, params, ret, doc), runtime };
}

/** The arguments of a call, lowered left to right. */
export function argValues(f: FunctionLowerer, e: CallExpr): llvm.Value[] {
  return e.args.map((a) => f.expr(a));
}

/** A call of runtime function `fn`, reported at the call's line. */
export function callRuntime(f: FunctionLowerer, e: CallExpr, fn: string, values: llvm.Value[]): llvm.Value {
  return f.callRuntime(fn, values, e.span.line);
}

/** The value of a void call (never used). */
export function unit(f: FunctionLowerer): llvm.Value {
  return f.mb.int(0);
}
