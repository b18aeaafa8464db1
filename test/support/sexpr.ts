// A compact s-expression of an expression, for the front end's tests: `(+ 1 (* 2 3))`.
import type { Expr } from '../../kernel/engine/ast';

export interface SexprStyle {
  /** Written before a call's callee: the parser's tests say `(call f x)`, the checker's `(f x)`. */
  callPrefix: string;
  /** The head of a promote node: `(promote x)` in the parser's tests, `(float x)` in the checker's. */
  promote: string;
}

export function sexpr(e: Expr, style: SexprStyle): string {
  const sx = (x: Expr) => sexpr(x, style);
  switch (e.kind) {
    case 'int': return `${e.value}`;
    case 'float': return `${e.value}f`;
    case 'bool': return `${e.value}`;
    case 'null': return 'null';
    case 'str': return JSON.stringify(e.value);
    case 'name': return e.name;
    case 'unary': return `(${e.op} ${sx(e.operand)})`;
    case 'binary': return `(${e.op} ${sx(e.left)} ${sx(e.right)})`;
    case 'call': return `(${style.callPrefix}${e.calleeExpr ? sx(e.calleeExpr) : e.callee}${e.args.map((a) => ' ' + sx(a)).join('')})`;
    case 'index': return `(index ${sx(e.target)} ${sx(e.index)})`;
    case 'field': return `(. ${sx(e.target)} ${e.field})`;
    case 'array': return `[${e.elems.map(sx).join(' ')}]`;
    case 'structlit': return `(${e.name} {${e.fields.map((f) => ` ${f.name}: ${sx(f.value)}`).join(',')} })`;
    case 'promote': return `(${style.promote} ${sx(e.operand)})`;
    case 'map': return `{${e.entries.map((x) => `${sx(x.key)}: ${sx(x.value)}`).join(', ')}}`;
    case 'lambda': return `(fn (${e.params.map((p) => p.name).join(' ')}) ${e.body.stmts.length} stmts)`;
  }
}
