// The Kiln type checker. checkCell resolves names, checks types, inserts `promote`
// nodes (int → float where a float is expected) and fills the AST fields marked
// "set by the checker". It never mutates the Env it is given nor anything in it: the
// new Env is built from copies of the maps, so a cell that fails to compile changes
// nothing.
//
// Decisions (where LANGUAGE.md is silent):
// - Functions and variables live in separate namespaces, except that a call `f(x)` goes
//   through a visible variable `f` of a function type (the nearer binding); a function
//   used without a call is a value (check-closures.ts).
// - A user `fn`/`extern fn` with a builtin's name is a NameError ("`print` is a
//   built-in function"); a struct named like a built-in type is a NameError too.
// - `break`/`continue` outside a loop and `return` outside a function are SyntaxErrors.
// - `while true { ... }` without a `break` counts as never finishing for the
//   "missing return" check (like Rust's `loop`).
// - Unknown names get a "did you mean" among visible names (check-util.ts).
// The rules of the operators and of built-in function calls are in check-builtins.ts.
import {
  arrayOf, Block, BOOL, Cell, CheckedCell, Env, Expr, ExternDecl, FLOAT, FnDecl, FnSig, GlobalInfo, INT, LambdaExpr,
  mapOf, Param, PTR, sameType, Span, STR, Stmt, StructDecl, StructDef, Type, TypeExpr, VarRef, VOID,
} from './ast';
import { BUILTINS, BUILTIN_TYPES } from './builtins';
import { checkExternSignature, checkExternSymbols, cTypeOutsideExtern, isCType } from './check-extern';
import { layerEnv } from './env';
import { checkArgs, checkBinary, checkBuiltinCall, checkCompoundAssign, checkUnary } from './check-builtins';
import {
  checkValueCall, FnCtx, fnTypeOf, functionValue, LAMBDA_NAME, newFnCtx, peekLocal, resolveLocal, visibleLocals,
} from './check-closures';
import { CANNOT_INFER_EMPTY_MAP, checkKey, checkKeyType, checkMapLiteral, isEmptyLiteral } from './check-maps';
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
const FIXED_TYPES = { int: INT, float: FLOAT, bool: BOOL, str: STR, promote: FLOAT, null: PTR } as const;

const CANNOT_INFER_EMPTY = 'cannot infer the type of an empty array `[]`; add a type annotation, e.g. `let v: [int] = []`';

export function checkCell(cell: Cell, env: Env, cellNumber: number): CheckedCell {
  return new Checker(env, cellNumber).check(cell);
}

class Checker {
  readonly env: Env;
  private readonly cellStructs = new Map<string, StructDef>();
  private readonly lambdas: LambdaExpr[] = [];
  private readonly functionValues = new Set<FnSig>();

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
      let sig: FnSig;
      if (d.kind === 'extern') {
        checkUniqueParams(d.params);
        const c = checkExternSignature(d, (t, allowVoid) => this.resolveType(t, allowVoid));
        sig = { name: d.name, params: c.params, ret: c.ret, cell: this.cellNumber, line: d.span.line, extern: true, cName: d.cName ?? d.name, cParams: c.cParams };
        if (c.cRet) sig.cRet = c.cRet;
        if (d.library !== undefined) sig.library = d.library;
      } else {
        const params = this.resolveParams(d.params);
        const ret = d.ret ? this.resolveType(d.ret, true) : VOID;
        sig = { name: d.name, params, ret, cell: this.cellNumber, line: d.span.line, extern: false };
        if (d.doc !== undefined) sig.doc = d.doc;
      }
      d.sig = sig;
      this.env.functions.set(d.name, sig);
      if (d.kind === 'extern') externs.push(sig);
    }
    checkExternSymbols(cell.items.filter((i): i is ExternDecl => i.kind === 'extern'));

    // Top-level statements, in order (the cell's entry function).
    const entry = newFnCtx();
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
      entryBoxed: entry.boxed,
      lambdas: this.lambdas,
      functionValues: this.functionValues,
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
      t.kind === 'array' ? structNamesIn(t.elem)
        : t.kind === 'map' ? [...structNamesIn(t.key), ...structNamesIn(t.value)]
        : t.kind === 'fn' ? [...t.params, ...(t.ret ? [t.ret] : [])].flatMap(structNamesIn)
        : BUILTIN_TYPES.includes(t.name) ? [] : [t.name];
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
    if (t.kind === 'map') {
      const key = this.resolveType(t.key);
      checkKeyType(key, t.key.span);
      return mapOf(key, this.resolveType(t.value));
    }
    if (t.kind === 'fn') {
      return { kind: 'fn', params: t.params.map((p) => this.resolveType(p)), ret: t.ret ? this.resolveType(t.ret, true) : VOID };
    }
    switch (t.name) {
      case 'int': return INT;
      case 'float': return FLOAT;
      case 'bool': return BOOL;
      case 'str': return STR;
      case 'void':
        if (!allowVoid) syntaxErr('`void` is only allowed as a return type', t.span);
        return VOID;
      case 'ptr': return PTR;
    }
    if (isCType(t.name)) cTypeOutsideExtern(t.name, t);
    const def = this.env.structs.get(t.name);
    if (!def) {
      nameErr(withSuggestion(`unknown type \`${t.name}\``, t.name, [...BUILTIN_TYPES.slice(0, 4), ...this.env.structs.keys()]), t.span);
    }
    return { kind: 'struct', def };
  }

  // ---- functions ----

  private resolveParams(params: Param[]): FnSig['params'] {
    checkUniqueParams(params);
    return params.map((p) => ({ name: p.name, type: this.resolveType(p.type) }));
  }

  /** Checks the body of a named or anonymous function in ctx (its parameters are locals 0..n-1). */
  private checkBody(sig: FnSig, body: Block, ctx: FnCtx): void {
    for (const p of sig.params) {
      ctx.scopes[0].set(p.name, { id: ctx.locals.length, type: p.type });
      ctx.locals.push(p.type);
    }
    this.block(body, ctx, false);
    if (sig.ret.kind !== 'void' && !blockTerminates(body)) {
      typeErr(`missing return in \`${sig.name}\``, closingBraceSpan(body.span));
    }
  }

  private checkFnBody(d: FnDecl): void {
    const ctx = newFnCtx({ name: d.name, ret: d.sig!.ret });
    this.checkBody(d.sig!, d.body, ctx);
    d.locals = ctx.locals;
    d.boxed = ctx.boxed;
  }

  /** The signature of an anonymous function (from its header alone). */
  private lambdaSig(e: LambdaExpr): FnSig {
    e.sig ??= {
      name: LAMBDA_NAME,
      params: this.resolveParams(e.params),
      ret: e.ret ? this.resolveType(e.ret, true) : VOID,
      cell: this.cellNumber,
      line: e.span.line,
      extern: false,
    };
    return e.sig;
  }

  private lambda(e: LambdaExpr, parent: FnCtx): Expr {
    const sig = this.lambdaSig(e);
    const ctx = newFnCtx({ name: LAMBDA_NAME, ret: sig.ret }, parent);
    this.checkBody(sig, e.body, ctx);
    e.locals = ctx.locals;
    e.boxed = ctx.boxed;
    e.captures = ctx.captures;
    e.type = fnTypeOf(sig);
    this.lambdas.push(e);
    return e;
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

  /** The variable of a `let`: a session global at the top level of the cell, else a local. */
  private declareLet(name: string, type: Type, ctx: FnCtx, globals: GlobalInfo[] | undefined): VarRef {
    if (!globals) return this.declareLocal(ctx, name, type);
    const old = this.env.globals.get(name);
    const g: GlobalInfo = old && sameType(old.type, type) ? old : { name, type };
    this.env.globals.set(name, g);
    if (!globals.includes(g)) globals.push(g);
    return { kind: 'global', global: g };
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
        // The name of a `let` whose value is an anonymous function is visible in that
        // function's body, so it can call itself (docs/decisions.md).
        const declaredFirst = s.init.kind === 'lambda' ? annot ?? fnTypeOf(this.lambdaSig(s.init)) : undefined;
        if (declaredFirst) s.target = this.declareLet(s.name, declaredFirst, ctx, globals);
        let init = this.expr(s.init, ctx, annot);
        if (annot) init = coerce(init, annot);
        else nonVoid(init);
        s.init = init;
        s.target ??= this.declareLet(s.name, annot ?? init.type!, ctx, globals);
        return;
      }
      case 'assign': {
        const target = this.expr(s.target, ctx);
        if (target.kind === 'name' && target.ref!.kind === 'function') {
          typeErr(`cannot assign to function \`${target.name}\` (declare a variable: \`let f = ${target.name}\`)`, target.span);
        }
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
          if (it.kind !== 'array' && it.kind !== 'map') {
            typeErr(`cannot iterate over ${q(it)}; expected an array, a map or a range \`a..b\``, s.iter.span);
          }
          varType = it.kind === 'array' ? it.elem : it.key;
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
    const local = resolveLocal(name, ctx);
    if (local) return local;
    const g = this.env.globals.get(name);
    if (g) return { kind: 'global', global: g };
    return undefined;
  }

  private visibleNames(ctx: FnCtx): string[] {
    return [...this.env.globals.keys(), ...visibleLocals(ctx)];
  }

  /** Checks an expression; `hint` is the type expected by the context (used for `[]`, array literals and `fill`). */
  expr(e: Expr, ctx: FnCtx, hint?: Type): Expr {
    switch (e.kind) {
      case 'int':
      case 'float':
      case 'bool':
      case 'str':
      case 'promote':
      case 'null':
        e.type = FIXED_TYPES[e.kind];
        return e;
      case 'name': {
        const ref = this.lookupVar(e.name, ctx);
        if (!ref) {
          const value = functionValue(e, this.env, () => this.visibleNames(ctx));
          if (e.ref?.kind === 'function') this.functionValues.add(e.ref.fn);
          return value;
        }
        e.ref = ref;
        e.type = ref.kind === 'global' ? ref.global.type : ref.type;
        return e;
      }
      case 'lambda':
        return this.lambda(e, ctx);
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
        if (t.kind === 'map') {
          e.index = checkKey(e.index, t, (x, h) => this.expr(x, ctx, h));
          e.type = t.value;
          return e;
        }
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
      case 'map':
        return checkMapLiteral(e, hint, (x, h) => this.expr(x, ctx, h));
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
    let elemType: Type | undefined;
    for (let i = 0; i < e.elems.length; i++) {
      if (isEmptyLiteral(e.elems[i])) continue;
      const x = this.expr(e.elems[i], ctx, elemType);
      e.elems[i] = x;
      const t = nonVoid(x).type!;
      if (!elemType) elemType = t;
      else if (sameType(elemType, t)) continue;
      else if (elemType.kind === 'int' && t.kind === 'float') elemType = FLOAT;
      else if (elemType.kind === 'float' && t.kind === 'int') continue;
      else typeErr(`array elements must have one type: expected ${q(elemType)}, found ${q(t)}`, x.span);
    }
    if (!elemType) typeErr(e.elems[0].kind === 'map' ? CANNOT_INFER_EMPTY_MAP : CANNOT_INFER_EMPTY, e.elems[0].span);
    const et = elemType;
    e.elems = e.elems.map((x) => (isEmptyLiteral(x) ? this.exprAs(x, ctx, et) : coerce(x, et)));
    e.type = arrayOf(et);
    return e;
  }

  private call(e: Expr & { kind: 'call' }, ctx: FnCtx, hint?: Type): Expr {
    const check = (x: Expr, h?: Type): Expr => this.expr(x, ctx, h);
    if (e.calleeExpr) return checkValueCall(e, this.expr(e.calleeExpr, ctx), check);
    // A variable of a fn type shadows a function of the same name (it is the nearer binding).
    const variable = peekLocal(e.callee, ctx) ?? this.env.globals.get(e.callee)?.type;
    if (variable?.kind === 'fn') {
      return checkValueCall(e, this.expr({ kind: 'name', name: e.callee, span: e.calleeSpan }, ctx), check);
    }
    const fn = this.env.functions.get(e.callee);
    if (fn) {
      e.target = { kind: 'fn', fn };
      return checkArgs(e, fn.params.map((p) => p.type), fn.ret, check);
    }
    const b = BUILTINS.get(e.callee);
    if (!b) {
      if (variable) typeErr(`\`${e.callee}\` is not a function: it is ${q(variable)}`, e.calleeSpan);
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

function checkUniqueParams(params: Param[]): void {
  const seen = new Set<string>();
  for (const p of params) {
    if (seen.has(p.name)) nameErr(`parameter \`${p.name}\` is declared twice`, p.span);
    seen.add(p.name);
  }
}
