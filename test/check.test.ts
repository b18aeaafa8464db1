import type { CheckedCell, Env, Expr, FnDecl, Stmt, Type } from '../kernel/engine/ast';
import { typeName } from '../kernel/engine/ast';
import { checkCell, sameSignature } from '../kernel/engine/check';
import { CompileError } from '../kernel/engine/errors';
import { parseCell } from '../kernel/engine/parser';
import { sexpr } from './support/sexpr';

/** A deep, acyclic text snapshot of an Env (struct types by name#id). */
function snap(env: Env): string {
  return JSON.stringify(
    { functions: [...env.functions], globals: [...env.globals], structs: [...env.structs] },
    (k, v) => (k === 'def' && v && typeof v === 'object' ? `${v.name}#${v.id}` : v),
  );
}

const emptyEnv = (): Env => ({ functions: new Map(), globals: new Map(), structs: new Map() });

/** Checks cells in order, each against the env of the previous one. */
function run(...cells: string[]): CheckedCell {
  let env = emptyEnv();
  let last: CheckedCell | undefined;
  cells.forEach((src, i) => {
    last = checkCell(parseCell(src), env, i + 1);
    env = last.env;
  });
  return last!;
}

function err(...cells: string[]): string {
  try {
    run(...cells);
  } catch (e) {
    if (e instanceof CompileError) return `${e.kind} ${e.span.line}:${e.span.col} ${e.message}`;
    throw e;
  }
  throw new Error('no error');
}

/** A compact s-expression of an expression. */
const sx = (e: Expr): string => sexpr(e, { callPrefix: '', promote: 'float' });

/** The checked init of the last `let`, or the last expression statement, with its type. */
function typed(...cells: string[]): string {
  const c = run(...cells);
  const s = c.cell.stmts[c.cell.stmts.length - 1];
  const e = s.kind === 'let' ? s.init : s.kind === 'expr' ? s.expr : s.kind === 'assign' ? s.value : undefined;
  if (!e) throw new Error('no expression');
  return `${sx(e)} : ${typeName(e.type!)}`;
}

describe('checker: types and promotion', () => {
  test('literals and inference', () => {
    expect(typed('1')).toBe('1 : int');
    expect(typed('1.5')).toBe('1.5f : float');
    expect(typed('true')).toBe('true : bool');
    expect(typed('"s"')).toBe('"s" : str');
    expect(typed('[1, 2, 3]')).toBe('[1 2 3] : [int]');
    expect(typed('[[1], []]')).toBe('[[1] []] : [[int]]');
  });

  test('int → float promotion where a float is expected', () => {
    expect(typed('1 + 2.5')).toBe('(+ (float 1) 2.5f) : float');
    expect(typed('2.5 * 2')).toBe('(* 2.5f (float 2)) : float');
    expect(typed('1 < 2.5')).toBe('(< (float 1) 2.5f) : bool');
    expect(typed('[1, 2.5]')).toBe('[(float 1) 2.5f] : [float]');
    expect(typed('let v: [float] = [1, 2]')).toBe('[(float 1) (float 2)] : [float]');
    expect(typed('let x: float = 1')).toBe('(float 1) : float');
    expect(typed('let x = 1.0', 'x = 2')).toBe('(float 2) : float');
    expect(typed('let x = 1.0', 'x += 2')).toBe('(float 2) : float');
    expect(typed('sqrt(2)')).toBe('(sqrt (float 2)) : float');
    expect(typed('fn f(x: float) -> float { return x }', 'f(3)')).toBe('(f (float 3)) : float');
    expect(typed('struct P { x: float }', 'P { x: 1 }')).toBe('(P { x: (float 1) }) : P');
    expect(typed('let v: [float] = []', 'push(v, 1)')).toBe('(push v (float 1)) : void');
    expect(typed('let v: [float] = [0.0]', 'v[0] = 7')).toBe('(float 7) : float');
    expect(typed('let v = fill(3, 0.5)')).toBe('(fill 3 0.5f) : [float]');
    expect(typed('let v: [float] = fill(3, 0)')).toBe('(fill 3 (float 0)) : [float]');
    expect(typed('min(1, 2.5)')).toBe('(min (float 1) 2.5f) : float');
    expect(typed('max(1, 2)')).toBe('(max 1 2) : int');
    expect(typed('abs(-3)')).toBe('(abs (- 3)) : int');
    expect(typed('abs(-3.5)')).toBe('(abs (- 3.5f)) : float');
    expect(typed('pow(2, 10)')).toBe('(pow (float 2) (float 10)) : float');
    expect(typed('plot([1, 2], [0.5, 1], "t")')).toBe('(plot [(float 1) (float 2)] [0.5f (float 1)] "t") : void');
  });

  test('return of an int from `-> float` is promoted', () => {
    const c = run('fn f() -> float { return 1 }');
    const ret = c.functions[0].body.stmts[0] as Stmt & { kind: 'return' };
    expect(sx(ret.value!)).toBe('(float 1)');
  });

  test('binary operandType', () => {
    const c = run('1 + 2.0 == 3.0 && "a" < "b"');
    const e = (c.cell.stmts[0] as Stmt & { kind: 'expr' }).expr as Expr & { kind: 'binary' };
    const l = e.left as Expr & { kind: 'binary' };
    const r = e.right as Expr & { kind: 'binary' };
    expect(typeName(e.operandType!)).toBe('bool');
    expect(typeName(l.operandType!)).toBe('float');
    expect(typeName((l.left as Expr & { kind: 'binary' }).operandType!)).toBe('float');
    expect(typeName(r.operandType!)).toBe('str');
  });

  test('operators on their types', () => {
    expect(typed('"a" + "b"')).toBe('(+ "a" "b") : str');
    expect(typed('7 % 2')).toBe('(% 7 2) : int');
    expect(typed('7.5 % 2')).toBe('(% 7.5f (float 2)) : float');
    expect(typed('7 / 2')).toBe('(/ 7 2) : int');
    expect(typed('true == false')).toBe('(== true false) : bool');
    expect(typed('"a" != "b"')).toBe('(!= "a" "b") : bool');
    expect(typed('!true || false')).toBe('(|| (! true) false) : bool');
    expect(typed('-2.5')).toBe('(- 2.5f) : float');
  });

  test('builtins', () => {
    expect(typed('len("abc")')).toBe('(len "abc") : int');
    expect(typed('len([1])')).toBe('(len [1]) : int');
    expect(typed('let v = ["a"]', 'pop(v)')).toBe('(pop v) : str');
    expect(typed('int(2.5)')).toBe('(int 2.5f) : int');
    expect(typed('int("2")')).toBe('(int "2") : int');
    expect(typed('float(2)')).toBe('(float 2) : float');
    expect(typed('float("2.5")')).toBe('(float "2.5") : float');
    expect(typed('str([1, 2])')).toBe('(str [1 2]) : str');
    expect(typed('substr("hello", 1, 3)')).toBe('(substr "hello" 1 3) : str');
    expect(typed('random()')).toBe('(random) : float');
    expect(typed('clock()')).toBe('(clock) : float');
    expect(typed('seed(1)')).toBe('(seed 1) : void');
    expect(typed('print()')).toBe('(print) : void');
    expect(typed('print(1, "a", [2.5], true)')).toBe('(print 1 "a" [2.5f] true) : void');
    expect(typed('eprint("x")')).toBe('(eprint "x") : void');
    expect(typed('assert(1 < 2, "ok")')).toBe('(assert (< 1 2) "ok") : void');
    expect(typed('display_id("text/plain", "x")')).toBe('(display_id "text/plain" "x") : str');
    expect(typed('input("name? ")')).toBe('(input "name? ") : str');
    expect(typed('eval("1 + 1")')).toBe('(eval "1 + 1") : str');
    expect(typed('hist([1.0], 10, "h")')).toBe('(hist [1f] 10 "h") : void');
    expect(typed('bar(["a"], [1.0], "b")')).toBe('(bar ["a"] [1f] "b") : void');
    expect(typed('progress(1, 10)')).toBe('(progress 1 10) : void');
    expect(typed('clear_output()')).toBe('(clear_output) : void');
    for (const f of ['sqrt', 'sin', 'cos', 'tan', 'exp', 'log', 'floor', 'ceil']) {
      expect(typed(`${f}(1.0)`)).toBe(`(${f} 1f) : float`);
    }
    for (const f of ['html', 'markdown', 'svg', 'latex']) expect(typed(`${f}("x")`)).toBe(`(${f} "x") : void`);
    const c = run('len("a")');
    const call = (c.cell.stmts[0] as Stmt & { kind: 'expr' }).expr as Expr & { kind: 'call' };
    expect(call.target).toEqual({ kind: 'builtin', name: 'len' });
  });
});

describe('checker: type errors', () => {
  test('messages and positions', () => {
    expect(err('let x = 1', 'let y = x + "a"')).toBe('TypeError 1:13 cannot add `int` and `str`');
    expect(err('let y = 1 - "a"')).toBe('TypeError 1:13 cannot subtract `str` from `int`');
    expect(err('let y = true * 2')).toBe('TypeError 1:16 cannot multiply `bool` and `int`');
    expect(err('let y = [1] / 2')).toBe('TypeError 1:9 cannot divide `[int]` by `int`');
    expect(err('let y = "a" % 2')).toBe('TypeError 1:15 cannot take the remainder of `str` by `int`');
    expect(err('if 1 { }')).toBe('TypeError 1:4 condition must be `bool`, found `int`');
    expect(err('while "x" { }')).toBe('TypeError 1:7 condition must be `bool`, found `str`');
    expect(err('let x: float = "s"')).toBe('TypeError 1:16 expected `float`, found `str`');
    expect(err('let x: int = 1.5')).toBe('TypeError 1:14 expected `int`, found `float`');
    expect(err('let x = 1', 'x = 2.5')).toBe('TypeError 1:5 expected `int`, found `float`');
    expect(err('let x = 1', 'x += 2.5')).toBe('TypeError 1:6 expected `int`, found `float`');
    expect(err('let b = true', 'b += 1')).toBe('TypeError 1:1 cannot apply `+=` to `bool`');
    expect(err('let s = "a"', 's -= "b"')).toBe('TypeError 1:1 cannot apply `-=` to `str`');
    expect(err('let y = 1 < "a"')).toBe('TypeError 1:13 cannot compare `int` and `str`');
    expect(err('let y = true < false')).toBe('TypeError 1:16 cannot compare `bool` and `bool`');
    expect(err('let y = [1] == [1]')).toBe('TypeError 1:9 cannot compare `[int]` and `[int]`');
    expect(err('let y = 1 && true')).toBe('TypeError 1:9 `&&` needs `bool` operands, found `int`');
    expect(err('let y = true || 0')).toBe('TypeError 1:17 `||` needs `bool` operands, found `int`');
    expect(err('let y = -"a"')).toBe('TypeError 1:10 cannot negate `str`');
    expect(err('let y = !1')).toBe('TypeError 1:10 `!` needs a `bool` operand, found `int`');
    expect(err('let v = []')).toBe('TypeError 1:9 cannot infer the type of an empty array `[]`; add a type annotation, e.g. `let v: [int] = []`');
    expect(err('let v = [1, "a"]')).toBe('TypeError 1:13 array elements must have one type: expected `int`, found `str`');
    expect(err('for i in 0..2.5 { }')).toBe('TypeError 1:13 a range bound must be `int`, found `float`');
    expect(err('for e in 5 { }')).toBe('TypeError 1:10 cannot iterate over `int`; expected an array, a map or a range `a..b`');
    expect(err('let x = 1', 'x[0]')).toBe('TypeError 1:1 cannot index `int`');
    expect(err('let s = "abc"', 's[0]')).toBe('TypeError 1:1 cannot index `str` (use `substr`)');
    expect(err('let v = [1]', 'v[1.0]')).toBe('TypeError 1:3 an array index must be `int`, found `float`');
    expect(err('let x = 1', 'x.y')).toBe('TypeError 1:3 `int` has no fields (accessing `y`)');
    expect(err('let x = print(1)')).toBe('TypeError 1:9 cannot use a `void` value: `print` does not return a value');
  });

  test('int and float arrays are not converted', () => {
    expect(err('let xs = [1, 2]', 'plot(xs, xs, "t")')).toBe('TypeError 1:6 expected `[float]`, found `[int]`');
    expect(err('let xs = [1, 2]', 'let ys: [float] = xs')).toBe('TypeError 1:19 expected `[float]`, found `[int]`');
  });

  test('calls: argument count and types', () => {
    expect(err('fn f(a: int, b: str) { }', 'f(1)')).toBe('TypeError 1:1 `f` takes 2 arguments, found 1');
    expect(err('fn f(a: int) { }', 'f(1, 2)')).toBe('TypeError 1:1 `f` takes 1 argument, found 2');
    expect(err('fn f(a: int, b: str) { }', 'f(1, 2)')).toBe('TypeError 1:6 expected `str`, found `int`');
    expect(err('sqrt("x")')).toBe('TypeError 1:6 expected `float`, found `str`');
    expect(err('len(1)')).toBe('TypeError 1:5 `len` needs a `str`, an array or a map, found `int`');
    expect(err('len()')).toBe('TypeError 1:1 `len` takes 1 argument, found 0');
    expect(err('push(1, 2)')).toBe('TypeError 1:6 `push` needs an array, found `int`');
    expect(err('let v = [1]', 'push(v, "a")')).toBe('TypeError 1:9 expected `int`, found `str`');
    expect(err('pop("a")')).toBe('TypeError 1:5 `pop` needs an array, found `str`');
    expect(err('fill(2.5, 1)')).toBe('TypeError 1:6 expected `int`, found `float`');
    expect(err('int(true)')).toBe('TypeError 1:5 cannot convert `bool` to `int`');
    expect(err('abs("a")')).toBe('TypeError 1:5 `abs` needs an `int` or a `float`, found `str`');
    expect(err('min(1, "a")')).toBe('TypeError 1:8 `min` needs `int` or `float` arguments, found `str`');
    expect(err('assert(1, "m")')).toBe('TypeError 1:8 expected `bool`, found `int`');
    expect(err('print(clear_output())')).toBe('TypeError 1:7 cannot use a `void` value: `clear_output` does not return a value');
    expect(err('fn f() { }', 'let x = f() + 1')).toBe('TypeError 1:9 cannot add `void` and `int`');
  });

  test('returns', () => {
    expect(err('fn f() -> int { if true { return 1 } }')).toBe('TypeError 1:38 missing return in `f`');
    expect(err('fn f(x: int) -> int {\n  if x > 0 { return 1 } else { print(x) }\n}')).toBe('TypeError 3:1 missing return in `f`');
    expect(err('fn f() -> int { return "a" }')).toBe('TypeError 1:24 expected `int`, found `str`');
    expect(err('fn f() -> int { return }')).toBe('TypeError 1:17 `f` must return a value of type `int`');
    expect(err('fn f() { return 1 }')).toBe('TypeError 1:17 `f` does not return a value, found `int`');
    expect(err('fn f() -> int { while true { break } }')).toBe('TypeError 1:38 missing return in `f`');
    expect(err('return 1')).toBe('SyntaxError 1:1 `return` outside of a function');
    // All paths return: if/else, nested blocks, while true without break.
    expect(() => run('fn f(x: int) -> int { if x > 0 { return 1 } else if x < 0 { return -1 } else { return 0 } }')).not.toThrow();
    expect(() => run('fn f() -> int { { return 1 } }')).not.toThrow();
    expect(() => run('fn f() -> int { while true { for i in 0..3 { break } } }')).not.toThrow();
    expect(() => run('fn f() -> int { return 1; print(2) }')).not.toThrow();
  });

  test('break and continue only inside loops', () => {
    expect(err('break')).toBe('SyntaxError 1:1 `break` outside of a loop');
    expect(err('fn f() { continue }')).toBe('SyntaxError 1:10 `continue` outside of a loop');
    expect(err('while true { fn_call() }')).toBe('NameError 1:14 unknown function `fn_call`');
    expect(() => run('while true { if true { break } continue }')).not.toThrow();
    expect(() => run('for i in 0..3 { for e in [1] { continue } break }')).not.toThrow();
  });
});

describe('checker: maps', () => {
  test('map types: annotations, nesting, keys int/str/bool only', () => {
    expect(typed('let m: {str: int} = {}')).toBe('{} : {str: int}');
    expect(typed('let m: {int: {str: [float]}} = {}')).toBe('{} : {int: {str: [float]}}');
    expect(typed('struct P { x: int }', 'let m: {bool: P} = {}')).toBe('{} : {bool: P}');
    expect(typed('struct T { kids: {str: T} }', 'fn f(t: T) -> {str: T} { return t.kids }', 'f(T { kids: {} })')).toBe('(f (T { kids: {} })) : {str: T}');
    expect(err('let m: {float: int} = {}')).toBe('TypeError 1:9 a map key must be `int`, `str` or `bool`, found `float`');
    expect(err('let m: {[int]: int} = {}')).toBe('TypeError 1:9 a map key must be `int`, `str` or `bool`, found `[int]`');
    expect(err('let m: {Q: int} = {}')).toBe('NameError 1:9 unknown type `Q`');
  });

  test('map literals: types from the entries, or from the context', () => {
    expect(typed('let m = {"a": 1, "b": 2}')).toBe('{"a": 1, "b": 2} : {str: int}');
    expect(typed('let m = {1: "x"}')).toBe('{1: "x"} : {int: str}');
    expect(typed('let m = {true: [1], false: []}')).toBe('{true: [1], false: []} : {bool: [int]}');
    expect(typed('let m = {"a": {}, "b": {1: 2.5}}')).toBe('{"a": {}, "b": {1: 2.5f}} : {str: {int: float}}');
    expect(typed('let m = {"a": 1, "b": 2.5}')).toBe('{"a": (float 1), "b": 2.5f} : {str: float}');
    expect(typed('let m: {str: float} = {"a": 1}')).toBe('{"a": (float 1)} : {str: float}');
    expect(typed('[{}, {"a": 1}]')).toBe('[{} {"a": 1}] : [{str: int}]');
    expect(typed('fn f(m: {int: bool}) { }', 'f({})')).toBe('(f {}) : void');
    expect(typed('let m: [{str: int}] = fill(2, {})')).toBe('(fill 2 {}) : [{str: int}]');
  });

  test('an empty `{}` needs a type from its context', () => {
    const msg = 'cannot infer the type of an empty map `{}`; add a type annotation, e.g. `let m: {str: int} = {}`';
    expect(err('let m = {}')).toBe(`TypeError 1:9 ${msg}`);
    expect(err('print({})')).toBe(`TypeError 1:7 ${msg}`);
    expect(err('let v = [{}]')).toBe(`TypeError 1:10 ${msg}`);
    expect(err('let m = {"a": {}}')).toBe("TypeError 1:15 cannot infer the type of the map's values (all are empty); add a type annotation, e.g. `let m: {str: [int]} = ...`");
  });

  test('wrong key and value types', () => {
    expect(err('let m = {"a": 1, 2: 3}')).toBe('TypeError 1:18 map keys must have one type: expected `str`, found `int`');
    expect(err('let m = {"a": 1, "b": "x"}')).toBe('TypeError 1:23 map values must have one type: expected `int`, found `str`');
    expect(err('let m = {1.5: 1}')).toBe('TypeError 1:10 a map key must be `int`, `str` or `bool`, found `float`');
    expect(err('let m = {[1]: 1}')).toBe('TypeError 1:10 a map key must be `int`, `str` or `bool`, found `[int]`');
    expect(err('let m: {str: int} = {1: 1}')).toBe('TypeError 1:22 a key of `{str: int}` must be `str`, found `int`');
    expect(err('let m: {str: int} = {"a": 1.5}')).toBe('TypeError 1:27 expected `int`, found `float`');
    expect(err('let m = {"a": 1}', 'm[1]')).toBe('TypeError 1:3 a key of `{str: int}` must be `str`, found `int`');
    expect(err('let m = {1: 1}', 'm[1.0] = 2')).toBe('TypeError 1:3 a key of `{int: int}` must be `int`, found `float`');
    expect(err('let m = {1: 1}', 'm[1] = "x"')).toBe('TypeError 1:8 expected `int`, found `str`');
    expect(err('let m = {1: 1}', 'has(m, "a")')).toBe('TypeError 1:8 a key of `{int: int}` must be `int`, found `str`');
    expect(err('let m = {1: 1}', 'get(m, 1, "d")')).toBe('TypeError 1:11 expected `int`, found `str`');
    expect(err('let m = {1: 1}', 'remove(m)')).toBe('TypeError 1:1 `remove` takes 2 arguments, found 1');
    expect(err('keys([1])')).toBe('TypeError 1:6 `keys` needs a map, found `[int]`');
    expect(err('let m = {1: 1}', 'm == m')).toBe('TypeError 1:1 cannot compare `{int: int}` and `{int: int}`');
    expect(err('let m = {1: 1}', 'm + 1')).toBe('TypeError 1:1 cannot add `{int: int}` and `int`');
  });

  test('m[k], assignment, built-ins and for-in', () => {
    expect(typed('let m = {"a": 1}', 'm["a"]')).toBe('(index m "a") : int');
    expect(typed('let m = {"a": 1.5}', 'm["b"] = 2')).toBe('(float 2) : float');
    expect(typed('let m = {"a": 1.5}', 'm["a"] += 1')).toBe('(float 1) : float');
    expect(typed('let m = {"a": 1}', 'has(m, "a")')).toBe('(has m "a") : bool');
    expect(typed('let m = {"a": 1.5}', 'get(m, "b", 0)')).toBe('(get m "b" (float 0)) : float');
    expect(typed('let m = {"a": 1}', 'remove(m, "a")')).toBe('(remove m "a") : void');
    expect(typed('let m = {"a": 1}', 'len(m)')).toBe('(len m) : int');
    expect(typed('let m = {"a": 1}', 'keys(m)')).toBe('(keys m) : [str]');
    expect(typed('let m = {"a": [true]}', 'values(m)')).toBe('(values m) : [[bool]]');
    const c = run('let m = {3: "c"}\nfor k in m { print(k + 1) }');
    const loop = c.cell.stmts[1] as Stmt & { kind: 'foreach' };
    expect(loop.varRef).toMatchObject({ kind: 'local', type: { kind: 'int' } });
  });
});

describe('checker: functions as values', () => {
  const FIB = 'fn fib(n: int) -> int { return n }';
  const resultType = (...cells: string[]) => typeName(run(...cells).resultType!);

  test('types of named functions as values, anonymous functions, calls through values', () => {
    expect(resultType(FIB, 'fib')).toBe('fn(int) -> int');
    expect(resultType('fn show(s: str) { }', 'show')).toBe('fn(str)');
    expect(resultType('fn(x: float, ys: [str]) -> {str: int} { return {} }')).toBe('fn(float, [str]) -> {str: int}');
    expect(resultType(FIB, 'let f: fn(int) -> int = fib\nf(2)')).toBe('int');
    expect(resultType('let fs: [fn() -> fn(int) -> bool] = []\nfs[0]()(1)')).toBe('bool');
    expect(resultType('struct S { op: fn(int, int) -> int }', 'fn use(s: S) -> int { return s.op(1, 2) }\nuse')).toBe('fn(S) -> int');
    expect(resultType('let m: {str: fn(int)} = {}\nm')).toBe('{str: fn(int)}');
    expect(resultType('map([1, 2], fn(x: int) -> str { return str(x) })')).toBe('[str]');
    expect(resultType('filter(["a"], fn(s: str) -> bool { return true })')).toBe('[str]');
  });

  test('a fn-typed variable shadows a function of the same name; a named function is a value', () => {
    const c = run('fn f() -> int { return 1 }\nfn g() -> int {\n  let f = fn() -> int { return 2 }\n  return f()\n}');
    const ret = c.functions[1].body.stmts[1] as Stmt & { kind: 'return' };
    expect(ret.value!.kind === 'call' && ret.value!.target!.kind).toBe('value');
    const named = run(FIB, 'let h = fib').cell.stmts[0] as Stmt & { kind: 'let' };
    expect(named.init.kind === 'name' && named.init.ref!.kind).toBe('function');
  });

  test('only the locals that an anonymous function captures are boxed; captures go through each level', () => {
    const c = run('fn f() -> int {\n  let a = 1\n  let b = 2\n  let g = fn() -> fn() -> int { return fn() -> int { return a } }\n  return g()() + b\n}');
    const decl = c.functions[0] as FnDecl;
    expect([...decl.boxed!]).toEqual([0]);
    const [inner, outer] = c.lambdas; // in the order their checks finish
    expect(inner.captures).toEqual([{ kind: 'capture', index: 0, type: { kind: 'int' } }]);
    expect(outer.captures).toEqual([{ kind: 'local', id: 0, type: { kind: 'int' } }]);
    const top = run('let total = 0\nfor i in 0..3 { let f = fn() -> int { return i + total } }');
    expect([...top.entryBoxed]).toEqual([0]);
    expect(top.lambdas[0].captures).toEqual([{ kind: 'local', id: 0, type: { kind: 'int' } }]);
  });

  test('function values cannot be compared', () => {
    expect(err(FIB, 'fib == fib')).toBe('TypeError 1:1 function values cannot be compared');
    expect(err('let f = fn() { }\nlet same = f != f')).toBe('TypeError 2:12 function values cannot be compared');
  });

  test('built-in and C functions are not values: wrap them in an anonymous function', () => {
    expect(err('let p = print')).toBe('TypeError 1:9 built-in function `print` is not a value; wrap it in an anonymous function, e.g. `fn(x: int) { ... print(x) ... }`');
    expect(err('let r = map([1.0], sqrt)')).toBe('TypeError 1:20 built-in function `sqrt` is not a value; wrap it in an anonymous function, e.g. `fn(x: float) { ... sqrt(x) ... }`');
    expect(err('extern fn labs(x: int) -> int', 'let a = labs')).toBe('TypeError 1:9 C function `labs` is not a value; wrap it in an anonymous function, e.g. `fn(x: int) { ... labs(x) ... }`');
  });

  test('wrong arity or argument type through a value', () => {
    expect(err(FIB, 'let f = fib\nf(1, 2)')).toBe('TypeError 2:1 `f` takes 1 argument, found 2');
    expect(err('let fs: [fn(int, str)] = []\nfs[0](1)')).toBe('TypeError 2:1 this function takes 2 arguments, found 1');
    expect(err(FIB, 'let f = fib\nf("s")')).toBe('TypeError 2:3 expected `int`, found `str`');
    expect(err('let g: fn(int) -> int = fn(x: float) -> int { return 1 }')).toBe('TypeError 1:25 expected `fn(int) -> int`, found `fn(float) -> int`');
    expect(err('let x = 1\nx(2)')).toBe('TypeError 2:1 `x` is not a function: it is `int`');
    expect(err('let v = [1]\nv[0](2)')).toBe('TypeError 2:1 cannot call a value of type `int`');
    expect(err(FIB, 'fib = fib')).toBe('TypeError 1:1 cannot assign to function `fib` (declare a variable: `let f = fib`)');
  });

  test('anonymous function bodies: returns, loops and scopes', () => {
    expect(err('let f = fn(x: int) -> int { if x > 0 { return 1 } }')).toBe('TypeError 1:51 missing return in `<fn>`');
    expect(err('let f = fn() -> int { return "s" }')).toBe('TypeError 1:30 expected `int`, found `str`');
    expect(err('while true { let f = fn() { break } }')).toBe('SyntaxError 1:29 `break` outside of a loop');
    expect(err('fn f() {\n  let g = fn() -> int { return later }\n  let later = 1\n}')).toBe('NameError 2:32 unknown name `later`');
  });

  test('map, filter and sort_by need a function of the element type', () => {
    expect(err('map([1], fn(s: str) -> int { return 1 })')).toBe('TypeError 1:10 `map` needs a function that takes `int` and returns a value (e.g. `fn(x: int) -> ...`), found `fn(str) -> int`');
    expect(err('filter([1], fn(x: int) -> int { return x })')).toBe('TypeError 1:13 `filter` needs a function that takes `int` and returns `bool` (e.g. `fn(x: int) -> ...`), found `fn(int) -> int`');
    expect(err('let a = [true]\nsort_by(a, fn(b: bool) -> bool { return b })')).toBe('TypeError 2:12 `sort_by` needs a function that takes `bool` and returns `int`, `float` or `str` (e.g. `fn(x: bool) -> ...`), found `fn(bool) -> bool`');
    expect(err('map([1], fn(x: int) { })')).toBe('TypeError 1:10 `map` needs a function that takes `int` and returns a value (e.g. `fn(x: int) -> ...`), found `fn(int)`');
    expect(err('map(1, fn(x: int) -> int { return x })')).toBe('TypeError 1:5 `map` needs an array, found `int`');
    expect(err('sort_by([1])')).toBe('TypeError 1:1 `sort_by` takes 2 arguments, found 1');
  });
});

describe('checker: names', () => {
  test('unknown names with suggestions', () => {
    expect(err('let foo = 1', 'fo + 1')).toBe('NameError 1:1 unknown name `fo` — did you mean `foo`?');
    expect(err('let x = zzz')).toBe('NameError 1:9 unknown name `zzz`');
    expect(err('let x = 1', 'y')).toBe('NameError 1:1 unknown name `y`');
    expect(err('fn fib(n: int) -> int { return n }', 'fbi(2)')).toBe('NameError 1:1 unknown function `fbi` — did you mean `fib`?');
    expect(err('prnt(1)')).toBe('NameError 1:1 unknown function `prnt` — did you mean `print`?');
    expect(err('let p = Pont { x: 1 }', '')).toBe('NameError 1:9 unknown struct `Pont`');
    expect(err('struct Point { x: int }', 'let p = Pont { x: 1 }')).toBe('NameError 1:9 unknown struct `Pont` — did you mean `Point`?');
    expect(err('let x: Pointt = 1')).toBe('NameError 1:8 unknown type `Pointt`');
    expect(err('let x: flaot = 1')).toBe('NameError 1:8 unknown type `flaot` — did you mean `float`?');
  });

  test('builtins cannot be redefined; duplicates in a cell', () => {
    expect(err('fn print(x: int) { }')).toBe('NameError 1:4 `print` is a built-in function');
    expect(err('extern fn sqrt(x: float) -> float')).toBe('NameError 1:11 `sqrt` is a built-in function');
    expect(err('fn f() { }\nfn f() { }')).toBe('NameError 2:4 function `f` is defined twice in this cell');
    expect(err('struct P { }\nstruct P { }')).toBe('NameError 2:8 struct `P` is defined twice in this cell');
    expect(err('struct int { }')).toBe('NameError 1:8 `int` is a built-in type');
    expect(err('struct P { a: int, a: int }')).toBe('NameError 1:20 field `a` is declared twice in `P`');
    expect(err('fn f(a: int, a: int) { }')).toBe('NameError 1:14 parameter `a` is declared twice');
  });

  test('variables and functions are separate namespaces', () => {
    expect(() => run('fn f() -> int { return 1 }', 'let f = f()', 'f + 1')).not.toThrow();
    expect(() => run('let len = 3', 'len + len("ab")')).not.toThrow();
  });

  test('functions in a cell call each other in any order; earlier cells are visible', () => {
    expect(() =>
      run('fn even(n: int) -> bool { if n == 0 { return true } return odd(n - 1) }\nfn odd(n: int) -> bool { if n == 0 { return false } return even(n - 1) }'),
    ).not.toThrow();
    expect(typed('fn sq(x: int) -> int { return x * x }', 'sq(3)')).toBe('(sq 3) : int');
  });

  test('functions see globals of their own cell (declared after them) and of the session', () => {
    expect(() => run('let a = 1', 'fn f() -> int { return a + b }\nlet b = 2')).not.toThrow();
    // top-level statements see only globals declared before them
    expect(err('print(b)\nlet b = 2')).toBe('NameError 1:7 unknown name `b`');
  });
});

describe('checker: structs', () => {
  test('field access, assignment and fieldIndex', () => {
    const c = run('struct Point { x: float, y: float }', 'let p = Point { y: 2.5, x: 1 }\np.y = 3\np.y');
    const lit = (c.cell.stmts[0] as Stmt & { kind: 'let' }).init as Expr & { kind: 'structlit' };
    expect(lit.fields.map((f) => [f.name, f.fieldIndex])).toEqual([['y', 1], ['x', 0]]);
    expect(lit.def!.name).toBe('Point');
    const last = (c.cell.stmts[2] as Stmt & { kind: 'expr' }).expr as Expr & { kind: 'field' };
    expect(last.fieldIndex).toBe(1);
    expect(typeName(last.type!)).toBe('float');
    expect(typeName(c.resultType!)).toBe('float');
  });

  test('struct literal errors', () => {
    expect(err('struct Point { x: float, y: float }', 'Point { x: 1 }')).toBe('TypeError 1:1 missing field `y` in `Point` literal');
    expect(err('struct Point { x: float, y: float }', 'Point { }')).toBe('TypeError 1:1 missing fields `x`, `y` in `Point` literal');
    expect(err('struct Point { x: float, y: float }', 'Point { x: 1, y: 2, x: 3 }')).toBe('TypeError 1:21 field `x` is given twice');
    expect(err('struct Point { x: float, y: float }', 'Point { x: 1, y: 2, z: 3 }')).toBe('TypeError 1:21 struct `Point` has no field `z`');
    expect(err('struct Point { x: float, y: float }', 'Point { x: "a", y: 2 }')).toBe('TypeError 1:12 expected `float`, found `str`');
    expect(err('struct Point { x: float, y: float }', 'let p = Point { x: 1, y: 2 }\np.z')).toBe('TypeError 2:3 struct `Point` has no field `z`');
    expect(err('struct Point { xx: float }', 'let p = Point { xx: 1 }\np.x')).toBe('TypeError 2:3 struct `Point` has no field `x` — did you mean `xx`?');
  });

  test('a struct may refer to a struct declared later in the cell, or to itself', () => {
    const c = run('struct Line { a: Point, b: Point }\nstruct Point { x: float }\nstruct Node { next: [Node] }');
    expect(c.structs.map((s) => s.name)).toEqual(['Point', 'Line', 'Node']);
    const line = c.env.structs.get('Line')!;
    expect(line.fields[0].type).toEqual({ kind: 'struct', def: c.env.structs.get('Point') });
    const node = c.env.structs.get('Node')!;
    expect((node.fields[0].type as Type & { kind: 'array' }).elem).toEqual({ kind: 'struct', def: node });
  });

  test('redefinition: same fields → same StructDef; different → new StructDef with a new id', () => {
    const c1 = run('/// P doc\nstruct P { x: int, y: float }');
    const p1 = c1.env.structs.get('P')!;
    expect(p1.doc).toBe('P doc');
    expect(p1.cell).toBe(1);
    expect(c1.structs).toEqual([p1]);
    const c2 = checkCell(parseCell('struct P { x: int, y: float }'), c1.env, 2);
    expect(c2.env.structs.get('P')).toBe(p1);
    expect(c2.structs).toEqual([]);
    const c3 = checkCell(parseCell('struct P { y: float, x: int }'), c1.env, 3);
    const p3 = c3.env.structs.get('P')!;
    expect(p3).not.toBe(p1);
    expect(p3.id).not.toBe(p1.id);
    expect(c3.structs).toEqual([p3]);
    // A struct whose field type changed identity is a new type too.
    const c4 = checkCell(parseCell('struct Q { p: P }'), c1.env, 4);
    const c5 = checkCell(parseCell('struct P { z: int }\nstruct Q { p: P }'), c4.env, 5);
    expect(c5.env.structs.get('Q')).not.toBe(c4.env.structs.get('Q'));
    const c6 = checkCell(parseCell('struct Q { p: P }'), c4.env, 6);
    expect(c6.env.structs.get('Q')).toBe(c4.env.structs.get('Q'));
  });

  test('values of the old struct type are not the new type', () => {
    expect(err('struct P { x: int }', 'let p = P { x: 1 }', 'struct P { x: float }', 'let q: P = p')).toBe(
      'TypeError 1:12 expected `P`, found `P`',
    );
  });
});

describe('checker: session rules', () => {
  test('globals: top-level let; same type reuses the GlobalInfo, different type makes a new one', () => {
    const c1 = run('let x = 1\nlet s = "a"');
    expect(c1.globals.map((g) => `${g.name}: ${typeName(g.type)}`)).toEqual(['x: int', 's: str']);
    const x1 = c1.env.globals.get('x')!;
    const let1 = c1.cell.stmts[0] as Stmt & { kind: 'let' };
    expect(let1.target).toEqual({ kind: 'global', global: x1 });
    const c2 = checkCell(parseCell('let x = 2'), c1.env, 2);
    expect(c2.env.globals.get('x')).toBe(x1);
    expect(c2.globals).toEqual([x1]);
    const c3 = checkCell(parseCell('let x = 2.5'), c1.env, 3);
    expect(c3.env.globals.get('x')).not.toBe(x1);
    expect(c3.globals.map((g) => typeName(g.type))).toEqual(['float']);
    expect(x1.type).toEqual({ kind: 'int' }); // the old one is untouched
  });

  test('map globals: same map type reuses the GlobalInfo, a different one makes a new one', () => {
    const c1 = run('let m = {"a": 1}');
    const g1 = c1.env.globals.get('m')!;
    expect(checkCell(parseCell('let m: {str: int} = {}'), c1.env, 2).env.globals.get('m')).toBe(g1);
    const c3 = checkCell(parseCell('let m = {"a": 1.5}'), c1.env, 3);
    expect(c3.env.globals.get('m')).not.toBe(g1);
    expect(typeName(c3.env.globals.get('m')!.type)).toBe('{str: float}');
  });

  test('a re-declared global may use its old value', () => {
    expect(typed('let x = 1', 'let x = x + 1')).toBe('(+ x 1) : int');
    expect(typed('let x = 1', 'let x = float(x) / 2.0')).toBe('(/ (float x) 2f) : float');
  });

  test('locals: ids, params first, shadowing makes a new id, loop variables', () => {
    const c = run('fn f(a: int, b: float) -> float {\n  let c = a\n  { let c = 2.5; b = c }\n  for i in 0..3 { let a = "s" }\n  for e in [true] { }\n  return b\n}');
    const f = c.functions[0];
    expect(f.locals!.map(typeName)).toEqual(['int', 'float', 'int', 'float', 'int', 'str', 'bool']);
    const [let1, blk, fr, fe] = f.body.stmts;
    expect(let1.kind === 'let' && let1.target).toEqual({ kind: 'local', id: 2, type: { kind: 'int' } });
    const inner = blk.kind === 'block' ? (blk.block.stmts[1] as Stmt & { kind: 'assign' }) : undefined;
    expect(inner && (inner.value as Expr & { kind: 'name' }).ref).toEqual({ kind: 'local', id: 3, type: { kind: 'float' } });
    expect(fr.kind === 'for' && fr.varRef).toEqual({ kind: 'local', id: 4, type: { kind: 'int' } });
    expect(fe.kind === 'foreach' && fe.varRef).toEqual({ kind: 'local', id: 6, type: { kind: 'bool' } });
  });

  test('entry locals: inner-block lets and loop variables of top-level code', () => {
    const c = run('let g = 1\nfor i in 0..3 { let t = 2.5 }\nif true { let u = "s" }');
    expect(c.entryLocals.map(typeName)).toEqual(['int', 'float', 'str']);
    expect(c.globals.map((x) => x.name)).toEqual(['g']);
  });

  test('a name inside a function resolves to the global', () => {
    const c = run('let total = 0', 'fn add(n: int) { total += n }');
    const s = c.functions[0].body.stmts[0] as Stmt & { kind: 'assign' };
    expect((s.target as Expr & { kind: 'name' }).ref!.kind).toBe('global');
  });

  test('FnSig: new object per definition, cell/line/doc, sameSignature', () => {
    const c1 = run('let a = 1\n/// Adds one.\n/// Really.\nfn inc(x: int) -> int { return x + 1 }\nextern fn cbrt(x: float) -> float');
    const inc1 = c1.env.functions.get('inc')!;
    expect(inc1).toEqual({
      name: 'inc', params: [{ name: 'x', type: { kind: 'int' } }], ret: { kind: 'int' },
      doc: 'Adds one.\nReally.', cell: 1, line: 4, extern: false,
    });
    expect((c1.functions[0] as FnDecl).sig).toBe(inc1);
    expect(c1.externs).toEqual([c1.env.functions.get('cbrt')]);
    expect(c1.externs[0].extern).toBe(true);
    const c2 = checkCell(parseCell('fn inc(y: int) -> int { return y + 2 }'), c1.env, 2);
    const inc2 = c2.env.functions.get('inc')!;
    expect(inc2).not.toBe(inc1);
    expect(sameSignature(inc1, inc2)).toBe(true);
    const c3 = checkCell(parseCell('fn inc(x: float) -> int { return 1 }'), c1.env, 3);
    expect(sameSignature(inc1, c3.env.functions.get('inc')!)).toBe(false);
    const c4 = checkCell(parseCell('fn inc(x: int) -> float { return 1 }'), c1.env, 4);
    expect(sameSignature(inc1, c4.env.functions.get('inc')!)).toBe(false);
    const c5 = checkCell(parseCell('fn inc(x: int, y: int) -> int { return 1 }'), c1.env, 5);
    expect(sameSignature(inc1, c5.env.functions.get('inc')!)).toBe(false);
  });

  test('calls resolve to the newest definition', () => {
    const c1 = run('fn f() -> int { return 1 }');
    const c2 = checkCell(parseCell('fn f() -> str { return "a" }\nf()'), c1.env, 2);
    const call = (c2.cell.stmts[0] as Stmt & { kind: 'expr' }).expr as Expr & { kind: 'call' };
    expect(call.target).toEqual({ kind: 'fn', fn: c2.env.functions.get('f') });
    expect(typeName(c2.resultType!)).toBe('str');
  });

  test('extern fn parameter and return types are C-compatible', () => {
    const params = '`int`, `float`, `bool`, `str`, `ptr`, `[int]`, `[float]`, `[ptr]` or a C type (`i32`, `u32`, `u64`, `f32`)';
    expect(err('extern fn f(a: [str])')).toBe(`TypeError 1:16 an \`extern fn\` parameter must be ${params}, found \`[str]\``);
    expect(err('struct P { }\nextern fn f(p: P)')).toBe(`TypeError 2:16 an \`extern fn\` parameter must be ${params}, found \`P\``);
    expect(err('extern fn f(m: {int: int})')).toBe(`TypeError 1:16 an \`extern fn\` parameter must be ${params}, found \`{int: int}\``);
    expect(err('struct P { }\nextern fn f() -> P')).toBe(
      'TypeError 2:18 an `extern fn` must return `int`, `float`, `bool`, `str`, `ptr`, a C type (`i32`, `u32`, `u64`, `f32`) or nothing, found `P`',
    );
    expect(err('extern fn f() -> [float]')).toMatch(/^TypeError 1:18 an `extern fn` must return .* found `\[float\]`$/);
    expect(() => run('extern fn strlen(s: str) -> int\nextern fn srand(n: int)\nstrlen("abc")')).not.toThrow();
    expect(() => run('extern fn f(a: [int], b: [float], c: [ptr], d: ptr, e: i32, g: u32, h: u64, k: f32) -> ptr')).not.toThrow();
  });

  test('extern fn: library, C name and C types are recorded on the signature', () => {
    const c = run('extern "libz.so.1" fn crc32(crc: u64, buf: str, len: u32) -> u64\nextern fn c_abs(x: i32) -> i32 = "abs"\nextern fn fabsf(x: f32) -> f32');
    expect(c.env.functions.get('crc32')).toMatchObject({
      name: 'crc32', cName: 'crc32', library: 'libz.so.1', extern: true,
      params: [{ name: 'crc', type: { kind: 'int' } }, { name: 'buf', type: { kind: 'str' } }, { name: 'len', type: { kind: 'int' } }],
      cParams: ['u64', undefined, 'u32'], cRet: 'u64', ret: { kind: 'int' },
    });
    expect(c.env.functions.get('c_abs')).toMatchObject({ name: 'c_abs', cName: 'abs', cParams: ['i32'], cRet: 'i32' });
    expect(c.env.functions.get('c_abs')!.library).toBeUndefined();
    expect(c.env.functions.get('fabsf')).toMatchObject({ params: [{ name: 'x', type: { kind: 'float' } }], ret: { kind: 'float' }, cRet: 'f32' });
    // Calls see the Kiln types: an int where an i32 is declared, a float (or int) where an f32 is.
    expect(() => run('extern fn c_abs(x: i32) -> i32 = "abs"\nextern fn fabsf(x: f32) -> f32\nlet a: int = c_abs(-3)\nlet b: float = fabsf(2)')).not.toThrow();
    expect(err('extern fn c_abs(x: i32) -> i32 = "abs"\nc_abs(1.5)')).toBe('TypeError 2:7 expected `int`, found `float`');
    expect(err('extern fn c_abs(x: i32) -> i32 = "abs"\nabs(1)\nc_abs("1")')).toBe('TypeError 3:7 expected `int`, found `str`');
  });

  test('one cell binding a C symbol twice needs one C signature', () => {
    expect(err('extern fn a1(x: i32) -> i32 = "abs"\nextern fn a2(x: int) -> int = "abs"')).toBe(
      'TypeError 2:11 `a2` binds C symbol `abs` as `a1` does in this cell, with other types: (int) -> int vs (i32) -> i32',
    );
    expect(() => run('extern fn a1(x: i32) -> i32 = "abs"\nextern fn a2(y: i32) -> i32 = "abs"')).not.toThrow();
    expect(() => run('extern fn strlen(s: str) -> int\nextern "libc.so.6" fn c_strlen(s: ptr) -> u64 = "strlen"')).not.toThrow();
  });

  test('C types outside extern signatures are TypeErrors', () => {
    expect(err('let x: i32 = 3')).toBe('TypeError 1:8 the C type `i32` can only appear in an `extern fn` signature; use `int` here');
    expect(err('fn f(x: f32) { }')).toBe('TypeError 1:9 the C type `f32` can only appear in an `extern fn` signature; use `float` here');
    expect(err('fn f() -> u64 { return 1 }')).toBe('TypeError 1:11 the C type `u64` can only appear in an `extern fn` signature; use `int` here');
    expect(err('struct S { n: u32 }')).toBe('TypeError 1:15 the C type `u32` can only appear in an `extern fn` signature; use `int` here');
    expect(err('let v: [i32] = []')).toBe('TypeError 1:9 the C type `i32` can only appear in an `extern fn` signature; use `int` here');
    expect(err('extern fn f(a: [i32])')).toBe('TypeError 1:17 the C type `i32` can only appear in an `extern fn` signature; use `int` here');
    expect(err('struct ptr { }')).toBe('NameError 1:8 `ptr` is a built-in type');
    expect(err('struct u64 { }')).toBe('NameError 1:8 `u64` is a built-in type');
  });

  test('ptr: a type usable anywhere; null; == and != between ptrs; ptr(), int(), cstr()', () => {
    const c = run(
      'struct H { handle: ptr }\nlet p: ptr = null\nlet hs: [ptr] = [null, ptr(8)]\nlet m: {str: ptr} = {"a": p}\n' +
        'let h = H { handle: hs[1] }\nlet same = p == null || h.handle != null\nlet n: int = int(p)\nlet s: str = cstr(p)\nnull',
    );
    expect(typeName(c.env.globals.get('p')!.type)).toBe('ptr');
    expect(typeName(c.env.globals.get('hs')!.type)).toBe('[ptr]');
    expect(typeName(c.env.globals.get('m')!.type)).toBe('{str: ptr}');
    expect(typeName(c.resultType!)).toBe('ptr');
    expect(err('let p = null\np == 0')).toBe('TypeError 2:1 cannot compare `ptr` and `int`');
    expect(err('null < null')).toBe('TypeError 1:1 cannot compare `ptr` and `ptr`');
    expect(err('null + 1')).toBe('TypeError 1:1 cannot add `ptr` and `int`');
    expect(err('float(null)')).toBe('TypeError 1:7 cannot convert `ptr` to `float`');
    expect(err('ptr(1.5)')).toBe('TypeError 1:5 expected `int`, found `float`');
    expect(err('cstr("a")')).toBe('TypeError 1:6 expected `ptr`, found `str`');
    expect(err('let p: ptr = 0')).toBe('TypeError 1:14 expected `ptr`, found `int`');
    expect(err('let null = 1')).toMatch(/^SyntaxError 1:5 /);
  });

  test('resultType: last statement is an expression of non-void type', () => {
    expect(run('1 + 2').resultType).toEqual({ kind: 'int' });
    expect(run('print(1)').resultType).toBeUndefined();
    expect(run('let x = 1').resultType).toBeUndefined();
    expect(run('1\nlet x = 2').resultType).toBeUndefined();
    expect(run('2.5\nfn f() { }').resultType).toEqual({ kind: 'float' });
    expect(run('fn f() { }').resultType).toBeUndefined();
  });

  test('a failed check leaves env untouched', () => {
    const c1 = run('struct P { x: int }\nlet g = 1\nlet h = "s"\nfn f(a: int) -> int { return a }');
    const env = c1.env;
    const snapshot = snap(env);
    const maps = [new Map(env.functions), new Map(env.globals), new Map(env.structs)];
    const bad = [
      'struct P { y: float }\nstruct Q { a: int }\nfn f(a: float) -> float { return a }\nfn k() { }\nlet g = 2.5\nlet h = "t"\nlet n = 3\nx + 1',
      'fn f(a: int) -> int { return a }\nlet g = 2\nfn bad() -> int { }',
    ];
    for (const src of bad) {
      expect(() => checkCell(parseCell(src), env, 2)).toThrow(CompileError);
      expect(snap(env)).toEqual(snapshot);
      expect([...env.functions]).toEqual([...maps[0]]);
      for (const [k, v] of env.functions) expect(v).toBe(maps[0].get(k));
      for (const [k, v] of env.globals) expect(v).toBe(maps[1].get(k));
      for (const [k, v] of env.structs) expect(v).toBe(maps[2].get(k));
      expect(env.functions.size).toBe(1);
      expect(env.globals.size).toBe(2);
      expect(env.structs.size).toBe(1);
    }
    // A successful check does not change the old env either.
    checkCell(parseCell('struct P { y: float }\nfn f(a: float) -> float { return a }\nlet g = 2.5\nlet n = 1'), env, 3);
    expect(snap(env)).toEqual(snapshot);
    expect(env.globals.has('n')).toBe(false);
  });
});
