// The engine end to end (parse → check → lower → JIT → run), as LANGUAGE.md specifies it.
import { interruptAfter, TestSession } from './support/engine';

describe('values and output formats', () => {
  let k: TestSession;
  beforeAll(() => {
    k = new TestSession();
  });

  test.each([
    ['1 + 2', '3'],
    ['7 / 2', '3'],
    ['-7 / 2', '-3'],
    ['-7 % 2', '-1'],
    ['7 % -2', '1'],
    ['7.0 / 2', '3.5'],
    ['1_000_000 + 0xff + 0b1010', '1000265'],
    ['9223372036854775807 + 1', '-9223372036854775808'],
    ['(-9223372036854775807 - 1) / -1', '-9223372036854775808'],
    ['(-9223372036854775807 - 1) % -1', '0'],
    ['0.1 + 0.2', '0.30000000000000004'],
    ['3.0', '3.0'],
    ['1e300 * 10.0', '1e+301'],
    ['1.0 / 0.0', 'inf'],
    ['2.0e-3', '0.002'],
    ['1 < 2 && 2.5 >= 2', 'true'],
    ['"b" > "a"', 'true'],
    ['"a\\nb"', '"a\\nb"'],
    ['"tab\\t\\"q\\" \\\\"', '"tab\\t\\"q\\" \\\\"'],
    ['len("héllo")', '6'],
    ['"ab" + "cd"', '"abcd"'],
    ['[1, 2, 3]', '[1, 2, 3]'],
    ['[1, 2.5]', '[1.0, 2.5]'],
    ['["a", "b"]', '["a", "b"]'],
    ['int(3.9)', '3'],
    ['int(-3.9)', '-3'],
    ['int("42")', '42'],
    ['float("2.5")', '2.5'],
    ['str(1.5) + str(2)', '"1.52"'],
    ['abs(-3)', '3'],
    ['min(2, 3.5)', '2.0'],
    ['max(2, 3)', '3'],
    ['sqrt(16)', '4.0'],
    ['pow(2.0, 10.0)', '1024.0'],
    ['floor(2.7) + ceil(2.1)', '5.0'],
    ['substr("hello", 1, 3)', '"el"'],
  ])('%s → %s', (code, expected) => {
    expect(k.ok(code)).toBe(expected);
  });

  test('print writes values space-separated, strings raw', () => {
    expect(k.run('print(1, 2.5, true, "s", [1], "a\\nb")').stdout).toBe('1 2.5 true s [1] a\nb\n');
    expect(k.run('print()').stdout).toBe('\n');
    expect(k.run('eprint("oops", 1)').stderr).toBe('oops 1\n');
  });

  test('long arrays show the first and last 50 elements and the length', () => {
    const text = k.ok('let v: [int] = []\nfor i in 0..1000 { push(v, i) }\nv');
    const head = Array.from({ length: 50 }, (_, i) => i).join(', ');
    const tail = Array.from({ length: 50 }, (_, i) => 950 + i).join(', ');
    expect(text).toBe(`[${head}, ..., ${tail}] (len 1000)`);
  });

  test('structs print with their fields, int promoted to float', () => {
    k.ok('struct Point { x: float, y: float }');
    expect(k.ok('let p = Point { x: 1, y: 2.5 }\np')).toBe('Point { x: 1.0, y: 2.5 }');
    expect(k.ok('p.x = 3\np.x + p.y')).toBe('5.5');
  });

  test('a struct can contain itself through an array (trees, lists); a cycle prints as ...', () => {
    const code = `
struct Tree { value: int, children: [Tree] }
fn total(t: Tree) -> int {
    let sum = t.value
    for c in t.children { sum += total(c) }
    return sum
}
let root = Tree { value: 1, children: [Tree { value: 2, children: [] }, Tree { value: 3, children: [] }] }
print(total(root))
root`;
    const r = k.run(code);
    expect(r.stdout).toBe('6\n');
    expect(r.result).toBe('Tree { value: 1, children: [Tree { value: 2, children: [] }, Tree { value: 3, children: [] }] }');
    expect(k.ok('push(root.children, root)\nroot')).toBe(
      'Tree { value: 1, children: [Tree { value: 2, children: [] }, Tree { value: 3, children: [] }, ...] }',
    );
  });

  test('arrays have reference semantics', () => {
    expect(k.ok('let a = [1, 2]\nlet b = a\npush(b, 3)\na')).toBe('[1, 2, 3]');
    expect(k.ok('let f = fill(3, 1.5)\nf[1] = 0\nf')).toBe('[1.5, 0.0, 1.5]');
    expect(k.ok('pop(a)')).toBe('3');
  });

  test('control flow: if/else if, while, for, break, continue', () => {
    const code = `
fn classify(n: int) -> str {
    if n < 0 { return "neg" } else if n == 0 { return "zero" } else { return "pos" }
}
let s = 0
for i in 0..10 {
    if i == 3 { continue }
    if i == 8 { break }
    s += i
}
let w = 0
while w < 5 { w += 2 }
let total = 0.0
for x in [1.5, 2.5] { total += x }
print(classify(-1), classify(0), classify(5), s, w, total)`;
    expect(k.run(code).stdout).toBe('neg zero pos 25 6 4.0\n');
  });
});

describe('runtime errors', () => {
  let k: TestSession;
  beforeAll(() => {
    k = new TestSession();
  });

  test.each([
    ['1 / 0', 'ZeroDivisionError: integer division or modulo by zero'],
    ['5 % 0', 'ZeroDivisionError: integer division or modulo by zero'],
    ['[1, 2, 3][10]', 'IndexError: index 10 out of range for length 3'],
    ['[1, 2, 3][-1]', 'IndexError: index -1 out of range for length 3'],
    ['let e: [int] = []\npop(e)', 'IndexError: pop from empty array'],
    ['int("abc")', 'ValueError: invalid literal for int(): "abc"'],
    ['assert(1 > 2, "math is broken")', 'AssertionError: math is broken'],
  ])('%s → %s', (code, expected) => {
    expect(k.run(code).error).toBe(expected);
  });

  test('the traceback names functions with cell and line, innermost last', () => {
    k.ok('fn div(a: int, b: int) -> int {\n    return a / b\n}');
    const r = k.run('let q = 1\ndiv(q, 0)');
    expect(r.outcome.status).toBe('error');
    const tb = r.outcome.status === 'error' ? r.outcome.traceback : [];
    expect(tb[tb.length - 1]).toBe('ZeroDivisionError: integer division or modulo by zero');
    const frames = tb.filter((l) => l.startsWith('  cell'));
    expect(frames[frames.length - 2]).toMatch(/^ {2}cell \d+, line 2, in <cell>$/);
    expect(frames[frames.length - 1]).toMatch(/^ {2}cell \d+, line 2, in div$/);
  });

  test('runaway recursion is a RecursionError and the session survives', () => {
    k.ok('fn down(n: int) -> int { return down(n + 1) + 1 }');
    const r = k.run('down(0)');
    expect(r.error).toBe('RecursionError: maximum recursion depth exceeded');
    // The repeated frame is shown three times, then counted (as Python does).
    const tb = r.outcome.status === 'error' ? r.outcome.traceback : [];
    expect(tb).toHaveLength(7);
    expect(tb[1]).toMatch(/^ {2}cell \d+, line 1, in <cell>$/);
    expect(tb[2]).toMatch(/^ {2}cell \d+, line 1, in down$/);
    expect(tb.slice(3, 5)).toEqual([tb[2], tb[2]]);
    expect(tb[5]).toBe('  [Previous line repeated 9996 more times]');
    expect(k.ok('fn up(n: int) -> int { if n == 0 { return 0 } return up(n - 1) + 1 }\nup(5000)')).toBe('5000');
  });

  test('a function reading an array or struct global before its let ran is a NameError', () => {
    const r = k.run('fn early() -> int { return len(notYet) }\nprint(early())\nlet notYet = [1, 2]');
    expect(r.error).toBe('NameError: global `notYet` is used before its `let` has run');
    expect(k.ok('let notYet = [1, 2]\nearly()')).toBe('2');
  });

  test('a runtime error keeps what the cell did before it', () => {
    const r = k.run('let before = 41\nprint("first")\nbefore = before + 1\nlet bad = 1 / 0\nprint("never")');
    expect(r.stdout).toBe('first\n');
    expect(r.error).toMatch(/^ZeroDivisionError/);
    expect(k.ok('before')).toBe('42');
  });
});

describe('compile errors', () => {
  let k: TestSession;
  beforeAll(() => {
    k = new TestSession();
  });

  test('a failed compile defines nothing', () => {
    k.ok('let kept = 1\nfn keep() -> int { return 1 }');
    for (const bad of [
      'let kept = 2\nfn keep() -> int { return 2 }\nlet extra = 3\nlet oops = nope',
      'let kept = 2\nfn keep() -> int { return 2 }\nlet extra = 3\nlet oops = 1 + "s"',
      'let kept = 2\nfn keep() -> int { return 2 }\nlet extra = 3\nlet oops = (1',
    ]) {
      expect(k.run(bad).outcome.status).toBe('error');
      expect(k.ok('kept')).toBe('1');
      expect(k.ok('keep()')).toBe('1');
      expect(k.run('extra').error).toMatch(/^NameError/);
    }
  });

  test('errors carry cell, line, column, source line and a caret', () => {
    const r = k.run('let x = 1\nlet y = x + "a"');
    expect(r.outcome.status).toBe('error');
    if (r.outcome.status !== 'error') return;
    expect(r.outcome.ename).toBe('TypeError');
    expect(r.outcome.traceback[0]).toMatch(/^cell \d+, line 2, col \d+$/);
    expect(r.outcome.traceback[1]).toBe('    let y = x + "a"');
    expect(r.outcome.traceback[2]).toMatch(/^ {4}\s*\^+$/);
  });

  test('absurdly deep nesting is a SyntaxError, not a crash', () => {
    expect(k.run('('.repeat(100000) + '1' + ')'.repeat(100000)).error).toBe('SyntaxError: the cell is nested too deeply to compile');
    expect(k.run('let x = ' + '-'.repeat(100000) + '1').error).toBe('SyntaxError: the cell is nested too deeply to compile');
    expect(k.ok('(((1 + 2)))')).toBe('3');
  });

  test('an unknown C symbol is an error naming it', () => {
    const r = k.run('extern fn no_such_symbol_here(x: int) -> int');
    expect(r.error).toMatch(/no_such_symbol_here/);
    expect(k.run('extern fn uv_default_loop() -> int').error).toMatch(/uv_default_loop/);
  });
});

describe('session semantics and redefinition', () => {
  let k: TestSession;
  beforeAll(() => {
    k = new TestSession();
  });

  test('globals are shared by later cells and by functions', () => {
    k.ok('let counter = 10\nfn bump() { counter += 1 }');
    k.ok('bump()\nbump()');
    expect(k.ok('counter')).toBe('12');
  });

  test('same-signature redefinition reaches earlier callers', () => {
    k.ok('fn f() -> int { return 1 }');
    k.ok('fn g() -> int { return f() * 10 }');
    expect(k.ok('g()')).toBe('10');
    k.ok('fn f() -> int { return 2 }');
    expect(k.ok('g()')).toBe('20');
  });

  test('a different signature makes a new function; old callers keep the old one', () => {
    k.ok('fn h(x: int) -> int { return x + 1 }');
    k.ok('fn callH() -> int { return h(1) }');
    k.ok('fn h(x: float) -> float { return x * 100.0 }');
    expect(k.ok('callH()')).toBe('2');
    expect(k.ok('h(2)')).toBe('200.0');
  });

  test('re-declared globals: same type reassigns, different type is a new global', () => {
    k.ok('let g1 = 5\nfn readG1() -> int { return g1 }');
    k.ok('let g1 = 6');
    expect(k.ok('readG1()')).toBe('6');
    k.ok('let g1 = "text"');
    expect(k.ok('readG1()')).toBe('6');
    expect(k.ok('g1')).toBe('"text"');
  });

  test('struct redefinition: same fields is the same type, different fields a new one', () => {
    k.ok('struct P { a: int }\nlet p1 = P { a: 1 }\nfn getA(p: P) -> int { return p.a }');
    k.ok('struct P { a: int }');
    expect(k.ok('getA(p1)')).toBe('1');
    k.ok('struct P { a: int, b: int }');
    expect(k.ok('P { a: 1, b: 2 }')).toBe('P { a: 1, b: 2 }');
    expect(k.run('getA(P { a: 1, b: 2 })').error).toMatch(/^TypeError/);
  });

  test('functions of one cell call each other in any order', () => {
    const code = `
fn isEven(n: int) -> bool { if n == 0 { return true } return isOdd(n - 1) }
fn isOdd(n: int) -> bool { if n == 0 { return false } return isEven(n - 1) }
isEven(10)`;
    expect(k.ok(code)).toBe('true');
  });

  test('extern fn binds C functions', () => {
    expect(k.ok('extern fn hypot(x: float, y: float) -> float\nhypot(3, 4)')).toBe('5.0');
    expect(k.ok('extern fn strlen(s: str) -> int\nstrlen("four")')).toBe('4');
  });

  test('random is repeatable with seed', () => {
    const a = k.ok('seed(7)\nrandom()');
    const b = k.ok('seed(7)\nrandom()');
    expect(a).toBe(b);
    expect(Number(a)).toBeGreaterThanOrEqual(0);
    expect(Number(a)).toBeLessThan(1);
  });
});

describe('interrupt', () => {
  test('an infinite loop ends with KeyboardInterrupt and the session is kept', () => {
    const k = new TestSession();
    const flag = k.interruptFlag;
    k.ok('let kept = 7');
    const setter = interruptAfter(flag, 200);
    const r = k.run('let n = 0\nwhile true { n += 1 }');
    void setter.terminate();
    expect(r.error).toBe('KeyboardInterrupt: interrupted');
    expect(k.ok('kept')).toBe('7');
    expect(Atomics.load(flag, 0)).toBe(0);
  });
});

describe('memory', () => {
  test('10 million short-lived arrays are reclaimed', () => {
    const k = new TestSession();
    const before = process.memoryUsage().rss;
    expect(k.ok('let keep = 0\nfor i in 0..10000000 {\n    let a = [i, i + 1]\n    keep += a[1] - a[0]\n}\nkeep')).toBe('10000000');
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
  });
});

describe('workloads', () => {
  const workload = (name: string) =>
    require('node:fs').readFileSync(require('node:path').join(__dirname, '..', 'bench', 'workloads', `${name}.kiln`), 'utf8');

  test.each([
    ['fib', '39088169\n'],
    ['mandelbrot', '69002448\n'],
    ['sieve', '148933\n'],
  ])('%s', (name, expected) => {
    expect(new TestSession().run(workload(name)).stdout).toBe(expected);
  });

  test('nbody', () => {
    const lines = new TestSession().run(workload('nbody')).stdout.trim().split('\n');
    expect(lines.map((l) => Number(l).toFixed(9))).toEqual(['-0.169075164', '-0.169026286']);
  });
});
