// The built-ins that take a function value (LANGUAGE.md "More on arrays"): map, filter,
// sort_by — their signatures and docs for inspect and completion, their typing rule and
// their lowering.
//
// The function must take exactly the array's element type (function types are never
// converted: a `fn(float) -> float` does not take an `[int]`'s elements).
import type llvm from 'llvm-bindings';
import { arrayOf, Expr, FnType, sameType, Type, typeName, VOID } from '../ast';
import { argCount, CheckExpr } from '../check-builtins';
import { nonVoid, q, typeErr } from '../check-util';
import type { FunctionLowerer } from '../lower';
import { callValue } from '../lower-closures';
import { Builtin, CallExpr, generic } from './declare';

const functionBuiltin = (name: string, signature: string, doc: string): Builtin =>
  generic(name, signature, doc, (e, _hint, check) => checkFunctionBuiltin(e, check), lowerFunctionBuiltin);

export const FUNCTION_BUILTINS: Builtin[] = [
  functionBuiltin('map', 'map(a: [T], f: fn(T) -> U) -> [U]', 'A new array of f(e) for each element e of a, in order.'),
  functionBuiltin('filter', 'filter(a: [T], f: fn(T) -> bool) -> [T]', 'A new array of the elements e of a for which f(e) is true, in order.'),
  functionBuiltin(
    'sort_by',
    'sort_by(a: [T], key: fn(T) -> int | float | str)',
    'Sorts a in place by key(e), stably (equal keys keep their order); key is called once per element.',
  ),
];

/** What each built-in's function must return, as messages say it. */
const RETURNS: Record<string, string> = { map: 'a value', filter: '`bool`', sort_by: '`int`, `float` or `str`' };

/** Types a call of map, filter or sort_by. */
function checkFunctionBuiltin(e: CallExpr, check: CheckExpr): Expr {
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

// Lowering of map, filter and sort_by: a loop in the caller's function that calls the
// function value once per element (each call polls the interrupt flag in its prologue,
// and an error inside it has the caller's line below it on the Kiln call stack).
// map and filter visit the elements as `for e in a` does (the length is re-read each
// step); sort_by computes every key first, then the runtime sorts by them
// (kiln_sort_by_keys: a stable merge sort), so the key function runs once per element.
function lowerFunctionBuiltin(f: FunctionLowerer, e: CallExpr): llvm.Value {
  const { b, mb } = f;
  const name = e.callee;
  const line = e.span.line;
  const array = f.expr(e.args[0]);
  const fn = f.expr(e.args[1]);
  const elem = (e.args[0].type as Extract<Type, { kind: 'array' }>).elem;
  const fnType = e.args[1].type as FnType;
  const call = (x: llvm.Value) => callValue(f, fn, fnType, [x], line);
  if (name === 'sort_by') {
    const n = f.lengthOf(array);
    const keys = f.callRuntime('kiln_array_new', [n, f.typeIdConst(fnType.ret)], line);
    eachElement(f, array, elem, () => n, line, (i, x) => {
      const key = call(x);
      b.CreateStore(f.toMem(key, fnType.ret), f.elementSlot(f.dataPointer(keys, fnType.ret), i, fnType.ret));
    });
    f.callRuntime('kiln_sort_by_keys', [array, keys, f.typeIdConst(fnType.ret)], line);
    return mb.int(0);
  }
  const resultElem = name === 'map' ? fnType.ret : elem;
  const result = f.callRuntime('kiln_array_new', [mb.int(0), f.typeIdConst(resultElem)], line);
  const push = (v: llvm.Value) => f.callRuntime('kiln_array_push', [result, f.toBits(v, resultElem)], line);
  eachElement(f, array, elem, () => f.lengthOf(array), line, (_i, x) => {
    const value = call(x);
    if (name === 'map') return push(value);
    const keep = f.block('filter.keep');
    const next = f.block('filter.next');
    b.CreateCondBr(value, keep, next);
    b.SetInsertPoint(keep);
    push(x);
    b.CreateBr(next);
    b.SetInsertPoint(next);
  });
  return result;
}

/** `for i in 0..end()`: body(i, a[i]) with a bounds-checked load (end() is evaluated before each step). */
function eachElement(
  f: FunctionLowerer,
  array: llvm.Value,
  elem: Type,
  end: () => llvm.Value,
  line: number,
  body: (i: llvm.Value, x: llvm.Value) => void,
): void {
  const { b, mb } = f;
  const counter = f.alloca(mb.i64);
  b.CreateStore(mb.int(0), counter);
  const head = f.block('each.cond');
  const step = f.block('each.body');
  const exit = f.block('each.end');
  b.CreateBr(head);
  b.SetInsertPoint(head);
  const i = b.CreateLoad(mb.i64, counter);
  b.CreateCondBr(b.CreateICmpSLT(i, end()), step, exit);
  b.SetInsertPoint(step);
  const x = f.fromMem(b.CreateLoad(mb.memType(elem), f.elementAddress(array, i, elem, line)), elem);
  body(i, x);
  b.CreateStore(b.CreateAdd(i, mb.int(1)), counter);
  b.CreateBr(head);
  b.SetInsertPoint(exit);
}
