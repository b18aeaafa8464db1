// The Kiln parser: tokens → Cell (recursive descent). Precedence, highest first:
// call/index/field → unary `- !` → `* / %` → `+ -` → `..` (only in a `for` header)
// → comparisons (non-associative) → `&&` → `||`.
// A `{` that starts a statement is a block; elsewhere in an expression it starts a map
// literal, except in an `if`/`while`/`for` header (where it starts the body).
import type {
  AssignOp, BinaryOp, Block, Cell, Expr, ExternDecl, FnDecl, Item, Param, Span, Stmt, StructDecl, TypeExpr,
} from './ast';
import { CompileError } from './errors';
import { I64_MIN_ABS, Token, tokenDescription, tokenize } from './lexer';

export function parseCell(source: string): Cell {
  return new Parser(tokenize(source)).parseCell();
}

export function spanFrom(a: Span, b: Span): Span {
  return { line: a.line, col: a.col, endLine: b.endLine, endCol: b.endCol };
}

const ASSIGN_OPS = new Set(['=', '+=', '-=', '*=', '/=', '%=']);
const COMPARISON_OPS = new Set(['==', '!=', '<', '<=', '>', '>=']);

export class Parser {
  private pos = 0;

  constructor(private readonly toks: Token[]) {}

  // ---- token helpers ----

  private get tok(): Token {
    return this.toks[this.pos];
  }

  private peek(k: number): Token {
    return this.toks[Math.min(this.pos + k, this.toks.length - 1)];
  }

  private next(): Token {
    const t = this.toks[this.pos];
    if (t.kind !== 'eof') this.pos++;
    return t;
  }

  private isOp(text: string, t: Token = this.tok): boolean {
    return t.kind === 'op' && t.text === text;
  }

  private isKw(text: string, t: Token = this.tok): boolean {
    return t.kind === 'kw' && t.text === text;
  }

  private prevEnd(): Span {
    return this.toks[Math.max(0, this.pos - 1)].span;
  }

  private error(message: string, t: Token = this.tok): never {
    throw new CompileError('SyntaxError', message, t.span);
  }

  private expectOp(text: string): Token {
    if (!this.isOp(text)) this.error(`expected \`${text}\`, found ${tokenDescription(this.tok)}`);
    return this.next();
  }

  private expectIdent(what: string): Token {
    if (this.tok.kind !== 'ident') this.error(`expected ${what}, found ${tokenDescription(this.tok)}`);
    return this.next();
  }

  private isTerminator(t: Token = this.tok): boolean {
    return t.kind === 'newline' || (t.kind === 'op' && t.text === ';');
  }

  private nextNonNewline(): Token {
    let k = 0;
    while (this.peek(k).kind === 'newline') k++;
    return this.peek(k);
  }

  private skipTerminators(): void {
    while (this.isTerminator()) this.next();
  }

  /** Skips newlines only (used where a statement cannot end, e.g. after `,` in a struct literal). */
  private skipNewlines(): void {
    while (this.tok.kind === 'newline') this.next();
  }

  /** After a statement: a terminator, `}`/eof, or anything if the statement ended with a block's `}`. */
  private endStatement(): void {
    if (this.isTerminator()) {
      this.next();
      return;
    }
    if (this.tok.kind === 'eof' || this.isOp('}')) return;
    const prev = this.toks[this.pos - 1];
    if (prev && prev.kind === 'op' && prev.text === '}') return;
    if (this.isOp('..')) this.error('`..` is only allowed in a `for` header (`for i in a..b`)');
    this.error(`expected end of statement (a newline or \`;\`), found ${tokenDescription(this.tok)}`);
  }

  // ---- cells and items ----

  parseCell(): Cell {
    const items: Item[] = [];
    const stmts: Stmt[] = [];
    this.skipTerminators();
    while (this.tok.kind !== 'eof') {
      if (this.isKw('fn') && !this.isOp('(', this.peek(1))) items.push(this.parseFn());
      else if (this.isKw('struct')) items.push(this.parseStruct());
      else if (this.isKw('extern')) items.push(this.parseExtern());
      else {
        if (this.isOp('}')) this.error('unexpected `}`');
        stmts.push(this.parseStmt());
      }
      this.endStatement();
      this.skipTerminators();
    }
    return { items, stmts };
  }

  private parseParams(): Param[] {
    this.expectOp('(');
    const params: Param[] = [];
    while (!this.isOp(')')) {
      const name = this.expectIdent('a parameter name');
      this.expectOp(':');
      const type = this.parseType();
      params.push({ name: name.text, type, span: spanFrom(name.span, type.span) });
      if (this.isOp(',')) this.next();
      else if (!this.isOp(')')) this.error(`expected \`,\` or \`)\`, found ${tokenDescription(this.tok)}`);
    }
    this.next();
    return params;
  }

  private parseRet(): TypeExpr | undefined {
    if (!this.isOp('->')) return undefined;
    this.next();
    return this.parseType(true);
  }

  private parseFn(): FnDecl {
    const kw = this.next();
    const name = this.expectIdent('a function name');
    const params = this.parseParams();
    const ret = this.parseRet();
    const body = this.parseBlockAfterHeader();
    const decl: FnDecl = { kind: 'fn', name: name.text, nameSpan: name.span, params, body, span: spanFrom(kw.span, body.span) };
    if (ret) decl.ret = ret;
    if (kw.doc !== undefined) decl.doc = kw.doc;
    return decl;
  }

  private parseExtern(): ExternDecl {
    const kw = this.next();
    const library = this.tok.kind === 'str' ? this.next() : undefined;
    if (!this.isKw('fn')) this.error(`expected \`fn\` after \`extern\`, found ${tokenDescription(this.tok)}`);
    this.next();
    const name = this.expectIdent('a function name');
    const params = this.parseParams();
    const ret = this.parseRet();
    if (this.isOp('{')) this.error('an `extern fn` has no body');
    let cName: string | undefined;
    if (this.isOp('=')) {
      this.next();
      if (this.tok.kind !== 'str') this.error(`expected the C symbol's name as a string after \`=\`, found ${tokenDescription(this.tok)}`);
      cName = this.next().strValue!;
    }
    const decl: ExternDecl = { kind: 'extern', name: name.text, nameSpan: name.span, params, span: spanFrom(kw.span, this.prevEnd()) };
    if (ret) decl.ret = ret;
    if (library) {
      decl.library = library.strValue!;
      decl.librarySpan = library.span;
    }
    if (cName !== undefined) decl.cName = cName;
    return decl;
  }

  private parseStruct(): StructDecl {
    const kw = this.next();
    const name = this.expectIdent('a struct name');
    if (this.tok.kind === 'newline' && this.isOp('{', this.nextNonNewline())) this.skipNewlines();
    this.expectOp('{');
    const fields: StructDecl['fields'] = [];
    this.skipTerminators();
    while (!this.isOp('}')) {
      const f = this.expectIdent('a field name');
      this.expectOp(':');
      const type = this.parseType();
      fields.push({ name: f.text, type, span: spanFrom(f.span, type.span) });
      if (this.isOp(',')) {
        this.next();
        this.skipTerminators();
      } else if (this.isTerminator()) {
        this.skipTerminators();
      } else if (!this.isOp('}')) {
        this.error(`expected \`,\` or \`}\`, found ${tokenDescription(this.tok)}`);
      }
    }
    const close = this.next();
    const decl: StructDecl = { kind: 'struct', name: name.text, nameSpan: name.span, fields, span: spanFrom(kw.span, close.span) };
    if (kw.doc !== undefined) decl.doc = kw.doc;
    return decl;
  }

  private parseType(allowVoid = false): TypeExpr {
    const t = this.tok;
    if (this.isOp('[')) {
      this.next();
      const elem = this.parseType();
      const close = this.expectOp(']');
      return { kind: 'array', elem, span: spanFrom(t.span, close.span) };
    }
    if (this.isOp('{')) {
      this.next();
      const key = this.parseType();
      this.expectOp(':');
      const value = this.parseType();
      const close = this.expectOp('}');
      return { kind: 'map', key, value, span: spanFrom(t.span, close.span) };
    }
    if (this.isKw('fn')) {
      // `fn(int, str) -> bool`; `fn(int)` returns void.
      this.next();
      this.expectOp('(');
      const params: TypeExpr[] = [];
      while (!this.isOp(')')) {
        params.push(this.parseType());
        if (this.isOp(',')) this.next();
        else if (!this.isOp(')')) this.error(`expected \`,\` or \`)\`, found ${tokenDescription(this.tok)}`);
      }
      this.next();
      const ret = this.parseRet();
      const type: TypeExpr = { kind: 'fn', params, span: spanFrom(t.span, this.prevEnd()) };
      if (ret) type.ret = ret;
      return type;
    }
    if (t.kind === 'ident') {
      if (t.text === 'void' && !allowVoid) this.error('`void` is only allowed as a return type');
      this.next();
      return { kind: 'named', name: t.text, span: t.span };
    }
    this.error(`expected a type, found ${tokenDescription(t)}`);
  }

  // ---- statements ----

  parseBlock(): Block {
    const open = this.expectOp('{');
    const stmts: Stmt[] = [];
    this.skipTerminators();
    while (!this.isOp('}')) {
      if (this.tok.kind === 'eof') this.error('expected `}`, found end of input');
      stmts.push(this.parseStmt());
      this.endStatement();
      this.skipTerminators();
    }
    const close = this.next();
    return { stmts, span: spanFrom(open.span, close.span) };
  }

  private parseStmt(): Stmt {
    const t = this.tok;
    if (t.kind === 'kw') {
      switch (t.text) {
        case 'let': return this.parseLet();
        case 'if': return this.parseIf();
        case 'while': {
          this.next();
          const cond = this.parseExpr(true);
          const body = this.parseBlockAfterHeader();
          return { kind: 'while', cond, body, span: spanFrom(t.span, body.span) };
        }
        case 'for': return this.parseFor();
        case 'break':
          this.next();
          return { kind: 'break', span: t.span };
        case 'continue':
          this.next();
          return { kind: 'continue', span: t.span };
        case 'return': {
          this.next();
          if (this.isTerminator() || this.isOp('}') || this.tok.kind === 'eof') return { kind: 'return', span: t.span };
          const value = this.parseExpr();
          return { kind: 'return', value, span: spanFrom(t.span, value.span) };
        }
        case 'else':
          this.error('unexpected `else`');
        // eslint-disable-next-line no-fallthrough
        case 'fn':
          if (this.isOp('(', this.peek(1))) break; // an anonymous function
        // eslint-disable-next-line no-fallthrough
        case 'struct':
        case 'extern':
          this.error(`\`${t.text}\` is only allowed at the top level of a cell`);
        // eslint-disable-next-line no-fallthrough
        case 'in':
          this.error('unexpected `in`');
      }
    }
    if (this.isOp('{')) {
      const block = this.parseBlock();
      return { kind: 'block', block, span: block.span };
    }
    const expr = this.parseExpr();
    if (this.tok.kind === 'op' && ASSIGN_OPS.has(this.tok.text)) {
      const opTok = this.next();
      if (expr.kind !== 'name' && expr.kind !== 'index' && expr.kind !== 'field') {
        throw new CompileError('SyntaxError', 'cannot assign to this expression', expr.span);
      }
      const value = this.parseExpr();
      return { kind: 'assign', op: opTok.text as AssignOp, target: expr, value, span: spanFrom(expr.span, value.span) };
    }
    return { kind: 'expr', expr, span: expr.span };
  }

  /** The block of an `if`/`while`/`for`/`fn` header; its `{` may be on the next line. */
  private parseBlockAfterHeader(): Block {
    if (this.tok.kind === 'newline' && this.isOp('{', this.nextNonNewline())) this.skipNewlines();
    if (!this.isOp('{')) this.error(`expected \`{\`, found ${tokenDescription(this.tok)}`);
    return this.parseBlock();
  }

  private parseLet(): Stmt {
    const kw = this.next();
    const name = this.expectIdent('a variable name');
    let annot: TypeExpr | undefined;
    if (this.isOp(':')) {
      this.next();
      annot = this.parseType();
    }
    if (!this.isOp('=')) this.error(`expected \`=\`, found ${tokenDescription(this.tok)}`);
    this.next();
    const init = this.parseExpr();
    const s: Stmt = { kind: 'let', name: name.text, nameSpan: name.span, init, span: spanFrom(kw.span, init.span) };
    if (annot) s.annot = annot;
    return s;
  }

  private parseIf(): Stmt {
    const kw = this.next();
    const cond = this.parseExpr(true);
    const then = this.parseBlockAfterHeader();
    const s: Stmt & { kind: 'if' } = { kind: 'if', cond, then, span: spanFrom(kw.span, then.span) };
    // Allow `}` newline `else` (a statement cannot start with `else`).
    if (this.isKw('else', this.nextNonNewline())) this.skipNewlines();
    if (this.isKw('else')) {
      this.next();
      if (this.isKw('if')) {
        const inner = this.parseIf();
        s.else = { stmts: [inner], span: inner.span };
      } else {
        s.else = this.parseBlockAfterHeader();
      }
      s.span = spanFrom(kw.span, s.else.span);
    }
    return s;
  }

  private parseFor(): Stmt {
    const kw = this.next();
    const v = this.expectIdent('a loop variable name');
    if (!this.isKw('in')) this.error(`expected \`in\`, found ${tokenDescription(this.tok)}`);
    this.next();
    const start = this.parseAdditive(true);
    if (this.isOp('..')) {
      this.next();
      const end = this.parseAdditive(true);
      const body = this.parseBlockAfterHeader();
      return { kind: 'for', var: v.text, varSpan: v.span, start, end, body, span: spanFrom(kw.span, body.span) };
    }
    const body = this.parseBlockAfterHeader();
    return { kind: 'foreach', var: v.text, varSpan: v.span, iter: start, body, span: spanFrom(kw.span, body.span) };
  }

  // ---- expressions ----

  /** noStruct: a `Name {` is not a struct literal here (an `if`/`while`/`for` header). */
  parseExpr(noStruct = false): Expr {
    return this.parseOr(noStruct);
  }

  private binary(op: BinaryOp, left: Expr, right: Expr): Expr {
    return { kind: 'binary', op, left, right, span: spanFrom(left.span, right.span) };
  }

  private parseOr(ns: boolean): Expr {
    let left = this.parseAnd(ns);
    while (this.isOp('||')) {
      this.next();
      left = this.binary('||', left, this.parseAnd(ns));
    }
    return left;
  }

  private parseAnd(ns: boolean): Expr {
    let left = this.parseComparison(ns);
    while (this.isOp('&&')) {
      this.next();
      left = this.binary('&&', left, this.parseComparison(ns));
    }
    return left;
  }

  private parseComparison(ns: boolean): Expr {
    const left = this.parseAdditive(ns);
    if (this.tok.kind === 'op' && COMPARISON_OPS.has(this.tok.text)) {
      const op = this.next().text as BinaryOp;
      const right = this.parseAdditive(ns);
      if (this.tok.kind === 'op' && COMPARISON_OPS.has(this.tok.text)) {
        this.error(`comparison operators cannot be chained; use \`&&\` (found \`${this.tok.text}\`)`);
      }
      return this.binary(op, left, right);
    }
    return left;
  }

  parseAdditive(ns: boolean): Expr {
    let left = this.parseMultiplicative(ns);
    while (this.isOp('+') || this.isOp('-')) {
      const op = this.next().text as BinaryOp;
      left = this.binary(op, left, this.parseMultiplicative(ns));
    }
    return left;
  }

  private parseMultiplicative(ns: boolean): Expr {
    let left = this.parseUnary(ns);
    while (this.isOp('*') || this.isOp('/') || this.isOp('%')) {
      const op = this.next().text as BinaryOp;
      left = this.binary(op, left, this.parseUnary(ns));
    }
    return left;
  }

  private parseUnary(ns: boolean): Expr {
    if (this.isOp('-') || this.isOp('!')) {
      const opTok = this.next();
      // `-9223372036854775808` is the one literal that only exists negated.
      if (opTok.text === '-' && this.tok.kind === 'int' && this.tok.intValue === I64_MIN_ABS) {
        const lit = this.next();
        const e: Expr = { kind: 'int', value: -I64_MIN_ABS, span: spanFrom(opTok.span, lit.span) };
        return this.parsePostfix(e, ns);
      }
      const operand = this.parseUnary(ns);
      return { kind: 'unary', op: opTok.text as '-' | '!', operand, span: spanFrom(opTok.span, operand.span) };
    }
    return this.parsePostfix(this.parsePrimary(ns), ns);
  }

  private parsePostfix(e: Expr, _ns: boolean): Expr {
    for (;;) {
      if (this.isOp('[')) {
        this.next();
        const index = this.parseExpr();
        const close = this.expectOp(']');
        e = { kind: 'index', target: e, index, span: spanFrom(e.span, close.span) };
      } else if (this.isOp('.')) {
        this.next();
        const f = this.expectIdent('a field name');
        e = { kind: 'field', target: e, field: f.text, fieldSpan: f.span, span: spanFrom(e.span, f.span) };
      } else if (this.isOp('(')) {
        // A call of a function value that is not a plain name: `fs[0](2)`, `make(1)(2)`.
        this.next();
        const args = this.parseArgs(')');
        e = { kind: 'call', callee: '', calleeSpan: e.span, calleeExpr: e, args, span: spanFrom(e.span, this.prevEnd()) };
      } else {
        return e;
      }
    }
  }

  private parseArgs(close: string): Expr[] {
    const args: Expr[] = [];
    while (!this.isOp(close)) {
      args.push(this.parseExpr());
      if (this.isOp(',')) this.next();
      else if (!this.isOp(close)) this.error(`expected \`,\` or \`${close}\`, found ${tokenDescription(this.tok)}`);
    }
    this.next();
    return args;
  }

  private parsePrimary(ns: boolean): Expr {
    const t = this.tok;
    switch (t.kind) {
      case 'int':
        this.next();
        if (t.intValue! > I64_MIN_ABS - 1n) {
          throw new CompileError('SyntaxError', `integer literal \`${t.text}\` is out of range for \`int\``, t.span);
        }
        return { kind: 'int', value: t.intValue!, span: t.span };
      case 'float':
        this.next();
        return { kind: 'float', value: t.floatValue!, span: t.span };
      case 'str':
        this.next();
        return { kind: 'str', value: t.strValue!, span: t.span };
      case 'kw':
        if (t.text === 'true' || t.text === 'false') {
          this.next();
          return { kind: 'bool', value: t.text === 'true', span: t.span };
        }
        if (t.text === 'null') {
          this.next();
          return { kind: 'null', span: t.span };
        }
        if (t.text === 'fn') return this.parseLambda();
        break;
      case 'ident': {
        this.next();
        if (this.isOp('(')) {
          this.next();
          const args = this.parseArgs(')');
          return { kind: 'call', callee: t.text, calleeSpan: t.span, args, span: spanFrom(t.span, this.prevEnd()) };
        }
        if (this.isOp('{') && !ns) return this.parseStructLit(t);
        return { kind: 'name', name: t.text, span: t.span };
      }
      case 'op':
        if (t.text === '(') {
          this.next();
          const e = this.parseExpr();
          const close = this.expectOp(')');
          // Parentheses are not kept in the tree; widen the span to include them.
          e.span = spanFrom(t.span, close.span);
          return e;
        }
        if (t.text === '[') {
          this.next();
          const elems = this.parseArgs(']');
          return { kind: 'array', elems, span: spanFrom(t.span, this.prevEnd()) };
        }
        if (t.text === '{') {
          if (ns) this.error('expected an expression, found `{` (a map literal in an `if`/`while`/`for` header needs parentheses)');
          return this.parseMapLit();
        }
        break;
    }
    this.error(`expected an expression, found ${tokenDescription(t)}`);
  }

  /** An anonymous function `fn(x: int) -> int { ... }` (the `fn` is the current token). */
  private parseLambda(): Expr {
    const kw = this.next();
    if (!this.isOp('(')) this.error(`expected \`(\` after \`fn\` (a function inside a block has no name), found ${tokenDescription(this.tok)}`);
    const params = this.parseParams();
    const ret = this.parseRet();
    const body = this.parseBlockAfterHeader();
    const e: Expr = { kind: 'lambda', params, body, span: spanFrom(kw.span, body.span) };
    if (ret) e.ret = ret;
    return e;
  }

  /** `{k: v, ...}` (the `{` is the current token). */
  private parseMapLit(): Expr {
    const open = this.next();
    const { items: entries, close } = this.parseBracedItems(() => {
      const key = this.parseExpr();
      this.expectOp(':');
      return { key, value: this.parseExpr() };
    });
    return { kind: 'map', entries, span: spanFrom(open.span, close.span) };
  }

  private parseStructLit(nameTok: Token): Expr {
    this.next(); // {
    const { items: fields, close } = this.parseBracedItems(() => {
      const f = this.expectIdent('a field name');
      this.expectOp(':');
      const value = this.parseExpr();
      return { name: f.text, value, span: spanFrom(f.span, value.span) };
    });
    return { kind: 'structlit', name: nameTok.text, fields, span: spanFrom(nameTok.span, close.span) };
  }

  /** The items of a literal in braces, after its `{`, up to and including its `}`: newlines
   *  may follow the `{`, each item and each `,`; a trailing `,` is allowed. */
  private parseBracedItems<T>(parseItem: () => T): { items: T[]; close: Token } {
    const items: T[] = [];
    this.skipTerminators();
    while (!this.isOp('}')) {
      items.push(parseItem());
      this.skipTerminators();
      if (this.isOp(',')) {
        this.next();
        this.skipTerminators();
      } else if (!this.isOp('}')) {
        this.error(`expected \`,\` or \`}\`, found ${tokenDescription(this.tok)}`);
      }
    }
    return { items, close: this.next() };
  }
}
