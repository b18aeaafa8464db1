// The built-ins that take a function value (LANGUAGE.md "More on arrays"): map, filter,
// sort_by — their signatures and docs for inspect and completion, and their typing rule.
// Lowering is in lower-functions.ts.
//
// The function must take exactly the array's element type (function types are never
// converted: a `fn(float) -> float` does not take an `[int]`'s elements).
import { arrayOf, Expr, sameType, typeName, VOID } from '../ast';
import type { Builtin } from '../builtins';
import { argCount, CheckExpr } from '../check-builtins';
import { nonVoid, q, typeErr } from '../check-util';

const functionBuiltin = (name: string, signature: string, doc: string): Builtin => ({ name, signature, doc, generic: true });

export const FUNCTION_BUILTINS: Builtin[] = [
  functionBuiltin('map', 'map(a: [T], f: fn(T) -> U) -> [U]', 'A new array of f(e) for each element e of a, in order.'),
  functionBuiltin('filter', 'filter(a: [T], f: fn(T) -> bool) -> [T]', 'A new array of the elements e of a for which f(e) is true, in order.'),
  functionBuiltin(
    'sort_by',
    'sort_by(a: [T], key: fn(T) -> int | float | str)',
    'Sorts a in place by key(e), stably (equal keys keep their order); key is called once per element.',
  ),
];

export const FUNCTION_BUILTIN_NAMES = new Set(FUNCTION_BUILTINS.map((b) => b.name));

/** What each built-in's function must return, as messages say it. */
const RETURNS: Record<string, string> = { map: 'a value', filter: '`bool`', sort_by: '`int`, `float` or `str`' };

/** Types a call of map, filter or sort_by. */
export function checkFunctionBuiltin(e: Expr & { kind: 'call' }, check: CheckExpr): Expr {
  const name = e.callee;
  argCount(e, 2);
  const array = nonVoid((e.args[0] = check(e.args[0])));
  const t = array.type!;
  if (t.kind !== 'array') typeErr(`\`${name}\` needs an array, found ${q(t)}`, array.span);
  const fn = nonVoid((e.args[1] = check(e.args[1])));
  const ft = fn.type!;
  const ret = ft.kind === 'fn' ? ft.ret.kind : undefined;
  const returnsRight =
    name === 'map' ? ret !== 'void' : name === 'filter' ? ret === 'bool' : ret === 'int' || ret === 'float' || ret === 'str';
  if (ft.kind !== 'fn' || ft.params.length !== 1 || !sameType(ft.params[0], t.elem) || !returnsRight) {
    typeErr(
      `\`${name}\` needs a function that takes ${q(t.elem)} and returns ${RETURNS[name]}` +
        ` (e.g. \`fn(x: ${typeName(t.elem)}) -> ...\`), found ${q(ft)}`,
      fn.span,
    );
  }
  e.type = name === 'map' ? arrayOf(ft.ret) : name === 'filter' ? t : VOID;
  return e;
}
