// The typing rules of maps `{K: V}` (LANGUAGE.md "Maps"): which key types are allowed,
// keys in `m[k]` and in the map built-ins, and map literals. check.ts calls in here.
//
// - A key type is `int`, `str` or `bool` (floats are not keys: `0.1 + 0.2` would not
//   find `0.3`, and NaN is not equal to itself).
// - A key must have the key type exactly (no promotion); a value is promoted to `float`
//   where V is `float`.
// - A literal takes K and V from its context when there is one; otherwise from its
//   entries: the first key's type, and one value type for all values (ints and floats
//   mixed give float; empty `[]` / `{}` values take the type of the others). An empty
//   `{}` without a context is a TypeError.
import { Expr, mapOf, MapType, sameType, Span, Type } from './ast';
import type { CheckExpr } from './check-builtins';
import { coerce, nonVoid, q, typeErr } from './check-util';

const KEY_KINDS = ['int', 'str', 'bool'];

export const CANNOT_INFER_EMPTY_MAP = 'cannot infer the type of an empty map `{}`; add a type annotation, e.g. `let m: {str: int} = {}`';
const CANNOT_INFER_EMPTY_VALUES = "cannot infer the type of the map's values (all are empty); add a type annotation, e.g. `let m: {str: [int]} = ...`";

/** A TypeError unless t can be a map key. */
export function checkKeyType(t: Type, span: Span): void {
  if (!KEY_KINDS.includes(t.kind)) typeErr(`a map key must be \`int\`, \`str\` or \`bool\`, found ${q(t)}`, span);
}

/** Checks a key used with map type m (`m[k]`, `has(m, k)`, ...). */
export function checkKey(key: Expr, m: MapType, check: CheckExpr): Expr {
  const k = nonVoid(check(key, m.key));
  if (!sameType(k.type!, m.key)) typeErr(`a key of ${q(m)} must be ${q(m.key)}, found ${q(k.type!)}`, k.span);
  return k;
}

/** An empty array or map literal: its type comes from the others around it. */
export function isEmptyLiteral(x: Expr): boolean {
  return (x.kind === 'array' && x.elems.length === 0) || (x.kind === 'map' && x.entries.length === 0);
}

/** Types a map literal; `hint` is the type its context expects. */
export function checkMapLiteral(e: Expr & { kind: 'map' }, hint: Type | undefined, check: CheckExpr): Expr {
  const checkAs = (x: Expr, t: Type) => coerce(check(x, t), t);
  if (hint && hint.kind === 'map') {
    for (const entry of e.entries) {
      entry.key = checkKey(entry.key, hint, check);
      entry.value = checkAs(entry.value, hint.value);
    }
    e.type = hint;
    return e;
  }
  if (e.entries.length === 0) typeErr(CANNOT_INFER_EMPTY_MAP, e.span);
  let keyType: Type | undefined;
  let valueType: Type | undefined;
  for (const entry of e.entries) {
    if (!keyType) {
      entry.key = nonVoid(check(entry.key));
      keyType = entry.key.type!;
      checkKeyType(keyType, entry.key.span);
    } else {
      entry.key = nonVoid(check(entry.key, keyType));
      const t = entry.key.type!;
      if (!sameType(t, keyType)) typeErr(`map keys must have one type: expected ${q(keyType)}, found ${q(t)}`, entry.key.span);
    }
    if (isEmptyLiteral(entry.value)) continue;
    const value = nonVoid(check(entry.value, valueType));
    entry.value = value;
    const t = value.type!;
    if (!valueType || (valueType.kind === 'int' && t.kind === 'float')) valueType = t;
    else if (!sameType(valueType, t) && !(valueType.kind === 'float' && t.kind === 'int')) {
      typeErr(`map values must have one type: expected ${q(valueType)}, found ${q(t)}`, value.span);
    }
  }
  if (!valueType) typeErr(CANNOT_INFER_EMPTY_VALUES, e.entries[0].value.span);
  const vt = valueType;
  for (const entry of e.entries) entry.value = isEmptyLiteral(entry.value) ? checkAs(entry.value, vt) : coerce(entry.value, vt);
  e.type = mapOf(keyType!, vt);
  return e;
}
