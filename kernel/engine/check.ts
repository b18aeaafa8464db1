// The Kiln type checker. checkCell resolves names, checks types, inserts `promote`
// nodes (int → float where a float is expected) and fills the AST fields marked
// "set by the checker". It never mutates the Env it is given nor anything in it: the
// new Env is built from copies of the maps, so a cell that fails to compile changes
// nothing.
//
// Decisions (where LANGUAGE.md is silent):
// - Functions and variables live in separate namespaces (only a name can be called).
// - A user `fn`/`extern fn` with a builtin's name is a NameError ("`print` is a
//   built-in function"); a struct named like a built-in type is a NameError too.
// - `break`/`continue` outside a loop and `return` outside a function are SyntaxErrors.
// - `while true { ... }` without a `break` counts as never finishing for the
//   "missing return" check (like Rust's `loop`).
// - Unknown names get a "did you mean" among visible names (check-util.ts).
// The rules of the operators and of built-in function calls are in check-builtins.ts.
import {
  arrayOf, Block, BOOL, Cell, CheckedCell, Env, Expr, FLOAT, FnDecl, FnSig, GlobalInfo, INT,
  sameType, Span, STR, Stmt, StructDecl, StructDef, Type, TypeExpr, VarRef, VOID,
} from './ast';
import { BUILTINS, BUILTIN_TYPES } from './builtins';
import { layerEnv } from './env';
import { checkArgs, checkBinary, checkBuiltinCall, checkCompoundAssign, checkUnary } from './check-builtins';
import {
  blockTerminates, closingBraceSpan, coerce, nameErr, nonVoid, q, syntaxErr, typeErr, withSuggestion,
} from './check-util';

export { editDistance, suggest } from './check-util';

let nextStructId = 1;

/** True if two function signatures have the same name, parameter types, return type and kind (Kiln/extern). */
export function sameSignature(a: FnSig, b: FnSig): boolean {
  return (
    a.name === b.name &&
    a.extern === b.extern &&
    a.params.length === b.params.length &&
    a.params.every((p, i) => sameType(p.type, b.params[i].type)) &&
    sameType(a.ret, b.ret)
  );
}

/** The types of the expressions whose type follows from their kind alone. */
const FIXED_TYPES = { int: INT, float: FLOAT, bool: BOOL, str: STR, promote: FLOAT } as const;

const CANNOT_INFER_EMPTY = 'cannot infer the type of an empty array `[]`; add a type annotation, e.g. `let v: [int] = []`';

interface LocalVar {
  id: number;
  type: Type;
}

interface FnCtx {
  locals: Type[];
  scopes: Map<string, LocalVar>[];
  /** undefined for the cell's entry function. */
  fn?: { name: string; ret: Type };
  loops: number;
}

export function checkCell(cell: Cell, env: Env, cellNumber: number): CheckedCell {
  return new Checker(env, cellNumber).check(cell);
}

class Checker {
  readonly env: Env;
  private readonly cellStructs = new Map<string, StructDef>();

  constructor(
    private readonly oldEnv: Env,
    private readonly cellNumber: number,
  ) {
    this.env = layerEnv(oldEnv);
  }

  check(cell: Cell): CheckedCell {
    const structDecls = cell.items.filter((i): i is StructDecl => i.kind === 'struct');
    const fnDecls = cell.items.filter((i): i is FnDecl => i.kind === 'fn');

    const newStructs = this.checkStructs(structDecls);

    // Function and extern signatures.
    const seenFns = new Set<string>();
    const externs: FnSig[] = [];
    for (const d of cell.items) {
      if (d.kind === 'struct') continue;
      if (BUILTINS.has(d.name)) nameErr(`\`${d.name}\` is a built-in function`, d.nameSpan);
      if (seenFns.has(d.name)) nameErr(`function \`${d.name}\` is defined twice in this cell`, d.nameSpan);
      seenFns.add(d.name);
      const seenParams = new Set<string>();
      const params = d.params.map((p) => {
        if (seenParams.has(p.name)) nameErr(`parameter \`${p.name}\` is declared twice`, p.span);
        seenParams.add(p.name);
        return { name: p.name, type: this.resolveType(p.type) };
      });
      const ret = d.ret ? this.resolveType(d.ret, true) : VOID;
      if (d.kind === 'extern') {
        for (const [i, p] of params.entries()) {
          if (!['int', 'float', 'bool', 'str'].includes(p.type.kind)) {
            typeErr(`an \`extern fn\` parameter must be \`int\`, \`float\`, \`bool\` or \`str\`, found ${q(p.type)}`, d.params[i].type.span);
          }
        }
        if (!['int', 'float', 'bool', 'str', 'void'].includes(ret.kind)) {
          typeErr(`an \`extern fn\` must return \`int\`, \`float\`, \`bool\`, \`str\` or nothing, found ${q(ret)}`, d.ret!.span);
        }
      }
      const sig: FnSig = { name: d.name, params, ret, cell: this.cellNumber, line: d.span.line, extern: d.kind === 'extern' };
      if (d.kind === 'fn' && d.doc !== undefined) sig.doc = d.doc;
      d.sig = sig;
      this.env.functions.set(d.name, sig);
      if (d.kind === 'extern') externs.push(sig);
    }

    // Top-level statements, in order (the cell's entry function).
    const entry: FnCtx = { locals: [], scopes: [new Map()], loops: 0 };
    const globals: GlobalInfo[] = [];
    for (const s of cell.stmts) this.stmt(s, entry, globals);

    // Function bodies (they see all globals of the cell and of the session).
    for (const d of fnDecls) this.checkFnBody(d);

    let resultType: Type | undefined;
    const last = cell.stmts[cell.stmts.length - 1];
    if (last && last.kind === 'expr' && last.expr.type && last.expr.type.kind !== 'void') resultType = last.expr.type;

    const out: CheckedCell = {
      cell,
      entryLocals: entry.locals,
      functions: fnDecls,
      externs,
      globals,
      structs: newStructs,
      env: this.env,
    };
    if (resultType) out.resultType = resultType;
    return out;
  }

  // ---- structs and types ----

  private checkStructs(decls: StructDecl[]): StructDef[] {
    const names = new Set<string>();
    for (const d of decls) {
      if (BUILTIN_TYPES.includes(d.name)) nameErr(`\`${d.name}\` is a built-in type`, d.nameSpan);
      if (names.has(d.name)) nameErr(`struct \`${d.name}\` is defined twice in this cell`, d.nameSpan);
      names.add(d.name);
      const fieldNames = new Set<string>();
      for (const f of d.fields) {
        if (fieldNames.has(f.name)) nameErr(`field \`${f.name}\` is declared twice in \`${d.name}\``, f.span);
        fieldNames.add(f.name);
      }
    }
    const structNamesIn = (t: TypeExpr): string[] =>
      t.kind === 'array' ? structNamesIn(t.elem) : BUILTIN_TYPES.includes(t.name) ? [] : [t.name];
    const newDefs: StructDef[] = [];
    /** A new struct type for d (a fresh id), listed in newDefs. */
    const newDef = (d: StructDecl, fields: StructDef['fields']): StructDef => {
      const def: StructDef = { name: d.name, id: nextStructId++, fields, cell: this.cellNumber };
      if (d.doc !== undefined) def.doc = d.doc;
      newDefs.push(def);
      return def;
    };
    const define = (d: StructDecl, def: StructDef): void => {
      d.def = def;
      this.cellStructs.set(d.name, def);
      this.env.structs.set(d.name, def);
    };
    let pending = [...decls];
    while (pending.length) {
      const ready = pending.filter((d) =>
        d.fields.every((f) => structNamesIn(f.type).every((n) => !names.has(n) || this.cellStructs.has(n))),
      );
      if (ready.length) {
        for (const d of ready) {
          const fields = d.fields.map((f) => ({ name: f.name, type: this.resolveType(f.type) }));
          const old = this.oldEnv.structs.get(d.name);
          const same =
            old &&
            old.fields.length === fields.length &&
            old.fields.every((f, i) => f.name === fields[i].name && sameType(f.type, fields[i].type));
          define(d, same ? old : newDef(d, fields));
        }
        pending = pending.filter((d) => !ready.includes(d));
      } else {
        // Recursive structs: all remaining ones are new types.
        for (const d of pending) define(d, newDef(d, []));
        for (const d of pending) {
          for (const f of d.fields) d.def!.fields.push({ name: f.name, type: this.resolveType(f.type) });
        }
        pending = [];
      }
    }
    return newDefs;
  }

  resolveType(t: TypeExpr, allowVoid = false): Type {
    if (t.kind === 'array') return arrayOf(this.resolveType(t.elem));
    switch (t.name) {
      case 'int': return INT;
      case 'float': return FLOAT;
      case 'bool': return BOOL;
      case 'str': return STR;
      case 'void':
        if (!allowVoid) syntaxErr('`void` is only allowed as a return type', t.span);
        return VOID;
    }
    const def = this.env.structs.get(t.name);
    if (!def) {
      nameErr(withSuggestion(`unknown type \`${t.name}\``, t.name, [...BUILTIN_TYPES.slice(0, 4), ...this.env.structs.keys()]), t.span);
    }
    return { kind: 'struct', def };
  }

  // ---- functions ----

  private checkFnBody(d: FnDecl): void {
    const sig = d.sig!;
    const ctx: FnCtx = { locals: [], scopes: [new Map()], fn: { name: d.name, ret: sig.ret }, loops: 0 };
    for (const p of sig.params) {
      ctx.scopes[0].set(p.name, { id: ctx.locals.length, type: p.type });
      ctx.locals.push(p.type);
    }
    this.block(d.body, ctx, false);
    if (sig.ret.kind !== 'void' && !blockTerminates(d.body)) {
      typeErr(`missing return in \`${d.name}\``, closingBraceSpan(d.body.span));
    }
    d.locals = ctx.locals;
  }

  // ---- statements ----

  private block(b: Block, ctx: FnCtx, newScope = true): void {
    if (newScope) ctx.scopes.push(new Map());
    for (const s of b.stmts) this.stmt(s, ctx, undefined);
    if (newScope) ctx.scopes.pop();
  }

  private loopBody(b: Block, ctx: FnCtx): void {
    ctx.loops++;
    this.block(b, ctx);
    ctx.loops--;
  }

  private declareLocal(ctx: FnCtx, name: string, type: Type): VarRef {
    const id = ctx.locals.length;
    ctx.locals.push(type);
    ctx.scopes[ctx.scopes.length - 1].set(name, { id, type });
    return { kind: 'local', id, type };
  }

  /** globals is given only for statements directly at the top level of the cell. */
  private stmt(s: Stmt, ctx: FnCtx, globals: GlobalInfo[] | undefined): void {
    switch (s.kind) {
      case 'let': {
        const annot = s.annot ? this.resolveType(s.annot) : undefined;
        let init = this.expr(s.init, ctx, annot);
        if (annot) init = coerce(init, annot);
        else nonVoid(init);
        s.init = init;
        const type = annot ?? init.type!;
        if (globals) {
          const old = this.env.globals.get(s.name);
          const g: GlobalInfo = old && sameType(old.type, type) ? old : { name: s.name, type };
          this.env.globals.set(s.name, g);
          if (!globals.includes(g)) globals.push(g);
          s.target = { kind: 'global', global: g };
        } else {
          s.target = this.declareLocal(ctx, s.name, type);
        }
        return;
      }
      case 'assign': {
        const target = this.expr(s.target, ctx);
        s.target = target;
        const tt = target.type!;
        const value = this.expr(s.value, ctx, tt);
        s.value = s.op === '=' ? coerce(value, tt) : checkCompoundAssign(s.op, target, value);
        return;
      }
      case 'expr':
        s.expr = this.expr(s.expr, ctx);
        return;
      case 'if':
        s.cond = this.condition(s.cond, ctx);
        this.block(s.then, ctx);
        if (s.else) this.block(s.else, ctx);
        return;
      case 'while':
        s.cond = this.condition(s.cond, ctx);
        this.loopBody(s.body, ctx);
        return;
      case 'for':
      case 'foreach': {
        let varType: Type;
        if (s.kind === 'for') {
          s.start = this.expr(s.start, ctx, INT);
          s.end = this.expr(s.end, ctx, INT);
          for (const e of [s.start, s.end]) {
            if (e.type!.kind !== 'int') typeErr(`a range bound must be \`int\`, found ${q(e.type!)}`, e.span);
          }
          varType = INT;
        } else {
          s.iter = this.expr(s.iter, ctx);
          const it = s.iter.type!;
          if (it.kind !== 'array') typeErr(`cannot iterate over ${q(it)}; expected an array or a range \`a..b\``, s.iter.span);
          varType = it.elem;
        }
        ctx.scopes.push(new Map());
        s.varRef = this.declareLocal(ctx, s.var, varType);
        this.loopBody(s.body, ctx);
        ctx.scopes.pop();
        return;
      }
      case 'break':
      case 'continue':
        if (ctx.loops === 0) syntaxErr(`\`${s.kind}\` outside of a loop`, s.span);
        return;
      case 'return': {
        if (!ctx.fn) syntaxErr('`return` outside of a function', s.span);
        const ret = ctx.fn.ret;
        if (s.value) {
          const v = this.expr(s.value, ctx, ret);
          if (ret.kind === 'void') {
            if (v.type!.kind !== 'void') typeErr(`\`${ctx.fn.name}\` does not return a value, found ${q(v.type!)}`, v.span);
            s.value = v;
          } else {
            s.value = coerce(v, ret);
          }
        } else if (ret.kind !== 'void') {
          typeErr(`\`${ctx.fn.name}\` must return a value of type ${q(ret)}`, s.span);
        }
        return;
      }
      case 'block':
        this.block(s.block, ctx);
        return;
    }
  }

  private condition(e: Expr, ctx: FnCtx): Expr {
    const c = this.expr(e, ctx, BOOL);
    if (c.type!.kind !== 'bool') typeErr(`condition must be \`bool\`, found ${q(c.type!)}`, c.span);
    return c;
  }

  // ---- expressions ----

  private lookupVar(name: string, ctx: FnCtx): VarRef | undefined {
    for (let i = ctx.scopes.length - 1; i >= 0; i--) {
      const v = ctx.scopes[i].get(name);
      if (v) return { kind: 'local', id: v.id, type: v.type };
    }
    const g = this.env.globals.get(name);
    if (g) return { kind: 'global', global: g };
    return undefined;
  }

  private visibleNames(ctx: FnCtx): string[] {
    const names: string[] = [...this.env.globals.keys()];
    for (const s of ctx.scopes) names.push(...s.keys());
    return names;
  }

  /** Checks an expression; `hint` is the type expected by the context (used for `[]`, array literals and `fill`). */
  expr(e: Expr, ctx: FnCtx, hint?: Type): Expr {
    switch (e.kind) {
      case 'int':
      case 'float':
      case 'bool':
      case 'str':
      case 'promote':
        e.type = FIXED_TYPES[e.kind];
        return e;
      case 'name': {
        const ref = this.lookupVar(e.name, ctx);
        if (!ref) {
          if (this.env.functions.has(e.name) || BUILTINS.has(e.name)) {
            typeErr(`function \`${e.name}\` cannot be used as a value; call it: \`${e.name}(...)\``, e.span);
          }
          nameErr(withSuggestion(`unknown name \`${e.name}\``, e.name, this.visibleNames(ctx)), e.span);
        }
        e.ref = ref;
        e.type = ref.kind === 'local' ? ref.type : ref.global.type;
        return e;
      }
      case 'unary':
        e.operand = this.expr(e.operand, ctx);
        return checkUnary(e);
      case 'binary':
        e.left = this.expr(e.left, ctx);
        e.right = this.expr(e.right, ctx);
        return checkBinary(e);
      case 'call':
        return this.call(e, ctx, hint);
      case 'index': {
        e.target = this.expr(e.target, ctx);
        const t = e.target.type!;
        if (t.kind !== 'array') {
          typeErr(t.kind === 'str' ? 'cannot index `str` (use `substr`)' : `cannot index ${q(t)}`, e.target.span);
        }
        e.index = this.expr(e.index, ctx, INT);
        if (e.index.type!.kind !== 'int') typeErr(`an array index must be \`int\`, found ${q(e.index.type!)}`, e.index.span);
        e.type = t.elem;
        return e;
      }
      case 'field': {
        e.target = this.expr(e.target, ctx);
        const t = e.target.type!;
        if (t.kind !== 'struct') typeErr(`${q(t)} has no fields (accessing \`${e.field}\`)`, e.fieldSpan);
        const idx = fieldIndex(t.def, e.field, e.fieldSpan);
        e.fieldIndex = idx;
        e.type = t.def.fields[idx].type;
        return e;
      }
      case 'array':
        return this.arrayLit(e, ctx, hint);
      case 'structlit': {
        const def = this.env.structs.get(e.name);
        if (!def) {
          nameErr(withSuggestion(`unknown struct \`${e.name}\``, e.name, this.env.structs.keys()), e.span);
        }
        const seen = new Set<string>();
        for (const f of e.fields) {
          const idx = fieldIndex(def, f.name, f.span);
          if (seen.has(f.name)) typeErr(`field \`${f.name}\` is given twice`, f.span);
          seen.add(f.name);
          f.fieldIndex = idx;
          f.value = this.exprAs(f.value, ctx, def.fields[idx].type);
        }
        const missing = def.fields.filter((f) => !seen.has(f.name)).map((f) => `\`${f.name}\``);
        if (missing.length) {
          typeErr(`missing field${missing.length > 1 ? 's' : ''} ${missing.join(', ')} in \`${def.name}\` literal`, e.span);
        }
        e.def = def;
        e.type = { kind: 'struct', def };
        return e;
      }
    }
  }

  /** Checks e where a value of type t is expected, promoting int → float. */
  private exprAs(e: Expr, ctx: FnCtx, t: Type): Expr {
    return coerce(this.expr(e, ctx, t), t);
  }

  private arrayLit(e: Expr & { kind: 'array' }, ctx: FnCtx, hint?: Type): Expr {
    const hintElem = hint && hint.kind === 'array' ? hint.elem : undefined;
    if (e.elems.length === 0) {
      if (!hintElem) {
        typeErr(CANNOT_INFER_EMPTY, e.span);
      }
      e.type = arrayOf(hintElem);
      return e;
    }
    if (hintElem) {
      e.elems = e.elems.map((x) => this.exprAs(x, ctx, hintElem));
      e.type = arrayOf(hintElem);
      return e;
    }
    // No context: infer from the elements; empty array literals inside are checked last.
    const isEmptyLit = (x: Expr) => x.kind === 'array' && x.elems.length === 0;
    let elemType: Type | undefined;
    for (let i = 0; i < e.elems.length; i++) {
      if (isEmptyLit(e.elems[i])) continue;
      const x = this.expr(e.elems[i], ctx, elemType);
      e.elems[i] = x;
      const t = nonVoid(x).type!;
      if (!elemType) elemType = t;
      else if (sameType(elemType, t)) continue;
      else if (elemType.kind === 'int' && t.kind === 'float') elemType = FLOAT;
      else if (elemType.kind === 'float' && t.kind === 'int') continue;
      else typeErr(`array elements must have one type: expected ${q(elemType)}, found ${q(t)}`, x.span);
    }
    if (!elemType) typeErr(CANNOT_INFER_EMPTY, e.elems[0].span);
    const et = elemType;
    e.elems = e.elems.map((x) => (isEmptyLit(x) ? this.exprAs(x, ctx, et) : coerce(x, et)));
    e.type = arrayOf(et);
    return e;
  }

  private call(e: Expr & { kind: 'call' }, ctx: FnCtx, hint?: Type): Expr {
    const check = (x: Expr, h?: Type): Expr => this.expr(x, ctx, h);
    const fn = this.env.functions.get(e.callee);
    if (fn) {
      e.target = { kind: 'fn', fn };
      return checkArgs(e, fn.params.map((p) => p.type), fn.ret, check);
    }
    const b = BUILTINS.get(e.callee);
    if (!b) {
      nameErr(
        withSuggestion(`unknown function \`${e.callee}\``, e.callee, [...this.env.functions.keys(), ...BUILTINS.keys()]),
        e.calleeSpan,
      );
    }
    e.target = { kind: 'builtin', name: b.name };
    return checkBuiltinCall(e, b, hint, check);
  }
}

/** The index of field `name` in def; a TypeError (with a suggestion) if there is none. */
function fieldIndex(def: StructDef, name: string, span: Span): number {
  const idx = def.fields.findIndex((f) => f.name === name);
  if (idx < 0) typeErr(withSuggestion(`struct \`${def.name}\` has no field \`${name}\``, name, def.fields.map((f) => f.name)), span);
  return idx;
}
