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
// - Comparisons: `< <= > >=` on int/float (mixed → float) and str; `==`/`!=` also on
//   bool. Arrays and structs cannot be compared.
// - `int(x)`/`float(x)` take int, float or str; `str(x)` takes any non-void value.
// - `while true { ... }` without a `break` counts as never finishing for the
//   "missing return" check (like Rust's `loop`).
// - A binary type error points at the right operand ("cannot add `int` and `str`").
// - Unknown names get a "did you mean" among visible names when the edit distance is
//   ≤ 2 (a swap of two adjacent letters counts 1) and smaller than the longer name.
import {
  arrayOf, Block, BOOL, Cell, CheckedCell, Env, Expr, ExternDecl, FLOAT, FnDecl, FnSig, GlobalInfo, INT,
  sameType, Span, STR, Stmt, StructDecl, StructDef, Type, TypeExpr, typeName, VarRef, VOID,
} from './ast';
import { BUILTINS, BUILTIN_TYPES } from './builtins';
import { CompileError } from './errors';

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

function typeErr(message: string, span: Span): never {
  throw new CompileError('TypeError', message, span);
}
function nameErr(message: string, span: Span): never {
  throw new CompileError('NameError', message, span);
}
function syntaxErr(message: string, span: Span): never {
  throw new CompileError('SyntaxError', message, span);
}

const q = (t: Type) => '`' + typeName(t) + '`';

/** Edit distance with adjacent transpositions counted as one edit (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  const d: number[][] = Array.from({ length: m + 1 }, (_, i) => Array.from({ length: n + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= m; i++) {
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[m][n];
}

/** The closest candidate by edit distance (≤ 2, and less than the longer name's length), if any. */
export function suggest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of [...new Set(candidates)].sort()) {
    if (c === name) continue;
    const d = editDistance(name, c);
    if (d <= 2 && d < Math.max(name.length, c.length) && d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best;
}

function withSuggestion(msg: string, name: string, candidates: Iterable<string>): string {
  const s = suggest(name, candidates);
  return s ? `${msg} — did you mean \`${s}\`?` : msg;
}

const isNumeric = (t: Type) => t.kind === 'int' || t.kind === 'float';

function promote(e: Expr): Expr {
  return { kind: 'promote', operand: e, span: e.span, type: FLOAT };
}

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
    this.env = {
      functions: new Map(oldEnv.functions),
      globals: new Map(oldEnv.globals),
      structs: new Map(oldEnv.structs),
    };
  }

  check(cell: Cell): CheckedCell {
    const structDecls = cell.items.filter((i): i is StructDecl => i.kind === 'struct');
    const fnDecls = cell.items.filter((i): i is FnDecl => i.kind === 'fn');
    const externDecls = cell.items.filter((i): i is ExternDecl => i.kind === 'extern');

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
    void externDecls;
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
    let pending = [...decls];
    while (pending.length) {
      const ready = pending.filter((d) =>
        d.fields.every((f) => structNamesIn(f.type).every((n) => !names.has(n) || this.cellStructs.has(n))),
      );
      if (ready.length) {
        for (const d of ready) {
          const fields = d.fields.map((f) => ({ name: f.name, type: this.resolveType(f.type) }));
          const old = this.oldEnv.structs.get(d.name);
          let def: StructDef;
          if (
            old &&
            old.fields.length === fields.length &&
            old.fields.every((f, i) => f.name === fields[i].name && sameType(f.type, fields[i].type))
          ) {
            def = old;
          } else {
            def = { name: d.name, id: nextStructId++, fields, cell: this.cellNumber };
            if (d.doc !== undefined) def.doc = d.doc;
            newDefs.push(def);
          }
          d.def = def;
          this.cellStructs.set(d.name, def);
          this.env.structs.set(d.name, def);
        }
        pending = pending.filter((d) => !ready.includes(d));
      } else {
        // Recursive structs: all remaining ones are new types.
        for (const d of pending) {
          const def: StructDef = { name: d.name, id: nextStructId++, fields: [], cell: this.cellNumber };
          if (d.doc !== undefined) def.doc = d.doc;
          d.def = def;
          newDefs.push(def);
          this.cellStructs.set(d.name, def);
          this.env.structs.set(d.name, def);
        }
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
        if (annot) {
          init = this.coerce(init, annot);
        } else if (init.type!.kind === 'void') {
          typeErr(`cannot use a \`void\` value: ${describeVoid(init)}`, init.span);
        }
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
        let value = this.expr(s.value, ctx, tt);
        if (s.op === '=') {
          value = this.coerce(value, tt);
        } else {
          const vt = value.type!;
          const opName = s.op;
          if (tt.kind === 'str' && s.op === '+=') {
            value = this.coerce(value, STR);
          } else if (tt.kind === 'int') {
            if (vt.kind === 'int') {
              // ok
            } else if (vt.kind === 'float') {
              typeErr(`expected \`int\`, found \`float\``, value.span);
            } else {
              typeErr(`cannot apply \`${opName}\` to \`int\` and ${q(vt)}`, value.span);
            }
          } else if (tt.kind === 'float') {
            if (!isNumeric(vt)) typeErr(`cannot apply \`${opName}\` to \`float\` and ${q(vt)}`, value.span);
            value = this.coerce(value, FLOAT);
          } else {
            typeErr(`cannot apply \`${opName}\` to ${q(tt)}`, target.span);
          }
        }
        s.value = value;
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
        ctx.loops++;
        this.block(s.body, ctx);
        ctx.loops--;
        return;
      case 'for': {
        s.start = this.expr(s.start, ctx, INT);
        s.end = this.expr(s.end, ctx, INT);
        for (const e of [s.start, s.end]) {
          if (e.type!.kind !== 'int') typeErr(`a range bound must be \`int\`, found ${q(e.type!)}`, e.span);
        }
        ctx.scopes.push(new Map());
        s.varRef = this.declareLocal(ctx, s.var, INT);
        ctx.loops++;
        this.block(s.body, ctx);
        ctx.loops--;
        ctx.scopes.pop();
        return;
      }
      case 'foreach': {
        s.iter = this.expr(s.iter, ctx);
        const it = s.iter.type!;
        if (it.kind !== 'array') typeErr(`cannot iterate over ${q(it)}; expected an array or a range \`a..b\``, s.iter.span);
        ctx.scopes.push(new Map());
        s.varRef = this.declareLocal(ctx, s.var, it.elem);
        ctx.loops++;
        this.block(s.body, ctx);
        ctx.loops--;
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
            s.value = this.coerce(v, ret);
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

  /** Converts e (already checked) to type t: identity, or int → float promotion; otherwise a TypeError. */
  coerce(e: Expr, t: Type): Expr {
    const et = e.type!;
    if (sameType(et, t)) return e;
    if (et.kind === 'int' && t.kind === 'float') return promote(e);
    if (et.kind === 'void') typeErr(`expected ${q(t)}, found \`void\` (${describeVoid(e)})`, e.span);
    typeErr(`expected ${q(t)}, found ${q(et)}`, e.span);
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
        e.type = INT;
        return e;
      case 'float':
        e.type = FLOAT;
        return e;
      case 'bool':
        e.type = BOOL;
        return e;
      case 'str':
        e.type = STR;
        return e;
      case 'promote':
        e.type = FLOAT;
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
      case 'unary': {
        e.operand = this.expr(e.operand, ctx);
        const t = e.operand.type!;
        if (e.op === '-') {
          if (!isNumeric(t)) typeErr(`cannot negate ${q(t)}`, e.operand.span);
        } else if (t.kind !== 'bool') {
          typeErr(`\`!\` needs a \`bool\` operand, found ${q(t)}`, e.operand.span);
        }
        e.type = t;
        return e;
      }
      case 'binary':
        return this.binary(e, ctx);
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
        const idx = t.def.fields.findIndex((f) => f.name === e.field);
        if (idx < 0) {
          typeErr(
            withSuggestion(`struct \`${t.def.name}\` has no field \`${e.field}\``, e.field, t.def.fields.map((f) => f.name)),
            e.fieldSpan,
          );
        }
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
          const idx = def.fields.findIndex((df) => df.name === f.name);
          if (idx < 0) {
            typeErr(withSuggestion(`struct \`${def.name}\` has no field \`${f.name}\``, f.name, def.fields.map((x) => x.name)), f.span);
          }
          if (seen.has(f.name)) typeErr(`field \`${f.name}\` is given twice`, f.span);
          seen.add(f.name);
          f.fieldIndex = idx;
          f.value = this.coerce(this.expr(f.value, ctx, def.fields[idx].type), def.fields[idx].type);
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

  private arrayLit(e: Expr & { kind: 'array' }, ctx: FnCtx, hint?: Type): Expr {
    const hintElem = hint && hint.kind === 'array' ? hint.elem : undefined;
    if (e.elems.length === 0) {
      if (!hintElem) {
        typeErr('cannot infer the type of an empty array `[]`; add a type annotation, e.g. `let v: [int] = []`', e.span);
      }
      e.type = arrayOf(hintElem);
      return e;
    }
    if (hintElem) {
      e.elems = e.elems.map((x) => this.coerce(this.expr(x, ctx, hintElem), hintElem));
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
      const t = x.type!;
      if (t.kind === 'void') typeErr(`cannot use a \`void\` value: ${describeVoid(x)}`, x.span);
      if (!elemType) elemType = t;
      else if (sameType(elemType, t)) continue;
      else if (elemType.kind === 'int' && t.kind === 'float') elemType = FLOAT;
      else if (elemType.kind === 'float' && t.kind === 'int') continue;
      else typeErr(`array elements must have one type: expected ${q(elemType)}, found ${q(t)}`, x.span);
    }
    if (!elemType) {
      typeErr('cannot infer the type of an empty array `[]`; add a type annotation, e.g. `let v: [int] = []`', e.elems[0].span);
    }
    const et = elemType;
    e.elems = e.elems.map((x) => (isEmptyLit(x) ? this.coerce(this.expr(x, ctx, et), et) : this.coerce(x, et)));
    e.type = arrayOf(et);
    return e;
  }

  private binary(e: Expr & { kind: 'binary' }, ctx: FnCtx): Expr {
    e.left = this.expr(e.left, ctx);
    e.right = this.expr(e.right, ctx);
    const lt = e.left.type!;
    const rt = e.right.type!;
    const numeric = (): Type | undefined => {
      if (lt.kind === 'int' && rt.kind === 'int') return INT;
      if (isNumeric(lt) && isNumeric(rt)) {
        e.left = this.coerce(e.left, FLOAT);
        e.right = this.coerce(e.right, FLOAT);
        return FLOAT;
      }
      return undefined;
    };
    const fail = (msg: string): never => typeErr(msg, isOkOperand(lt) ? e.right.span : e.left.span);
    switch (e.op) {
      case '+':
      case '-':
      case '*':
      case '/':
      case '%': {
        let t = numeric();
        if (!t && e.op === '+' && lt.kind === 'str' && rt.kind === 'str') t = STR;
        if (!t) {
          const verb = { '+': 'add', '-': 'subtract', '*': 'multiply', '/': 'divide', '%': 'take the remainder of' }[e.op];
          if (e.op === '-') fail(`cannot subtract ${q(rt)} from ${q(lt)}`);
          if (e.op === '%') fail(`cannot take the remainder of ${q(lt)} by ${q(rt)}`);
          if (e.op === '/') fail(`cannot divide ${q(lt)} by ${q(rt)}`);
          fail(`cannot ${verb} ${q(lt)} and ${q(rt)}`);
        }
        e.operandType = t;
        e.type = t;
        return e;
      }
      case '<':
      case '<=':
      case '>':
      case '>=':
      case '==':
      case '!=': {
        let t = numeric();
        if (!t && lt.kind === 'str' && rt.kind === 'str') t = STR;
        if (!t && (e.op === '==' || e.op === '!=') && lt.kind === 'bool' && rt.kind === 'bool') t = BOOL;
        if (!t) fail(`cannot compare ${q(lt)} and ${q(rt)}`);
        e.operandType = t;
        e.type = BOOL;
        return e;
      }
      case '&&':
      case '||': {
        if (lt.kind !== 'bool') typeErr(`\`${e.op}\` needs \`bool\` operands, found ${q(lt)}`, e.left.span);
        if (rt.kind !== 'bool') typeErr(`\`${e.op}\` needs \`bool\` operands, found ${q(rt)}`, e.right.span);
        e.operandType = BOOL;
        e.type = BOOL;
        return e;
      }
    }
  }

  private argCount(e: Expr & { kind: 'call' }, n: number | [number, number]): void {
    const [lo, hi] = typeof n === 'number' ? [n, n] : n;
    const k = e.args.length;
    if (k < lo || k > hi) {
      const want = lo === hi ? `${lo} argument${lo === 1 ? '' : 's'}` : `${lo} to ${hi} arguments`;
      typeErr(`\`${e.callee}\` takes ${want}, found ${k}`, e.span);
    }
  }

  private call(e: Expr & { kind: 'call' }, ctx: FnCtx, hint?: Type): Expr {
    const fn = this.env.functions.get(e.callee);
    if (fn) {
      e.target = { kind: 'fn', fn };
      this.argCount(e, fn.params.length);
      e.args = e.args.map((a, i) => this.coerce(this.expr(a, ctx, fn.params[i].type), fn.params[i].type));
      e.type = fn.ret;
      return e;
    }
    const b = BUILTINS.get(e.callee);
    if (!b) {
      nameErr(
        withSuggestion(`unknown function \`${e.callee}\``, e.callee, [...this.env.functions.keys(), ...BUILTINS.keys()]),
        e.calleeSpan,
      );
    }
    e.target = { kind: 'builtin', name: b.name };
    if (!b.generic) {
      const params = b.params!;
      this.argCount(e, params.length);
      e.args = e.args.map((a, i) => this.coerce(this.expr(a, ctx, params[i]), params[i]));
      e.type = b.ret!;
      return e;
    }
    const arg = (i: number, h?: Type): Expr => (e.args[i] = this.expr(e.args[i], ctx, h));
    const nonVoid = (x: Expr): Expr => {
      if (x.type!.kind === 'void') typeErr(`cannot use a \`void\` value: ${describeVoid(x)}`, x.span);
      return x;
    };
    switch (b.name) {
      case 'print':
      case 'eprint':
        for (let i = 0; i < e.args.length; i++) nonVoid(arg(i));
        e.type = VOID;
        return e;
      case 'len': {
        this.argCount(e, 1);
        const t = arg(0).type!;
        if (t.kind !== 'str' && t.kind !== 'array') typeErr(`\`len\` needs a \`str\` or an array, found ${q(t)}`, e.args[0].span);
        e.type = INT;
        return e;
      }
      case 'push': {
        this.argCount(e, 2);
        const t = arg(0).type!;
        if (t.kind !== 'array') typeErr(`\`push\` needs an array, found ${q(t)}`, e.args[0].span);
        e.args[1] = this.coerce(arg(1, t.elem), t.elem);
        e.type = VOID;
        return e;
      }
      case 'pop': {
        this.argCount(e, 1);
        const t = arg(0).type!;
        if (t.kind !== 'array') typeErr(`\`pop\` needs an array, found ${q(t)}`, e.args[0].span);
        e.type = t.elem;
        return e;
      }
      case 'fill': {
        this.argCount(e, 2);
        e.args[0] = this.coerce(arg(0, INT), INT);
        const hintElem = hint && hint.kind === 'array' ? hint.elem : undefined;
        let x = nonVoid(arg(1, hintElem));
        if (hintElem && hintElem.kind === 'float' && x.type!.kind === 'int') x = promote(x);
        e.args[1] = x;
        e.type = arrayOf(x.type!);
        return e;
      }
      case 'int':
      case 'float': {
        this.argCount(e, 1);
        const t = arg(0).type!;
        if (!['int', 'float', 'str'].includes(t.kind)) typeErr(`cannot convert ${q(t)} to \`${b.name}\``, e.args[0].span);
        e.type = b.name === 'int' ? INT : FLOAT;
        return e;
      }
      case 'str':
        this.argCount(e, 1);
        nonVoid(arg(0));
        e.type = STR;
        return e;
      case 'abs': {
        this.argCount(e, 1);
        const t = arg(0).type!;
        if (!isNumeric(t)) typeErr(`\`abs\` needs an \`int\` or a \`float\`, found ${q(t)}`, e.args[0].span);
        e.type = t;
        return e;
      }
      case 'min':
      case 'max': {
        this.argCount(e, 2);
        const a = arg(0).type!;
        const c = arg(1).type!;
        if (!isNumeric(a)) typeErr(`\`${b.name}\` needs \`int\` or \`float\` arguments, found ${q(a)}`, e.args[0].span);
        if (!isNumeric(c)) typeErr(`\`${b.name}\` needs \`int\` or \`float\` arguments, found ${q(c)}`, e.args[1].span);
        if (a.kind === 'int' && c.kind === 'int') {
          e.type = INT;
        } else {
          e.args = e.args.map((x) => this.coerce(x, FLOAT));
          e.type = FLOAT;
        }
        return e;
      }
    }
    throw new Error(`internal: no checking rule for builtin ${b.name}`);
  }
}

function isOkOperand(t: Type): boolean {
  return t.kind === 'int' || t.kind === 'float' || t.kind === 'str' || t.kind === 'bool';
}

function describeVoid(e: Expr): string {
  if (e.kind === 'call') return `\`${e.callee}\` does not return a value`;
  return 'this expression has no value';
}

function closingBraceSpan(s: Span): Span {
  return { line: s.endLine, col: Math.max(1, s.endCol - 1), endLine: s.endLine, endCol: s.endCol };
}

// ---- "returns on all paths" --------------------------------------------------------

function blockTerminates(b: Block): boolean {
  return b.stmts.some(stmtTerminates);
}

function stmtTerminates(s: Stmt): boolean {
  switch (s.kind) {
    case 'return':
      return true;
    case 'if':
      return !!s.else && blockTerminates(s.then) && blockTerminates(s.else);
    case 'block':
      return blockTerminates(s.block);
    case 'while':
      return s.cond.kind === 'bool' && s.cond.value && !hasBreak(s.body);
    default:
      return false;
  }
}

/** Does the block contain a `break` that leaves the loop whose body it is? */
function hasBreak(b: Block): boolean {
  return b.stmts.some((s) => {
    switch (s.kind) {
      case 'break':
        return true;
      case 'if':
        return hasBreak(s.then) || (!!s.else && hasBreak(s.else));
      case 'block':
        return hasBreak(s.block);
      default:
        return false; // breaks inside nested loops leave those loops
    }
  });
}
