// The Kiln lexer: source text → tokens with spans (1-based lines and columns counted
// in Unicode code points; endCol is exclusive). Implements "Lexical structure" of
// LANGUAGE.md, including the newline rule (Go's rule, with newlines ignored inside
// `( )` and `[ ]`) and `///` doc comments, which are attached to the next token.
import type { Span } from './ast';
import { CompileError } from './errors';

export type TokenKind = 'ident' | 'kw' | 'int' | 'float' | 'str' | 'op' | 'newline' | 'eof';

export interface Token {
  kind: TokenKind;
  /** The source text of the token (for `newline`: "\n"; for `eof`: ""). For strings: the raw text with quotes. */
  text: string;
  span: Span;
  /** For `int` tokens. May be 2^63 (only valid right after a unary minus; the parser checks). */
  intValue?: bigint;
  /** For `float` tokens. */
  floatValue?: number;
  /** For `str` tokens: the value after escapes. */
  strValue?: string;
  /** The `///` doc comment lines directly above this token (without the `/// ` prefix), joined by "\n". */
  doc?: string;
}

export const KEYWORDS = new Set([
  'fn', 'let', 'struct', 'extern', 'if', 'else', 'while', 'for', 'in',
  'return', 'break', 'continue', 'true', 'false', 'null',
]);

/** A lexer error; `unterminated` is true for an unterminated string (the input may continue). */
export class LexError extends CompileError {
  constructor(
    message: string,
    span: Span,
    readonly unterminated: boolean = false,
  ) {
    super('SyntaxError', message, span);
  }
}

const I64_MAX = (1n << 63n) - 1n;
export const I64_MIN_ABS = 1n << 63n;

// Longest first.
const OPERATORS = [
  '==', '!=', '<=', '>=', '&&', '||', '+=', '-=', '*=', '/=', '%=', '..', '->',
  '+', '-', '*', '/', '%', '<', '>', '!', '=', '(', ')', '[', ']', '{', '}', ',', ':', ';', '.',
];

function isIdentStart(c: string | undefined): boolean {
  return c !== undefined && /[A-Za-z_]/.test(c);
}
function isIdentChar(c: string | undefined): boolean {
  return c !== undefined && /[A-Za-z0-9_]/.test(c);
}
function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/** True if a newline after this token ends the statement. */
export function endsStatement(t: Token): boolean {
  switch (t.kind) {
    case 'ident':
    case 'int':
    case 'float':
    case 'str':
      return true;
    case 'kw':
      return ['true', 'false', 'null', 'return', 'break', 'continue'].includes(t.text);
    case 'op':
      return t.text === ')' || t.text === ']' || t.text === '}';
    default:
      return false;
  }
}

export function tokenDescription(t: Token): string {
  if (t.kind === 'eof') return 'end of input';
  if (t.kind === 'newline') return 'end of line';
  if (t.kind === 'str') return 'a string';
  return '`' + t.text + '`';
}

/**
 * Tokenizes a cell. Newline tokens are emitted only where they end a statement
 * (see LANGUAGE.md); the last token is always `eof`.
 */
export function tokenize(source: string): Token[] {
  const chars = Array.from(source);
  const n = chars.length;
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let col = 1;
  // Stack of open brackets: '(', '[', '{'.
  const brackets: string[] = [];
  // Doc comment lines waiting for the next token.
  let pendingDoc: string[] = [];
  // Whether the current line has had any token or comment yet (for blank-line detection).
  let lineHasContent = false;

  const span = (l: number, c: number, el: number, ec: number): Span => ({ line: l, col: c, endLine: el, endCol: ec });

  const advance = (): string => {
    const c = chars[i++];
    if (c === '\n') {
      line++;
      col = 1;
    } else {
      col++;
    }
    return c;
  };

  const push = (tok: Token) => {
    if (pendingDoc.length) {
      // Leading and trailing empty `///` lines are dropped.
      while (pendingDoc.length && pendingDoc[pendingDoc.length - 1].trim() === '') pendingDoc.pop();
      while (pendingDoc.length && pendingDoc[0].trim() === '') pendingDoc.shift();
      if (pendingDoc.length) tok.doc = pendingDoc.join('\n');
      pendingDoc = [];
    }
    tokens.push(tok);
    lineHasContent = true;
  };

  while (i < n) {
    const c = chars[i];
    // Newlines.
    if (c === '\n') {
      const top = brackets[brackets.length - 1];
      const last = tokens[tokens.length - 1];
      if (top !== '(' && top !== '[' && last && endsStatement(last)) {
        tokens.push({ kind: 'newline', text: '\n', span: span(line, col, line, col + 1) });
      }
      if (!lineHasContent) pendingDoc = []; // a blank line separates a doc comment from what follows
      lineHasContent = false;
      advance();
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      advance();
      continue;
    }
    // Comments.
    if (c === '/' && chars[i + 1] === '/') {
      const isDoc = chars[i + 2] === '/' && chars[i + 3] !== '/';
      const hadContent = lineHasContent;
      let text = '';
      advance();
      advance();
      while (i < n && chars[i] !== '\n') text += advance();
      if (isDoc && !hadContent) {
        // text starts with the third '/'
        let t = text.slice(1);
        if (t.startsWith(' ')) t = t.slice(1);
        pendingDoc.push(t.replace(/\r$/, ''));
      } else if (!hadContent) {
        pendingDoc = [];
      }
      lineHasContent = true;
      continue;
    }
    const startLine = line;
    const startCol = col;
    // Identifiers and keywords.
    if (isIdentStart(c)) {
      let text = '';
      while (i < n && isIdentChar(chars[i])) text += advance();
      push({ kind: KEYWORDS.has(text) ? 'kw' : 'ident', text, span: span(startLine, startCol, line, col) });
      continue;
    }
    // Numbers.
    if (isDigit(c)) {
      push(lexNumber());
      continue;
    }
    // Strings.
    if (c === '"') {
      push(lexString());
      continue;
    }
    // Operators.
    let op: string | undefined;
    for (const o of OPERATORS) {
      let ok = true;
      for (let k = 0; k < o.length; k++) {
        if (chars[i + k] !== o[k]) {
          ok = false;
          break;
        }
      }
      if (ok) {
        op = o;
        break;
      }
    }
    if (op === undefined) {
      throw new LexError(`unexpected character \`${c}\``, span(line, col, line, col + 1));
    }
    for (let k = 0; k < op.length; k++) advance();
    if (op === '(' || op === '[' || op === '{') brackets.push(op);
    else if (op === ')' || op === ']' || op === '}') brackets.pop();
    push({ kind: 'op', text: op, span: span(startLine, startCol, line, col) });
  }
  // A final newline terminator is implied by the end of input; the parser accepts eof as a terminator.
  tokens.push({ kind: 'eof', text: '', span: span(line, col, line, col) });
  return tokens;

  function lexNumber(): Token {
    const startLine = line;
    const startCol = col;
    let raw = '';
    const bad = (msg: string): never => {
      throw new LexError(msg, span(startLine, startCol, line, col));
    };
    if (chars[i] === '0' && (chars[i + 1] === 'x' || chars[i + 1] === 'X' || chars[i + 1] === 'b' || chars[i + 1] === 'B')) {
      const hex = chars[i + 1] === 'x' || chars[i + 1] === 'X';
      raw += advance();
      raw += advance();
      let digits = '';
      while (i < n && (isIdentChar(chars[i]))) {
        const d = chars[i];
        if (d === '_') {
          raw += advance();
          continue;
        }
        if (hex ? !/[0-9a-fA-F]/.test(d) : !/[01]/.test(d)) {
          while (i < n && isIdentChar(chars[i])) raw += advance();
          bad(`invalid ${hex ? 'hexadecimal' : 'binary'} literal \`${raw}\``);
        }
        digits += d;
        raw += advance();
      }
      if (!digits) bad(`invalid ${hex ? 'hexadecimal' : 'binary'} literal \`${raw}\``);
      const value = BigInt((hex ? '0x' : '0b') + digits);
      if (value > I64_MAX) bad(`integer literal \`${raw}\` is out of range for \`int\``);
      return { kind: 'int', text: raw, span: span(startLine, startCol, line, col), intValue: value };
    }
    let isFloat = false;
    while (i < n && (isDigit(chars[i]) || chars[i] === '_')) raw += advance();
    if (chars[i] === '.' && isDigit(chars[i + 1])) {
      isFloat = true;
      raw += advance();
      while (i < n && (isDigit(chars[i]) || chars[i] === '_')) raw += advance();
    }
    if ((chars[i] === 'e' || chars[i] === 'E') &&
        (isDigit(chars[i + 1]) || ((chars[i + 1] === '+' || chars[i + 1] === '-') && isDigit(chars[i + 2])))) {
      isFloat = true;
      raw += advance();
      if (chars[i] === '+' || chars[i] === '-') raw += advance();
      while (i < n && isDigit(chars[i])) raw += advance();
    }
    if (isIdentChar(chars[i])) {
      while (i < n && isIdentChar(chars[i])) raw += advance();
      bad(`invalid number literal \`${raw}\``);
    }
    const clean = raw.replace(/_/g, '');
    const sp = span(startLine, startCol, line, col);
    if (isFloat) {
      return { kind: 'float', text: raw, span: sp, floatValue: Number(clean) };
    }
    const value = BigInt(clean);
    if (value > I64_MIN_ABS) bad(`integer literal \`${raw}\` is out of range for \`int\``);
    return { kind: 'int', text: raw, span: sp, intValue: value };
  }

  function lexString(): Token {
    const startLine = line;
    const startCol = col;
    let raw = advance(); // opening quote
    let value = '';
    for (;;) {
      if (i >= n) {
        throw new LexError('unterminated string', span(startLine, startCol, startLine, startCol + 1), true);
      }
      const c = chars[i];
      if (c === '"') {
        raw += advance();
        break;
      }
      if (c === '\\') {
        const escLine = line;
        const escCol = col;
        raw += advance();
        if (i >= n) {
          throw new LexError('unterminated string', span(startLine, startCol, startLine, startCol + 1), true);
        }
        const e = advance();
        raw += e;
        switch (e) {
          case 'n': value += '\n'; break;
          case 't': value += '\t'; break;
          case 'r': value += '\r'; break;
          case '\\': value += '\\'; break;
          case '"': value += '"'; break;
          case '0': value += '\0'; break;
          case 'u': {
            if (chars[i] !== '{') {
              throw new LexError('invalid unicode escape: expected `\\u{...}`', span(escLine, escCol, line, col));
            }
            raw += advance();
            let hex = '';
            while (i < n && /[0-9a-fA-F]/.test(chars[i])) hex += advance();
            raw += hex;
            if (chars[i] !== '}' || hex.length === 0 || hex.length > 6) {
              throw new LexError('invalid unicode escape: expected `\\u{...}` with 1 to 6 hex digits', span(escLine, escCol, line, col));
            }
            raw += advance();
            const cp = parseInt(hex, 16);
            if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
              throw new LexError(`invalid unicode escape: \`\\u{${hex}}\` is not a Unicode scalar value`, span(escLine, escCol, line, col));
            }
            value += String.fromCodePoint(cp);
            break;
          }
          default:
            throw new LexError(`unknown escape \`\\${e === '\n' ? 'n' : e}\` in string`, span(escLine, escCol, escLine, escCol + 2));
        }
        continue;
      }
      value += c;
      raw += advance();
    }
    return { kind: 'str', text: raw, span: span(startLine, startCol, line, col), strValue: value };
  }
}
