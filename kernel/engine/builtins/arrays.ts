// The array built-ins: push, pop and fill (LANGUAGE.md "Built-in functions") and those of
// 0.2 "More on arrays" (map, filter and sort_by come with function values, in
// functions.ts), and `contains`, which also takes a str: the checker dispatches on the
// first argument's type. Each is generic over the element type, with a checking rule
// (the element types it accepts) and a call of a runtime function in
// native/src/arrays.cc that receives the element type's id where it matters.
//
// `fill(n, x)` takes the element type from the context when there is one
// (`let v: [float] = fill(3, 0)` makes a `[float]`).
import type llvm from 'llvm-bindings';
import { arrayOf, BOOL, INT, STR, Type, VOID } from '../ast';
import { argCount, CheckExpr } from '../check-builtins';
import { coerce, nonVoid, promote, q, typeErr } from '../check-util';
import type { FunctionLowerer } from '../lower';
import { Builtin, CallExpr, callRuntime as runtime, generic, unit } from './declare';

/** Element types a family of functions accepts, and how messages name them. */
interface ElementKinds {
  kinds: readonly Type['kind'][];
  described: string;
}
const ANY: ElementKinds = { kinds: [], described: 'an array' };
const SORTABLE: ElementKinds = { kinds: ['int', 'float', 'str'], described: 'an array of `int`, `float` or `str`' };
const NUMBERS: ElementKinds = { kinds: ['int', 'float'], described: 'an array of `int` or `float`' };
const EQUATABLE: ElementKinds = { kinds: ['int', 'float', 'bool', 'str'], described: 'an array of `int`, `float`, `bool` or `str`' };

type Rule = (e: CallExpr, check: CheckExpr, hint: Type | undefined) => Type;

/** Checks the first argument as an array of one of `accepted`'s element types; returns the element type. */
function arrayArg(e: CallExpr, check: CheckExpr, accepted: ElementKinds, hint?: Type): Type {
  e.args[0] = check(e.args[0], hint);
  return elementOf(e, accepted);
}

/** The element type of the first argument (already checked); a TypeError unless it is one of `accepted`'s. */
function elementOf(e: CallExpr, accepted: ElementKinds): Type {
  const t = e.args[0].type!;
  if (t.kind === 'array' && (accepted.kinds.length === 0 || accepted.kinds.includes(t.elem.kind))) return t.elem;
  typeErr(`\`${e.callee}\` needs ${accepted.described}, found ${q(t)}`, e.args[0].span);
}

/** Checks argument i against type t (an int is promoted where a float is expected). */
function argAs(e: CallExpr, i: number, check: CheckExpr, t: Type): void {
  e.args[i] = coerce(check(e.args[i], t), t);
}

/** A generic array builtin: `arity` arguments checked by `rule`, which returns the call's type. */
function arrayBuiltin(name: string, arity: number, signature: string, doc: string, rule: Rule,
  lower: (f: FunctionLowerer, e: CallExpr, values: llvm.Value[], elem: Type) => llvm.Value): Builtin {
  return generic(name, signature, doc,
    (e, hint, check) => {
      argCount(e, arity);
      e.type = rule(e, check, hint);
      return e;
    },
    (f, e) => {
      const values = e.args.map((a) => f.expr(a));
      const first = e.args[0].type!;
      return lower(f, e, values, first.kind === 'array' ? first.elem : first);
    });
}


function indexOf(f: FunctionLowerer, e: CallExpr, [array, x]: llvm.Value[], elem: Type): llvm.Value {
  return runtime(f, e, 'kiln_array_index_of', [array, f.toBits(x, elem), f.typeIdConst(elem)]);
}

export const ARRAY_BUILTINS: Builtin[] = [
  arrayBuiltin('push', 2, 'push(a: [T], x: T)', 'Appends x to the end of the array a.',
    (e, check) => (argAs(e, 1, check, arrayArg(e, check, ANY)), VOID),
    (f, e, [array, x], elem) => (runtime(f, e, 'kiln_array_push', [array, f.toBits(x, elem)]), unit(f))),
  arrayBuiltin('pop', 1, 'pop(a: [T]) -> T', 'Removes and returns the last element of a (IndexError if empty).',
    (e, check) => arrayArg(e, check, ANY),
    (f, e, values, elem) => f.fromBits(runtime(f, e, 'kiln_array_pop', values), elem)),
  arrayBuiltin('fill', 2, 'fill(n: int, x: T) -> [T]', 'A new array of n copies of x.',
    (e, check, hint) => {
      argAs(e, 0, check, INT);
      const hintElem = hint && hint.kind === 'array' ? hint.elem : undefined;
      let x = nonVoid((e.args[1] = check(e.args[1], hintElem)));
      if (hintElem && hintElem.kind === 'float' && x.type!.kind === 'int') x = promote(x);
      e.args[1] = x;
      return arrayOf(x.type!);
    },
    (f, e, [n, x]) => {
      const elem = e.args[1].type!;
      return runtime(f, e, 'kiln_array_fill', [n, f.toBits(x, elem), f.typeIdConst(elem)]);
    }),
  arrayBuiltin('sort', 1, 'sort(a: [int] | [float] | [str])', 'Sorts a in place, ascending and stable (nan last; str byte-wise).',
    (e, check) => (arrayArg(e, check, SORTABLE), VOID),
    (f, e, [array], elem) => (runtime(f, e, 'kiln_array_sort', [array, f.typeIdConst(elem)]), unit(f))),
  arrayBuiltin('reverse', 1, 'reverse(a: [T])', 'Reverses a in place.',
    (e, check) => (arrayArg(e, check, ANY), VOID),
    (f, e, values) => (runtime(f, e, 'kiln_array_reverse', values), unit(f))),
  arrayBuiltin('slice', 3, 'slice(a: [T], start: int, end: int) -> [T]',
    'A new array of the elements start..end of a (IndexError unless 0 <= start <= end <= len(a)).',
    (e, check, hint) => {
      arrayArg(e, check, ANY, hint);
      argAs(e, 1, check, INT);
      argAs(e, 2, check, INT);
      return e.args[0].type!;
    },
    (f, e, values, elem) => runtime(f, e, 'kiln_array_slice', [...values, f.typeIdConst(elem)])),
  arrayBuiltin('insert', 3, 'insert(a: [T], i: int, x: T)', 'Inserts x at index i of a (IndexError unless 0 <= i <= len(a)).',
    (e, check) => {
      const elem = arrayArg(e, check, ANY);
      argAs(e, 1, check, INT);
      argAs(e, 2, check, elem);
      return VOID;
    },
    (f, e, [array, index, x], elem) => (runtime(f, e, 'kiln_array_insert', [array, index, f.toBits(x, elem)]), unit(f))),
  arrayBuiltin('remove_at', 2, 'remove_at(a: [T], i: int) -> T', 'Removes and returns the element at index i of a (IndexError unless 0 <= i < len(a)).',
    (e, check) => {
      const elem = arrayArg(e, check, ANY);
      argAs(e, 1, check, INT);
      return elem;
    },
    (f, e, values, elem) => f.fromBits(runtime(f, e, 'kiln_array_remove_at', values), elem)),
  arrayBuiltin('contains', 2, 'contains(s: str, sub: str) -> bool | contains(a: [T], x: T) -> bool',
    'True if sub occurs in s / if an element of a == x (int, float, bool or str elements).',
    (e, check) => {
      e.args[0] = check(e.args[0]);
      if (e.args[0].type!.kind === 'str') argAs(e, 1, check, STR);
      else argAs(e, 1, check, elementOf(e, { ...EQUATABLE, described: `a \`str\` or ${EQUATABLE.described}` }));
      return BOOL;
    },
    (f, e, values, elem) => {
      const isText = e.args[0].type!.kind === 'str';
      const index = isText ? runtime(f, e, 'kiln_str_find', values) : indexOf(f, e, values, elem);
      return f.b.CreateICmpSGE(index, f.mb.int(0));
    }),
  arrayBuiltin('index_of', 2, 'index_of(a: [T], x: T) -> int', 'The index of the first element of a that == x, or -1 (int, float, bool or str elements).',
    (e, check) => (argAs(e, 1, check, arrayArg(e, check, EQUATABLE)), INT),
    indexOf),
  ...(['sum', 'min_of', 'max_of'] as const).map((name) =>
    arrayBuiltin(name, 1, `${name}(a: [int] | [float]) -> int | float`,
      name === 'sum' ? 'The sum of the elements of a (0 if empty).'
        : `The ${name === 'min_of' ? 'smallest' : 'largest'} element of a (ValueError if a is empty; nan if an element is nan).`,
      (e, check) => arrayArg(e, check, NUMBERS),
      (f, e, [array], elem) => f.fromBits(runtime(f, e, `kiln_array_${name}`, [array, f.typeIdConst(elem)]), elem))),
];
