// The map built-ins (LANGUAGE.md "Maps"): has, get, remove, keys, values — their
// signatures and docs for inspect and completion, their typing rule and their lowering
// (calls into the runtime's hash table, native/src/map.cc; keys and values cross as i64
// bits). `len(m)` is in core.ts; `m[k]` and map literals in check-maps.ts/lower-maps.ts.
import type llvm from 'llvm-bindings';
import { arrayOf, BOOL, Expr, MapType, VOID } from '../ast';
import { argCount, CheckExpr } from '../check-builtins';
import { checkKey } from '../check-maps';
import { coerce, nonVoid, q, typeErr } from '../check-util';
import type { FunctionLowerer } from '../lower';
import { Builtin, CallExpr, callRuntime, generic } from './declare';

const mapBuiltin = (name: string, signature: string, doc: string): Builtin =>
  generic(name, signature, doc, (e, _hint, check) => checkMapBuiltin(e, check), lowerMapBuiltin);

export const MAP_BUILTINS: Builtin[] = [
  mapBuiltin('has', 'has(m: {K: V}, k: K) -> bool', 'True if the map m has the key k.'),
  mapBuiltin('get', 'get(m: {K: V}, k: K, default: V) -> V', 'm[k], or default if m has no key k.'),
  mapBuiltin('remove', 'remove(m: {K: V}, k: K)', 'Removes the key k and its value from m (KeyError if absent).'),
  mapBuiltin('keys', 'keys(m: {K: V}) -> [K]', "A new array of m's keys, in insertion order."),
  mapBuiltin('values', 'values(m: {K: V}) -> [V]', "A new array of m's values, in insertion order."),
];

/** Types a call of a map built-in. */
function checkMapBuiltin(e: CallExpr, check: CheckExpr): Expr {
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

function lowerMapBuiltin(f: FunctionLowerer, e: CallExpr): llvm.Value {
  const { b, mb } = f;
  const t = e.args[0].type as MapType;
  const [map, key, fallback] = e.args.map((a) => f.expr(a));
  const rt = (fn: string, args: llvm.Value[]) => callRuntime(f, e, fn, args);
  switch (e.callee) {
    case 'has':
      return b.CreateICmpNE(rt('kiln_map_has', [map, f.toBits(key, t.key)]), mb.int(0));
    case 'get':
      return f.fromBits(rt('kiln_map_get_or', [map, f.toBits(key, t.key), f.toBits(fallback, t.value)]), t.value);
    case 'remove':
      rt('kiln_map_remove', [map, f.toBits(key, t.key)]);
      return mb.int(0);
    case 'keys':
      return rt('kiln_map_keys', [map]);
    case 'values':
      return rt('kiln_map_values', [map]);
  }
  throw new Error(`internal error: no lowering for map built-in \`${e.callee}\``);
}
