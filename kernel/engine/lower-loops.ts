// Which loop bodies can change an array's length: `for e in arr` checks the index against
// the current length before every step only when its body might (LANGUAGE.md leaves the
// rule to docs/decisions.md), so loops that cannot keep the plain strip-mined shape.
import type { Block, Expr, Stmt } from './ast';

/** Built-ins that never change the length of an array (no push/pop, no user code, no eval). */
const LENGTH_PRESERVING = new Set([
  'print', 'eprint', 'len', 'int', 'float', 'str', 'substr', 'sqrt', 'sin', 'cos', 'tan', 'exp',
  'log', 'floor', 'ceil', 'abs', 'min', 'max', 'pow', 'random', 'seed', 'clock', 'assert', 'fill',
]);

/** False only if nothing in `block` can change the length of any array. Conservative:
 *  a call of a user function, of an unlisted built-in or an unknown construct counts. */
export function mayChangeLength(block: Block): boolean {
  return block.stmts.some(stmtMay);
}

function stmtMay(s: Stmt): boolean {
  switch (s.kind) {
    case 'let':
      return exprMay(s.init);
    case 'assign':
      return exprMay(s.target) || exprMay(s.value);
    case 'expr':
      return exprMay(s.expr);
    case 'if':
      return exprMay(s.cond) || mayChangeLength(s.then) || (s.else !== undefined && mayChangeLength(s.else));
    case 'while':
      return exprMay(s.cond) || mayChangeLength(s.body);
    case 'for':
      return exprMay(s.start) || exprMay(s.end) || mayChangeLength(s.body);
    case 'foreach':
      return exprMay(s.iter) || mayChangeLength(s.body);
    case 'return':
      return s.value !== undefined && exprMay(s.value);
    case 'block':
      return mayChangeLength(s.block);
    case 'break':
    case 'continue':
      return false;
    default:
      return true;
  }
}

function exprMay(e: Expr): boolean {
  switch (e.kind) {
    case 'int':
    case 'float':
    case 'bool':
    case 'str':
    case 'name':
      return false;
    case 'unary':
    case 'promote':
      return exprMay(e.operand);
    case 'binary':
      return exprMay(e.left) || exprMay(e.right);
    case 'call':
      return e.target?.kind !== 'builtin' || !LENGTH_PRESERVING.has(e.callee) || e.args.some(exprMay);
    case 'index':
      return exprMay(e.target) || exprMay(e.index);
    case 'field':
      return exprMay(e.target);
    case 'array':
      return e.elems.some(exprMay);
    case 'structlit':
      return e.fields.some((f) => exprMay(f.value));
    default:
      return true;
  }
}
