// The Kiln syntax tree. The parser builds it; the checker fills in the fields marked
// "set by the checker"; lowering reads the checked tree.

/** A source range. Lines and columns are 1-based; columns count Unicode code points. */
export interface Span {
  line: number;
  col: number;
  endLine: number;
  endCol: number;
}

// ---- Types --------------------------------------------------------------------------

export type Type =
  | { kind: 'int' }
  | { kind: 'float' }
  | { kind: 'bool' }
  | { kind: 'str' }
  | { kind: 'void' }
  | { kind: 'array'; elem: Type }
  | { kind: 'struct'; def: StructDef }
  /** `{K: V}`: K is int, str or bool (the checker enforces it). */
  | { kind: 'map'; key: Type; value: Type }
  /** An opaque C pointer (`void*`); `null` is the null one. */
  | { kind: 'ptr' }
  /** A function value `fn(int, str) -> bool` (ret is void for `fn(int)`). */
  | { kind: 'fn'; params: Type[]; ret: Type };

export type MapType = Extract<Type, { kind: 'map' }>;
export type FnType = Extract<Type, { kind: 'fn' }>;

export const INT: Type = { kind: 'int' };
export const FLOAT: Type = { kind: 'float' };
export const BOOL: Type = { kind: 'bool' };
export const STR: Type = { kind: 'str' };
export const VOID: Type = { kind: 'void' };
export const PTR: Type = { kind: 'ptr' };

/** C types allowed only in `extern fn` signatures: what the C side sees of an int/float. */
export type CType = 'i32' | 'u32' | 'u64' | 'f32';
export const C_TYPES: readonly CType[] = ['i32', 'u32', 'u64', 'f32'];

export function arrayOf(elem: Type): Type {
  return { kind: 'array', elem };
}

export function mapOf(key: Type, value: Type): MapType {
  return { kind: 'map', key, value };
}

/** A struct type. Each definition with different fields is a distinct StructDef (distinct id). */
export interface StructDef {
  name: string;
  /** Unique per session; two StructDefs are the same type only if they are the same object. */
  id: number;
  fields: { name: string; type: Type }[];
  doc?: string;
  cell: number;
}

export function typeName(t: Type): string {
  switch (t.kind) {
    case 'array':
      return `[${typeName(t.elem)}]`;
    case 'struct':
      return t.def.name;
    case 'map':
      return `{${typeName(t.key)}: ${typeName(t.value)}}`;
    case 'fn':
      return `fn(${t.params.map(typeName).join(', ')})${t.ret.kind === 'void' ? '' : ` -> ${typeName(t.ret)}`}`;
    default:
      return t.kind;
  }
}

export function sameType(a: Type, b: Type): boolean {
  if (a.kind === 'array' && b.kind === 'array') return sameType(a.elem, b.elem);
  if (a.kind === 'struct' && b.kind === 'struct') return a.def === b.def;
  if (a.kind === 'map' && b.kind === 'map') return sameType(a.key, b.key) && sameType(a.value, b.value);
  if (a.kind === 'fn' && b.kind === 'fn') {
    return a.params.length === b.params.length && a.params.every((p, i) => sameType(p, b.params[i])) && sameType(a.ret, b.ret);
  }
  return a.kind === b.kind;
}

/** Syntax of a type annotation: `int`, `Point`, `[float]`, `{str: int}`. */
export type TypeExpr =
  | { kind: 'named'; name: string; span: Span }
  | { kind: 'array'; elem: TypeExpr; span: Span }
  | { kind: 'map'; key: TypeExpr; value: TypeExpr; span: Span }
  | { kind: 'fn'; params: TypeExpr[]; ret?: TypeExpr; span: Span };

// ---- Session-level definitions --------------------------------------------------------

/** A function visible in the session (Kiln function or extern C function). */
export interface FnSig {
  name: string;
  params: { name: string; type: Type }[];
  ret: Type;
  doc?: string;
  /** Cell and line where it was declared. */
  cell: number;
  line: number;
  /** For `extern fn`: the C symbol (the same as name). */
  extern: boolean;
  /** For `extern fn`: the C symbol it binds (`= "abs"`), the library it comes from
   *  (`extern "libz.so.1" fn`), and the C types written in place of int/float. */
  cName?: string;
  library?: string;
  cParams?: (CType | undefined)[];
  cRet?: CType;
  /** Set by the session before lowering (Kiln functions only): the 8-byte slot holding the current body's address. */
  slot?: number;
  /** Set by the session before lowering: the LLVM name of the body compiled in this cell, e.g. `fib.v3`. */
  symbol?: string;
  /** Set by the session before lowering: the function id recorded on the Kiln call stack. */
  fid?: number;
  /** The function's value (a KilnFn kept up to date with its current body): set by the session
   *  once the cell that first defined this signature is compiled (lowering then uses the address). */
  valueCell?: number;
}

/** A session global (top-level `let`). */
export interface GlobalInfo {
  name: string;
  type: Type;
  /** Set by the session before lowering: address of its 8-byte slot. */
  slot?: number;
}

/** What earlier cells have defined, as seen by the checker. */
export interface Env {
  functions: Map<string, FnSig>;
  globals: Map<string, GlobalInfo>;
  structs: Map<string, StructDef>;
}

// ---- Expressions --------------------------------------------------------------------

export type BinaryOp =
  | '+' | '-' | '*' | '/' | '%'
  | '==' | '!=' | '<' | '<=' | '>' | '>='
  | '&&' | '||';

/** How a name resolves. Set by the checker. */
export type VarRef =
  | { kind: 'local'; id: number; type: Type }
  | { kind: 'global'; global: GlobalInfo }
  /** Inside an anonymous function: the variable it captured at position `index` of its captures. */
  | { kind: 'capture'; index: number; type: Type }
  /** A named Kiln function used as a value (`let f = fib`). */
  | { kind: 'function'; fn: FnSig; type: Type };

/** What a call calls. Set by the checker. */
export type CallTarget =
  | { kind: 'fn'; fn: FnSig }
  | { kind: 'builtin'; name: string }
  /** A call through a function value (a variable, element, field or call result of a fn type). */
  | { kind: 'value'; callee: Expr };

interface ExprBase {
  span: Span;
  /** Set by the checker: the expression's type (after any promotion node is inserted around it). */
  type?: Type;
}

export type Expr =
  | (ExprBase & { kind: 'int'; value: bigint })
  | (ExprBase & { kind: 'float'; value: number })
  | (ExprBase & { kind: 'bool'; value: boolean })
  | (ExprBase & { kind: 'null' })
  | (ExprBase & { kind: 'str'; value: string })
  | (ExprBase & { kind: 'name'; name: string; ref?: VarRef })
  | (ExprBase & { kind: 'unary'; op: '-' | '!'; operand: Expr })
  /** operandType (set by the checker): int, float, str or bool — the type both operands have after promotion. */
  | (ExprBase & { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr; operandType?: Type })
  /** callee: the called name; for a call of another expression (`fs[0](2)`), calleeExpr holds it and callee is "". */
  | (ExprBase & { kind: 'call'; callee: string; calleeSpan: Span; args: Expr[]; calleeExpr?: Expr; target?: CallTarget })
  | (ExprBase & { kind: 'index'; target: Expr; index: Expr })
  /** fieldIndex (set by the checker): position of the field in its StructDef. */
  | (ExprBase & { kind: 'field'; target: Expr; field: string; fieldSpan: Span; fieldIndex?: number })
  | (ExprBase & { kind: 'array'; elems: Expr[] })
  /** Fields as written (evaluated in this order); fieldIndex set by the checker; def set by the checker. */
  | (ExprBase & {
      kind: 'structlit';
      name: string;
      fields: { name: string; value: Expr; span: Span; fieldIndex?: number }[];
      def?: StructDef;
    })
  /** Inserted by the checker: an int expression used where a float is expected. */
  | (ExprBase & { kind: 'promote'; operand: Expr })
  /** Map literal `{k: v, ...}`; entries evaluated in order, key before value. */
  | (ExprBase & { kind: 'map'; entries: { key: Expr; value: Expr }[] })
  | LambdaExpr;

/** An anonymous function `fn(x: int) -> int { ... }`. */
export interface LambdaExpr extends ExprBase {
  kind: 'lambda';
  params: Param[];
  ret?: TypeExpr;
  body: Block;
  /** Set by the checker: its signature (named `<fn>`); the session sets its fid. */
  sig?: FnSig;
  /** Set by the checker: locals by id (parameters first). */
  locals?: Type[];
  /** Set by the checker: ids of its locals that a nested anonymous function captures (kept in boxes). */
  boxed?: Set<number>;
  /** Set by the checker: what it captures, each as a reference in the enclosing function (a boxed local or a capture). */
  captures?: VarRef[];
}

export type ExprKind = Expr['kind'];

// ---- Statements ---------------------------------------------------------------------

export interface Block {
  stmts: Stmt[];
  span: Span;
}

export type AssignOp = '=' | '+=' | '-=' | '*=' | '/=' | '%=';

export type Stmt =
  /** target (set by the checker): a local, or a global for a top-level let of a cell. */
  | { kind: 'let'; name: string; nameSpan: Span; annot?: TypeExpr; init: Expr; span: Span; target?: VarRef }
  /** target is a name, index or field expression. For compound ops, the value is already promoted if needed. */
  | { kind: 'assign'; op: AssignOp; target: Expr; value: Expr; span: Span }
  | { kind: 'expr'; expr: Expr; span: Span }
  | { kind: 'if'; cond: Expr; then: Block; else?: Block; span: Span }
  | { kind: 'while'; cond: Expr; body: Block; span: Span }
  /** `for v in start..end`; varRef (set by the checker) is the loop variable's local. */
  | { kind: 'for'; var: string; varSpan: Span; start: Expr; end: Expr; body: Block; span: Span; varRef?: VarRef }
  /** `for v in array`, or `for k in map` (the keys, in insertion order). */
  | { kind: 'foreach'; var: string; varSpan: Span; iter: Expr; body: Block; span: Span; varRef?: VarRef }
  | { kind: 'break'; span: Span }
  | { kind: 'continue'; span: Span }
  | { kind: 'return'; value?: Expr; span: Span }
  | { kind: 'block'; block: Block; span: Span };

// `else if` is represented as an else Block holding a single `if` statement.

// ---- Items and cells ----------------------------------------------------------------

export interface Param {
  name: string;
  type: TypeExpr;
  span: Span;
}

export interface FnDecl {
  kind: 'fn';
  name: string;
  nameSpan: Span;
  params: Param[];
  ret?: TypeExpr;
  body: Block;
  doc?: string;
  span: Span;
  /** Set by the checker. */
  sig?: FnSig;
  /** Set by the checker: locals by id (parameters first, ids 0..params-1). */
  locals?: Type[];
  /** Set by the checker: ids of locals captured by an anonymous function (kept in boxes). */
  boxed?: Set<number>;
}

export interface StructDecl {
  kind: 'struct';
  name: string;
  nameSpan: Span;
  fields: { name: string; type: TypeExpr; span: Span }[];
  doc?: string;
  span: Span;
  /** Set by the checker. */
  def?: StructDef;
}

export interface ExternDecl {
  kind: 'extern';
  name: string;
  nameSpan: Span;
  /** `extern "libz.so.1" fn`: the library to load, and where it is written. */
  library?: string;
  librarySpan?: Span;
  /** `= "abs"`: the C symbol, when it differs from the Kiln name. */
  cName?: string;
  params: Param[];
  ret?: TypeExpr;
  span: Span;
  /** Set by the checker. */
  sig?: FnSig;
}

export type Item = FnDecl | StructDecl | ExternDecl;

/** A parsed cell: items and top-level statements, each in source order. */
export interface Cell {
  items: Item[];
  stmts: Stmt[];
}

/** The checker's result for a cell. */
export interface CheckedCell {
  cell: Cell;
  /** Locals of the cell's entry function (top-level non-global lets, loop variables) by id. */
  entryLocals: Type[];
  /** Ids of entry locals captured by an anonymous function (kept in boxes). */
  entryBoxed: Set<number>;
  /** Every anonymous function of the cell (the session gives each a frame id). */
  lambdas: LambdaExpr[];
  /** Named Kiln functions the cell uses as values (the session makes their value code). */
  functionValues: Set<FnSig>;
  /** Kiln functions defined in this cell (with their FnSig, same object as decl.sig). */
  functions: FnDecl[];
  /** extern fns declared in this cell. */
  externs: FnSig[];
  /** Globals this cell declares (new ones, and re-declared ones of the same type). */
  globals: GlobalInfo[];
  /** Structs this cell defines that are new types (different fields, or a new name). */
  structs: StructDef[];
  /** The environment after this cell, if it is committed. */
  env: Env;
  /** Type of the cell's result (the last statement is an expression of non-void type), else undefined. */
  resultType?: Type;
}
