// Stateless helpers of the type checker (check.ts and check-builtins.ts): raising
// compile errors, showing types in messages, int → float promotion, the "did you mean"
// suggestions for unknown names, and the "returns on all paths" analysis behind the
// "missing return" error.
//
// Unknown names get a "did you mean" among the candidates when the edit distance is
// ≤ 2 (a swap of two adjacent letters counts 1) and smaller than the longer name.
import { Block, Expr, FLOAT, INT, sameType, Span, Stmt, Type, typeName } from './ast';
import { CompileError } from './errors';

// ---- errors and messages ----

export function typeErr(message: string, span: Span): never {
  throw new CompileError('TypeError', message, span);
}
export function nameErr(message: string, span: Span): never {
  throw new CompileError('NameError', message, span);
}
export function syntaxErr(message: string, span: Span): never {
  throw new CompileError('SyntaxError', message, span);
}

/** A type as messages show it, in backquotes: `int`. */
export const q = (t: Type) => '`' + typeName(t) + '`';

export function describeVoid(e: Expr): string {
  if (e.kind === 'call') return `\`${e.callee}\` does not return a value`;
  return 'this expression has no value';
}

// ---- types of checked expressions ----

export const isNumeric = (t: Type) => t.kind === 'int' || t.kind === 'float';

export function promote(e: Expr): Expr {
  return { kind: 'promote', operand: e, span: e.span, type: FLOAT };
}

/** Returns x (already checked) if it has a value; a TypeError if it is `void`. */
export function nonVoid(x: Expr): Expr {
  if (x.type!.kind === 'void') typeErr(`cannot use a \`void\` value: ${describeVoid(x)}`, x.span);
  return x;
}

/** Converts e (already checked) to type t: identity, or int → float promotion; otherwise a TypeError. */
export function coerce(e: Expr, t: Type): Expr {
  const et = e.type!;
  if (sameType(et, t)) return e;
  if (et.kind === 'int' && t.kind === 'float') return promote(e);
  if (et.kind === 'void') typeErr(`expected ${q(t)}, found \`void\` (${describeVoid(e)})`, e.span);
  typeErr(`expected ${q(t)}, found ${q(et)}`, e.span);
}

/**
 * The type of an arithmetic result over xs (already checked): `int` if all are ints,
 * else `float` if all are numbers (the ints in xs are replaced by their promotion),
 * else undefined.
 */
export function numericType(xs: Expr[]): Type | undefined {
  if (xs.every((x) => x.type!.kind === 'int')) return INT;
  if (!xs.every((x) => isNumeric(x.type!))) return undefined;
  xs.forEach((x, i) => (xs[i] = coerce(x, FLOAT)));
  return FLOAT;
}

// ---- "did you mean" ----

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

/** msg, followed by " — did you mean `x`?" when a candidate is close to name. */
export function withSuggestion(msg: string, name: string, candidates: Iterable<string>): string {
  const s = suggest(name, candidates);
  return s ? `${msg} — did you mean \`${s}\`?` : msg;
}

/** The span of the last character of s (a block's closing brace). */
export function closingBraceSpan(s: Span): Span {
  return { line: s.endLine, col: Math.max(1, s.endCol - 1), endLine: s.endLine, endCol: s.endCol };
}

// ---- "returns on all paths" --------------------------------------------------------

/** Does every path through b end in a `return` (or a `while true` without `break`)? */
export function blockTerminates(b: Block): boolean {
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
