// The map built-ins (LANGUAGE.md "Maps"): has, get, remove, keys, values — their
// signatures and docs for inspect and completion, and their typing rule. Lowering is in
// lower-maps.ts; `len(m)` and `m[k]` are in the generic rules.
import { arrayOf, BOOL, Expr, VOID } from '../ast';
import type { Builtin } from '../builtins';
import { argCount, CheckExpr } from '../check-builtins';
import { checkKey } from '../check-maps';
import { coerce, nonVoid, q, typeErr } from '../check-util';

const mapBuiltin = (name: string, signature: string, doc: string): Builtin => ({ name, signature, doc, generic: true });

export const MAP_BUILTINS: Builtin[] = [
  mapBuiltin('has', 'has(m: {K: V}, k: K) -> bool', 'True if the map m has the key k.'),
  mapBuiltin('get', 'get(m: {K: V}, k: K, default: V) -> V', 'm[k], or default if m has no key k.'),
  mapBuiltin('remove', 'remove(m: {K: V}, k: K)', 'Removes the key k and its value from m (KeyError if absent).'),
  mapBuiltin('keys', 'keys(m: {K: V}) -> [K]', "A new array of m's keys, in insertion order."),
  mapBuiltin('values', 'values(m: {K: V}) -> [V]', "A new array of m's values, in insertion order."),
];

export const MAP_BUILTIN_NAMES = new Set(MAP_BUILTINS.map((b) => b.name));

/** Types a call of a map built-in (its name is in MAP_BUILTIN_NAMES). */
export function checkMapBuiltin(e: Expr & { kind: 'call' }, check: CheckExpr): Expr {
  const name = e.callee;
  argCount(e, name === 'get' ? 3 : name === 'keys' || name === 'values' ? 1 : 2);
  const map = nonVoid((e.args[0] = check(e.args[0])));
  const t = map.type!;
  if (t.kind !== 'map') typeErr(`\`${name}\` needs a map, found ${q(t)}`, map.span);
  if (e.args.length > 1) e.args[1] = checkKey(e.args[1], t, check);
  switch (name) {
    case 'has':
      e.type = BOOL;
      break;
    case 'get':
      e.args[2] = coerce(check(e.args[2], t.value), t.value);
      e.type = t.value;
      break;
    case 'remove':
      e.type = VOID;
      break;
    case 'keys':
      e.type = arrayOf(t.key);
      break;
    default:
      e.type = arrayOf(t.value);
  }
  return e;
}
