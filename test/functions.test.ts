// Functions as values end to end (LANGUAGE.md "Additions in 0.2" → "Functions as values",
// and map/filter/sort_by of "More on arrays"): named functions as values, redefinition
// seen through a value, anonymous functions and their captures, formats, errors.
import { interruptAfter, TestSession } from './support/engine';

const FIB = 'fn fib(n: int) -> int {\n  if n < 2 { return n }\n  return fib(n - 1) + fib(n - 2)\n}';

/** The traceback lines of a failed cell, without the first ("Traceback ...") line. */
function traceback(k: TestSession, code: string): string[] {
  const r = k.run(code);
  if (r.outcome.status !== 'error') throw new Error(`expected an error from:\n${code}`);
  return r.outcome.traceback.slice(1);
}

describe('named functions as values', () => {
  let k: TestSession;
  beforeAll(() => {
    k = new TestSession();
  });

  test('a named function used without a call is a value; calling through it calls the function', () => {
    k.ok(FIB);
    expect(k.ok('let f = fib\nf(20)')).toBe('6765');
    expect(k.ok('f')).toBe('<fn fib(n: int) -> int>');
    expect(k.ok('let g: fn(int) -> int = f\ng(10) + f(1)')).toBe('56');
    expect(k.ok('[fib, g]')).toBe('[<fn fib(n: int) -> int>, <fn fib(n: int) -> int>]');
  });

  test('a same-signature redefinition is what the value calls; a different signature keeps the old one', () => {
    k.ok('fn sq(x: int) -> int { return x * x }\nlet h = sq\nlet table = {"sq": sq}');
    expect(k.ok('h(3)')).toBe('9');
    k.ok('fn sq(y: int) -> int { return y + 1000 }');
    expect(k.ok('print(h(3), table["sq"](3), h)')).toBe('1003 1003 <fn sq(y: int) -> int>\n');
    k.ok('fn sq(x: float) -> float { return x / 2 }');
    expect(k.ok('print(h(3), sq(3), h, sq)')).toBe('1003 1.5 <fn sq(y: int) -> int> <fn sq(x: float) -> float>\n');
  });

  test('a redefinition made by eval while a function runs is what its next call through a value runs', () => {
    k.ok('fn step(x: int) -> int { return x }\nlet stepper = step');
    const code = [
      'fn run() -> int {',
      '  let before = stepper(1)',
      '  eval("fn step(x: int) -> int { return x * 100 }")',
      '  return before + stepper(1)',
      '}',
      'run()',
    ].join('\n');
    expect(k.ok(code)).toBe('101');
  });

  test('a value first made by an eval, or by a cell that then fails, still calls the current body cells later', () => {
    k.ok('fn dbl(x: int) -> int { return x * 2 }');
    k.ok('eval("let dv = dbl")');
    expect(k.run('let dz = dbl\nprint(dz(1))\n[1][5]').outcome.status).toBe('error');
    k.ok('fn dbl(x: int) -> int { return x * 5 }');
    for (let i = 0; i < 3; i++) k.ok(`${i} + 1`);
    expect(k.ok('print(dv(3), dz(2), dv)')).toBe('15 10 <fn dbl(x: int) -> int>\n');
  });

  test('a void function formats without a return type', () => {
    expect(k.ok('fn show(s: str) { print(s) }\nlet sh = show\nsh("hi")\nsh')).toBe('<fn show(s: str)>');
    expect(k.ok('print(sh)\nstr(sh) + "!"')).toBe('"<fn show(s: str)>!"');
  });
});

describe('anonymous functions and closures', () => {
  let k: TestSession;
  beforeAll(() => {
    k = new TestSession();
  });

  test('an anonymous function is an expression; its format', () => {
    expect(k.ok('fn(x: int) -> int { return x }')).toBe('<fn(x: int) -> int>');
    expect(k.ok('let twice = fn(x: float, label: str) -> str { return label + str(x * 2) }\ntwice(1.25, "= ")')).toBe('"= 2.5"');
    expect(k.ok('twice')).toBe('<fn(x: float, label: str) -> str>');
    expect(k.ok('fn() { }')).toBe('<fn()>');
    expect(k.ok('(fn(a: int, b: int) -> int { return a - b })(10, 3)')).toBe('7');
  });

  test('captures by reference: it sees later assignments, and its assignments are seen outside', () => {
    const code = [
      'fn demo() -> str {',
      '  let k = 3',
      '  let times = fn(x: int) -> int { return x * k }',
      '  let first = times(2)',
      '  k = 10',
      '  let set = fn(v: int) { k = v }',
      '  let second = times(2)',
      '  set(7)',
      '  return str(first) + " " + str(second) + " " + str(k) + " " + str(times(2))',
      '}',
      'demo()',
    ].join('\n');
    expect(k.ok(code)).toBe('"6 20 7 14"');
  });

  test('a capture two functions deep reaches the same variable', () => {
    const code = [
      'fn total() -> int {',
      '  let sum = 0',
      '  let add = fn(n: int) {',
      '    let inner = fn() { sum += n }',
      '    inner()',
      '  }',
      '  add(5)',
      '  add(6)',
      '  return sum',
      '}',
      'total()',
    ].join('\n');
    expect(k.ok(code)).toBe('11');
  });

  test('globals are not captured: a function sees the global as it is when it runs', () => {
    expect(k.ok('let count = 0\nlet inc = fn() { count += 1 }\ninc()\ninc()\ncount')).toBe('2');
    expect(k.ok('count = 40\ninc()\ncount')).toBe('41');
  });

  test('each iteration of a for loop has its own loop variable (and its own lets)', () => {
    const code = [
      'let fs: [fn() -> int] = []',
      'for i in 0..3 { push(fs, fn() -> int { return i * 10 }) }',
      'for s in ["a", "bb"] {',
      '  let n = len(s)',
      '  push(fs, fn() -> int { return n })',
      '}',
      'let m = {"x": 7}',
      'for key in m { push(fs, fn() -> int { return len(key) + 100 }) }',
      'map(fs, fn(f: fn() -> int) -> int { return f() })',
    ].join('\n');
    expect(k.ok(code)).toBe('[0, 10, 20, 1, 2, 101]');
  });

  test('a while loop body shares the variables declared outside it', () => {
    const code = [
      'fn last() -> int {',
      '  let i = 0',
      '  let get = fn() -> int { return i }',
      '  while i < 5 { i += 1 }',
      '  return get()',
      '}',
      'last()',
    ].join('\n');
    expect(k.ok(code)).toBe('5');
  });

  test('a closure outlives the frame that made it (the counter generator)', () => {
    const code = [
      'fn counter(start: int) -> fn() -> int {',
      '  let n = start',
      '  return fn() -> int {',
      '    n += 1',
      '    return n',
      '  }',
      '}',
      'let c1 = counter(0)',
      'let c2 = counter(100)',
      'c1()',
      'c1()',
      'print(c1(), c2(), c1(), c2())',
    ].join('\n');
    expect(k.ok(code)).toBe('3 101 4 102\n');
    expect(k.ok('let make = fn(k: int) -> fn(int) -> int { return fn(x: int) -> int { return x + k } }\nmake(5)(10)')).toBe('15');
  });

  test('closures in arrays, maps and struct fields', () => {
    k.ok('struct Op { name: str, apply: fn(int, int) -> int }');
    const code = [
      'let ops = [',
      '  Op { name: "add", apply: fn(a: int, b: int) -> int { return a + b } },',
      '  Op { name: "mul", apply: fn(a: int, b: int) -> int { return a * b } },',
      ']',
      'let byName: {str: fn(int, int) -> int} = {}',
      'for op in ops { byName[op.name] = op.apply }',
      'print(ops[1].apply(6, 7), byName["add"](6, 7), len(byName))',
      'ops[0]',
    ].join('\n');
    expect(k.run(code)).toMatchObject({ stdout: '42 13 2\n', result: 'Op { name: "add", apply: <fn(a: int, b: int) -> int> }' });
    expect(k.ok('byName')).toBe('{"add": <fn(a: int, b: int) -> int>, "mul": <fn(a: int, b: int) -> int>}');
  });

  test('captured variables live as long as a function value uses them, through garbage collections', () => {
    const make = [
      'fn counter(start: int) -> fn() -> int {',
      '  let n = start',
      '  return fn() -> int {',
      '    n += 1',
      '    return n',
      '  }',
      '}',
      'fn labeler(p: str) -> fn() -> str {',
      '  let s = p + "!"',
      '  return fn() -> str { return s + s }',
      '}',
      'let kept = counter(41)',
      'let inArray = [counter(9)]',
      'let label = labeler(str(12345))',
    ].join('\n');
    k.ok(make);
    const before = k.session.native.gcStats().collections;
    k.session.native.gcCollect();
    k.ok('for i in 0..300000 { let junk = [i, i, i, i] }\nlet strs: [str] = []\nfor i in 0..20000 { push(strs, str(i) + "x") }');
    k.session.native.gcCollect();
    expect(k.session.native.gcStats().collections).toBeGreaterThan(before);
    expect(k.ok('print(kept(), inArray[0](), label())')).toBe('42 10 12345!12345!\n');
  });

  test('recursion through a value: the name of its let is visible in its own body', () => {
    const global = 'let fact = fn(n: int) -> int {\n  if n < 2 { return 1 }\n  return n * fact(n - 1)\n}\nfact(10)';
    expect(k.ok(global)).toBe('3628800');
    const local = [
      'fn evens(n: int) -> [int] {',
      '  let out: [int] = []',
      '  let walk = fn(i: int) {',
      '    if i > n { return }',
      '    push(out, i)',
      '    walk(i + 2)',
      '  }',
      '  walk(0)',
      '  return out',
      '}',
      'evens(9)',
    ].join('\n');
    expect(k.ok(local)).toBe('[0, 2, 4, 6, 8]');
  });
});

describe('map, filter, sort_by', () => {
  let k: TestSession;
  beforeAll(() => {
    k = new TestSession();
    k.ok('struct P { name: str, age: int, height: float }');
    k.ok([
      'let people = [',
      '  P { name: "bo", age: 30, height: 1.5 },',
      '  P { name: "al", age: 20, height: 1.9 },',
      '  P { name: "cy", age: 30, height: 0.5 },',
      '  P { name: "di", age: 20, height: 1.0 },',
      ']',
      'let names = fn(ps: [P]) -> [str] { return map(ps, fn(p: P) -> str { return p.name }) }',
    ].join('\n'));
  });

  test('map and filter make new arrays, in order, of any element type', () => {
    expect(k.ok('let a = [3, 1, 2]\nmap(a, fn(x: int) -> int { return x * x })')).toBe('[9, 1, 4]');
    expect(k.ok('a')).toBe('[3, 1, 2]');
    expect(k.ok('map(a, fn(x: int) -> str { return str(x) + "!" })')).toBe('["3!", "1!", "2!"]');
    expect(k.ok('map(people, fn(p: P) -> float { return p.height * 2 })')).toBe('[3.0, 3.8, 1.0, 2.0]');
    expect(k.ok('filter([1, 2, 3, 4, 5, 6], fn(x: int) -> bool { return x % 2 == 0 })')).toBe('[2, 4, 6]');
    expect(k.ok('names(filter(people, fn(p: P) -> bool { return p.age > 25 }))')).toBe('["bo", "cy"]');
    expect(k.ok('let empty: [str] = []\nmap(empty, fn(s: str) -> int { return len(s) })')).toBe('[]');
    expect(k.ok('map([[1], [2, 3]], fn(v: [int]) -> int { return len(v) })')).toBe('[1, 2]');
  });

  test('a multi-line anonymous function as an argument', () => {
    const code = 'map([1, 2], fn(x: int) -> int {\n  let y = x + 1\n  return y * 10\n})';
    expect(k.ok(code)).toBe('[20, 30]');
  });

  test('sort_by sorts in place, stably, by an int, float or str key', () => {
    expect(k.ok('sort_by(people, fn(p: P) -> int { return p.age })\nnames(people)')).toBe('["al", "di", "bo", "cy"]');
    expect(k.ok('sort_by(people, fn(p: P) -> str { return p.name })\nnames(people)')).toBe('["al", "bo", "cy", "di"]');
    expect(k.ok('sort_by(people, fn(p: P) -> float { return p.height })\nnames(people)')).toBe('["cy", "di", "bo", "al"]');
    // Stability: equal keys keep the order of the height sort (di before al, cy before bo).
    expect(k.ok('sort_by(people, fn(p: P) -> int { return p.age })\nnames(people)')).toBe('["di", "al", "cy", "bo"]');
    expect(k.ok('sort_by(people, fn(p: P) -> int { return 0 - p.age })\nnames(people)')).toBe('["cy", "bo", "di", "al"]');
  });

  test('sort_by: NaN keys last, byte-wise strs, the key runs once per element', () => {
    const floats = 'let fs = [2.5, 0.0 / 0.0, -1.0, 1e300]\nsort_by(fs, fn(x: float) -> float { return x })\nfs';
    expect(k.ok(floats)).toBe('[-1.0, 2.5, 1e+300, nan]');
    expect(k.ok('let ws = ["b", "B", "a", "ab", ""]\nsort_by(ws, fn(s: str) -> str { return s })\nws')).toBe('["", "B", "a", "ab", "b"]');
    const counted = 'let calls = 0\nlet big = [5, 3, 9, 1, 7, 2, 8]\nsort_by(big, fn(x: int) -> int { calls += 1\nreturn x })\nprint(big, calls)';
    expect(k.ok(counted)).toBe('[1, 2, 3, 5, 7, 8, 9] 7\n');
    const many = [
      'struct Item { key: int, at: int }',
      'let items: [Item] = []',
      'for i in 0..1001 { push(items, Item { key: (i * 7919) % 13, at: i }) }',
      'sort_by(items, fn(t: Item) -> int { return t.key })',
      'let ordered = true',
      'for i in 1..len(items) {',
      '  let a = items[i - 1]',
      '  let b = items[i]',
      '  if a.key > b.key || (a.key == b.key && a.at > b.at) { ordered = false }',
      '}',
      'print(len(items), ordered, items[0].key, items[1000].key)',
    ].join('\n');
    expect(k.ok(many)).toBe('1001 true 0 12\n');
  });

  test('an error inside the function propagates with a traceback through the call', () => {
    const k = new TestSession();
    k.ok('let first = 1');
    const code = 'let xs = [1, 2, 3]\nmap(xs, fn(x: int) -> int {\n  return xs[x]\n})';
    expect(traceback(k, code)).toEqual(['  cell 2, line 2, in <cell>', '  cell 2, line 3, in <fn>', 'IndexError: index 3 out of range for length 3']);
    const inSort = 'fn key(x: int) -> int { return 10 / x }\nlet zs = [3, 0]\nsort_by(zs, key)';
    expect(traceback(k, inSort)).toEqual(['  cell 3, line 3, in <cell>', '  cell 3, line 1, in key', 'ZeroDivisionError: integer division or modulo by zero']);
    expect(k.ok('zs')).toBe('[3, 0]');
  });

  test('a key function that changes the array’s length is a RuntimeError', () => {
    const r = k.run('let grow = [1, 2]\nsort_by(grow, fn(x: int) -> int { push(grow, x)\nreturn x })');
    expect(r.error).toBe('RuntimeError: array changed size during sort_by');
  });
});

describe('guarantees through function values', () => {
  test('RecursionError through a value; the session survives', () => {
    const k = new TestSession();
    const code = 'let down = fn(n: int) -> int { return down(n + 1) }\ndown(0)';
    const lines = traceback(k, code);
    expect(lines[0]).toBe('  cell 1, line 2, in <cell>');
    expect(lines[1]).toBe('  cell 1, line 1, in <fn>');
    expect(lines[lines.length - 1]).toBe('RecursionError: maximum recursion depth exceeded');
    expect(k.ok('down')).toBe('<fn(n: int) -> int>');
  });

  test('a fault inside an anonymous function keeps the session', () => {
    const k = new TestSession();
    k.ok('let keep = [1]\nlet boom = fn(d: int) -> int { return 1 / d }');
    expect(traceback(k, 'boom(0)')).toEqual(['  cell 2, line 1, in <cell>', '  cell 1, line 2, in <fn>', 'ZeroDivisionError: integer division or modulo by zero']);
    expect(k.ok('boom(1) + keep[0]')).toBe('2');
  });

  test('a function global read before its let has run is a NameError, not a crash', () => {
    const k = new TestSession();
    const r = k.run('fn early() -> int { return later(1) }\nprint(early())\nlet later = fn(x: int) -> int { return x }');
    expect(r.error).toBe('NameError: global `later` is used before its `let` has run');
  });

  test('an interrupt stops a long map (each call polls at its entry)', () => {
    const k = new TestSession();
    k.ok('let outer = fill(100000, 0)\nlet inner = fill(100000, 1)');
    const setter = interruptAfter(k.interruptFlag, 200);
    const r = k.run('map(outer, fn(i: int) -> int { return len(map(inner, fn(x: int) -> int { return x + i })) })');
    void setter.terminate();
    expect(r.error).toBe('KeyboardInterrupt: interrupted');
    expect(k.ok('len(outer)')).toBe('100000');
  });

  test('a call through a value that captures nothing allocates nothing', () => {
    const k = new TestSession();
    k.ok('fn inc(x: int) -> int { return x + 1 }\nlet f = inc\nlet g = fn(x: int) -> int { return x * 2 }');
    k.ok('fn spin(n: int) { let s = 0\nfor i in 0..n { s = f(s) + g(i) % 3 } }');
    const k2 = 'let base = 7\nlet h = fn(x: int) -> int { return x + base }';
    k.ok(k2);
    k.ok('fn spinMaking(n: int) { for i in 0..n { let local = i\nlet c = fn() -> int { return local }\nc() } }');
    const allocated = (code: string) => {
      const before = k.session.native.gcStats().allocatedBytes;
      k.ok(code);
      return k.session.native.gcStats().allocatedBytes - before;
    };
    allocated('spin(10)');
    const few = allocated('spin(1000)');
    const many = allocated('spin(1000000)');
    expect(many).toBe(few);
    // The counter does see allocations: a closure that captures makes a box and a KilnFn each time.
    expect(allocated('spinMaking(100000)')).toBeGreaterThanOrEqual(100000 * 32);
  });
});

test('a cell that makes an anonymous function is optimized like one that defines a named function', () => {
  const k = new TestSession();
  const native = k.session.native;
  const levels: number[] = [];
  const addModule = native.addModule;
  native.addModule = (ir, level, wantIR) => (levels.push(level), addModule.call(native, ir, level, wantIR));
  try {
    k.ok('1 + 1');
    k.ok('let total = fn(n: int) -> int {\n  let s = 0\n  for i in 0..n { s += i % 7 }\n  return s\n}');
  } finally {
    native.addModule = addModule;
  }
  expect(levels).toEqual([0, 2]);
  expect(k.ok('total(10)')).toBe('24');
});

describe('%who and inspect know function values', () => {
  test('%who lists function globals with their types; inspect shows the type', () => {
    const k = new TestSession();
    k.ok(FIB + '\nlet f = fib\nlet shout = fn(s: str) { print(s) }');
    const who = k.run('%who').outputs.map((o) => (o.type === 'display' ? String(o.data['text/plain']) : '')).join('');
    expect(who).toContain('let f: fn(int) -> int');
    expect(who).toContain('let shout: fn(str)');
    expect(k.session.inspect('f', 1)).toBe('f: fn(int) -> int\n(global)');
    const inspectEnd = (code: string) => k.session.inspect(code, Array.from(code).length);
    expect(inspectEnd('let g = fn(x: int, y: [str]) -> bool { return true }\ng')).toBe('g: fn(int, [str]) -> bool\n(variable)');
    expect(inspectEnd('let h = fib\nh')).toBe('h: fn(int) -> int\n(variable)');
    expect(inspectEnd('let v = fn(s: str) {\n  print(s)\n}\nv')).toBe('v: fn(str)\n(variable)');
    expect(k.session.complete('let handler = fn() { }\nhan', 26).matches).toEqual(['handler']);
  });
});
