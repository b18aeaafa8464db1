// A function calling itself: a direct call that %opt 2 turns into loops (tail calls) and
// inlines into itself a few levels deep (native/src/self-inline.cc), or, if it calls nothing
// but itself, unrolls as a tree under one check (recursion-unroll.cc). Every guarantee of a
// call must hold at each level: the same answers, RecursionError at the same depth
// (counted as the calls are written), the same tracebacks, interrupts, and an `eval`
// redefinition reaching the next call (lower.ts finishRedefinedPath).
import { RECURSION_LIMIT } from '../kernel/engine/runtime-abi';
import { interruptAfter, TestSession } from './support/engine';

const LEVELS = [0, 2, 3];

function at(level: number): TestSession {
  const k = new TestSession();
  k.ok(`%opt ${level}`);
  return k;
}

/** A traceback's frames, the cell numbers left out. */
function frames(r: ReturnType<TestSession['run']>): string[] {
  return r.outcome.status === 'error' ? r.outcome.traceback.slice(1, -1).map((l) => l.replace(/cell \d+/, 'cell N')) : [];
}


describe.each(LEVELS)('at %%opt %d', (level) => {
  test('recursive functions give the same answers', () => {
    const k = at(level);
    k.ok('fn fib(n: int) -> int {\n    if n < 2 { return n }\n    return fib(n - 1) + fib(n - 2)\n}');
    expect(k.ok('fib(25)')).toBe('75025');
    k.ok('fn ack(m: int, n: int) -> int {\n    if m == 0 { return n + 1 }\n    if n == 0 { return ack(m - 1, 1) }\n    return ack(m - 1, ack(m, n - 1))\n}');
    expect(k.ok('ack(2, 3)')).toBe('9');
    k.ok('fn halves(x: float) -> float { if x < 1.0 { return x } return halves(x / 2.0) + 1.0 }');
    expect(k.ok('halves(100.0)')).toBe('7.78125');
    k.ok('fn walk(n: int) { if n == 0 { return } walk(n - 1)\n print(n) }');
    expect(k.run('walk(4)').stdout).toBe('1\n2\n3\n4\n');
    k.ok('fn total(xs: [int], i: int) -> int { if i == len(xs) { return 0 } return xs[i] + total(xs, i + 1) }');
    expect(k.ok('total([5, 6, 7, 8], 0)')).toBe('26');
    // ffib and visit are unrolled at %opt 2 and 3 (they call nothing but themselves); halfsum is too large.
    k.ok('fn ffib(x: float) -> float { if x < 2.0 { return x } return ffib(x - 1.0) + ffib(x - 2.0) }');
    expect(k.ok('ffib(20.0)')).toBe('6765.0');
    k.ok('fn halfsum(xs: [int], lo: int, hi: int) -> int { if hi - lo == 1 { return xs[lo] } let mid = (lo + hi) / 2\n return halfsum(xs, lo, mid) + halfsum(xs, mid, hi) }');
    expect(k.ok('halfsum([1, 2, 3, 4, 5, 6, 7, 8, 9], 0, 9)')).toBe('45');
    k.ok('let visits = 0\nfn visit(n: int) { visits += 1\n if n == 0 { return } visit(n - 1)\n visit(n - 1) }');
    k.ok('visit(10)');
    expect(k.ok('visits')).toBe('2047');
  });

  test.each([
    ['non-tail', 'fn deep(n: int) -> int { if n == 0 { return 0 } return 1 + deep(n - 1) }'],
    ['tail', 'fn deep(n: int) -> int { if n == 0 { return 0 } return deep(n - 1) }'],
    ['two calls', 'fn deep(n: int) -> int { if n == 0 { return 0 } return deep(n - 1) + deep(0) }'],
  ])('RecursionError at the same depth, counted as written (%s)', (_, source) => {
    const k = at(level);
    k.ok(source);
    // The cell is frame 1; deep(n) .. deep(0) are n + 1 more: the limit is 10,000 frames.
    expect(k.run('deep(9998)').error).toBeUndefined();
    expect(k.run('deep(9999)').error).toBe('RecursionError: maximum recursion depth exceeded');
  });

  test('RecursionError at the same depth whatever depth an unrolled recursion starts at', () => {
    // deep is unrolled at %opt 2 and 3 (five levels under one check): started at six
    // depths in a row, the deepest frame falls on each level of the copies in turn.
    const k = at(level);
    k.ok('fn deep(n: int) -> int { if n == 0 { return 0 } return deep(n - 1) + deep(0) }');
    k.ok('fn via(k: int, n: int) -> int { if k == 0 { return deep(n) } return via(k - 1, n) }');
    for (let start = 0; start < 6; start++) {
      // The cell is frame 1, via(start) .. via(0) are frames 2 .. start + 2, deep(n) .. deep(0) the next n + 1.
      expect([start, k.run(`via(${start}, ${9997 - start})`).error]).toEqual([start, undefined]);
      expect([start, k.run(`via(${start}, ${9998 - start})`).error]).toEqual([start, 'RecursionError: maximum recursion depth exceeded']);
    }
  });

  test('an error deep in the recursion has the full Kiln traceback', () => {
    const k = at(level);
    k.ok('fn f(n: int) -> int {\n    if n == 0 {\n        return 1 / n\n    }\n    return f(n - 1) + 1\n}');
    const r = k.run('f(5)');
    expect(r.error).toBe('ZeroDivisionError: integer division or modulo by zero');
    expect(frames(r)).toEqual([
      '  cell N, line 1, in <cell>',
      '  cell N, line 5, in f',
      '  cell N, line 5, in f',
      '  cell N, line 5, in f',
      '  [Previous line repeated 2 more times]',
      '  cell N, line 3, in f',
    ]);
  });

  test('an error deep in a function calling itself twice has the full Kiln traceback', () => {
    // g is unrolled at %opt 2 and 3: g(5)'s call runs g(4) .. g(0) as inlined copies.
    const k = at(level);
    k.ok('fn g(n: int) -> int {\n    if n == 0 {\n        return 1 / n\n    }\n    return g(n - 1) + g(n - 1)\n}');
    for (const n of [5, 7]) {
      const r = k.run(`g(${n})`);
      expect(r.error).toBe('ZeroDivisionError: integer division or modulo by zero');
      expect(frames(r)).toEqual([
        '  cell N, line 1, in <cell>',
        '  cell N, line 5, in g',
        '  cell N, line 5, in g',
        '  cell N, line 5, in g',
        `  [Previous line repeated ${n - 3} more times]`,
        '  cell N, line 3, in g',
      ]);
    }
  });

  test('an error deep in a function calling itself from two lines has the full Kiln traceback', () => {
    // h stores its calls' locations; at %opt 2 and 3 the copies do, at their own depths.
    const k = at(level);
    k.ok('fn h(n: int) -> int {\n    if n == 0 { return 1 / n }\n    let a = h(n - 1)\n    return a + h(n - 1)\n}');
    expect(frames(k.run('h(6)'))).toEqual([
      '  cell N, line 1, in <cell>',
      '  cell N, line 3, in h',
      '  cell N, line 3, in h',
      '  cell N, line 3, in h',
      '  [Previous line repeated 3 more times]',
      '  cell N, line 2, in h',
    ]);
  });

  test('a deep recursion without loops is interrupted and the session is kept', () => {
    const k = at(level);
    k.ok('let kept = 7\nfn fib(n: int) -> int {\n    if n < 2 { return n }\n    return fib(n - 1) + fib(n - 2)\n}');
    const setter = interruptAfter(k.interruptFlag, 200);
    const r = k.run('fib(90)');
    void setter.terminate();
    expect(r.error).toBe('KeyboardInterrupt: interrupted');
    const tb = r.outcome.status === 'error' ? r.outcome.traceback : [];
    expect(tb.some((l) => / in fib$/.test(l))).toBe(true);
    expect(k.ok('kept')).toBe('7');
    expect(Array.from(k.interruptFlag)).toEqual([0, RECURSION_LIMIT]);
    // The call limit is back: the recursion limit is where it was.
    k.ok('fn deep(n: int) -> int { if n == 0 { return 0 } return 1 + deep(n - 1) }');
    expect(k.run('deep(9998)').error).toBeUndefined();
    expect(k.run('deep(9999)').error).toBe('RecursionError: maximum recursion depth exceeded');
  });

  test('an eval deep in the recursion redefines the function for the next call at every level', () => {
    const k = at(level);
    for (const n of [1, 2, 3, 5, 9]) {
      k.ok(`fn selfie(n: int) -> int { if n == 0 { return 0 } if n == ${n} { eval("fn selfie(n: int) -> int { return 1000 }") } return 1 + selfie(n - 1) }`);
      // The n - 1 calls above the eval add 1 each; the eval's caller adds 1 to the new body.
      expect(k.ok('selfie(12)')).toBe(String(1013 - n));
      expect(Array.from(k.interruptFlag)).toEqual([0, RECURSION_LIMIT]);
    }
  });

  test.each([
    ['another function', 'fn redefine(n: int) { if n == 3 { eval(NEW) } }', 'redefine(n)'],
    ['a function value', 'let redefine = fn(n: int) { if n == 3 { eval(NEW) } }', 'redefine(n)'],
    ['map', 'fn redefine(n: int) -> int { if n == 3 { eval(NEW) } return n }', 'map([n], redefine)'],
  ])('an eval reached through %s redefines the function for its next call', (_, helper, call) => {
    const k = at(level);
    const NEW = '"fn walk(n: int) -> int { return 1000 }"';
    k.ok(helper.replace('NEW', NEW));
    k.ok(`fn walk(n: int) -> int { if n == 0 { return 0 } ${call}\n return 1 + walk(n - 1) }`);
    // walk(5), walk(4) and walk(3) add 1 each; walk(3)'s call of walk(2) runs the new body.
    expect(k.ok('walk(5)')).toBe('1003');
  });
});

test('only a function that may run other Kiln code checks its slot at entry', () => {
  // fib runs no Kiln code but its own, so no eval can redefine it while it runs: its
  // entries have no path that calls its slot (lower.ts finishRedefinedPath).
  const k = at(2);
  const irOf = (source: string): string => {
    const shown = k.run(`%ir\n${source}`).outputs[0];
    return shown.type === 'display' ? String(shown.data['text/plain']) : '';
  };
  expect(irOf('fn fib(n: int) -> int {\n    if n < 2 { return n }\n    return fib(n - 1) + fib(n - 2)\n}')).not.toMatch(/call i64 %\d+\(/);
  k.ok('fn noop(n: int) { }');
  expect(irOf('fn fib2(n: int) -> int {\n    if n < 2 { return n }\n    noop(n)\n    return fib2(n - 1) + fib2(n - 2)\n}')).toMatch(/call i64 %\d+\(/);
});

describe.each(LEVELS)('a function whose self-calls record no location (lower.ts settleSelfCalls), at %%opt %d', (level) => {
  const F = 'fn f(n: int, xs: [int]) -> int {\n    if n == 0 {\n        return xs[9]\n    }\n    return f(n - 1, xs) + 1\n}';
  const G = 'fn g(n: int) -> int {\n    let xs = [1]\n    return f(n, xs)\n}';

  test('its callers\' frames and its own are told apart', () => {
    const k = at(level);
    k.ok(F);
    k.ok(G);
    const r = k.run('g(3)');
    expect(r.error).toBe('IndexError: index 9 out of range for length 1');
    expect(frames(r)).toEqual([
      '  cell N, line 1, in <cell>',
      '  cell N, line 3, in g',
      '  cell N, line 5, in f',
      '  cell N, line 5, in f',
      '  cell N, line 5, in f',
      '  cell N, line 3, in f',
    ]);
  });

  test('the marks of the frames an error unwound do not outlive it', () => {
    // g(3) leaves f's outside entry marked at depth 3 when the error unwinds it, and g's
    // location at depth 2: f(6, [1]) then runs self-calls through both depths.
    const k = at(level);
    k.ok(F);
    k.ok(G);
    expect(k.run('g(3)').error).toMatch(/^IndexError/);
    expect(frames(k.run('f(6, [1])'))).toEqual([
      '  cell N, line 1, in <cell>',
      '  cell N, line 5, in f',
      '  cell N, line 5, in f',
      '  cell N, line 5, in f',
      '  [Previous line repeated 3 more times]',
      '  cell N, line 3, in f',
    ]);
  });

  test('a RecursionError at its entry names the caller: itself, or another function', () => {
    const k = at(level);
    k.ok('fn deep(n: int) -> int {\n    if n == 0 { return 0 }\n    return 1 + deep(n - 1)\n}');
    expect(frames(k.run('deep(10000)'))).toEqual([
      '  cell N, line 1, in <cell>',
      '  cell N, line 3, in deep',
      '  cell N, line 3, in deep',
      '  cell N, line 3, in deep',
      '  [Previous line repeated 9996 more times]',
    ]);
    // h(9998) runs at depths 2 to 10000; its last frame calls deep(0) at depth 10001.
    k.ok('fn h(n: int) -> int {\n    if n == 0 { return deep(0) }\n    return h(n - 1) + 0\n}');
    const r = k.run('h(9998)');
    expect(r.error).toBe('RecursionError: maximum recursion depth exceeded');
    expect(frames(r).at(-1)).toBe('  cell N, line 2, in h');
  });

  test('its IR stores no location for its self-calls, and its slot holds an entry that marks the depth', () => {
    const k = at(level);
    const shown = k.run('%ir\nfn fib(n: int) -> int {\n    if n < 2 { return n }\n    return fib(n - 1) + fib(n - 2)\n}').outputs[0];
    const ir = shown.type === 'display' ? String(shown.data['text/plain']) : '';
    const body = ir.slice(ir.indexOf('define'), ir.indexOf('\n}', ir.indexOf('define')));
    expect(body).not.toMatch(/store i32 \d+, i32\* %/);
    expect(ir).toMatch(/define dso_local i64 @fib\.v\d+\.outside\(/);
    expect(k.ok('fib(20)')).toBe('6765');
  });
});

test('after a redefinition by eval, the cell still stops on an interrupt', () => {
  const k = at(2);
  k.ok('fn step() -> int { return 1 }');
  const setter = interruptAfter(k.interruptFlag, 200);
  const r = k.run('eval("fn step() -> int { return 2 }")\nlet n = 0\nwhile true { n += step() }');
  void setter.terminate();
  expect(r.error).toBe('KeyboardInterrupt: interrupted');
  expect(Atomics.load(k.interruptFlag, 0)).toBe(0);
  expect(k.ok('step()')).toBe('2');
});

/** The optimized IR of a cell defining one function at %opt 2, and that function's body. */
function irAtOpt2(source: string): { ir: string; body: string; name: string } {
  const k = at(2);
  const shown = k.run(`%ir\n${source}`).outputs[0];
  const ir = shown.type === 'display' ? String(shown.data['text/plain']) : '';
  const body = ir.slice(ir.indexOf('define'), ir.indexOf('\n}', ir.indexOf('define')));
  return { ir, body, name: /@(\w+\.v\d+)\(/.exec(body)![1] };
}

const callsOf = (body: string, name: string): number => (body.match(new RegExp(`call (fastcc )?i64 @${name.replace('.', '\\.')}\\(`, 'g')) ?? []).length;

test('at %opt 2 fib is unrolled five levels deep under one entry check (native/src/recursion-unroll.cc)', () => {
  const { ir, body, name } = irAtOpt2('fn fib(n: int) -> int {\n    if n < 2 { return n }\n    return fib(n - 1) + fib(n - 2)\n}');
  // 2 + 4 + 8 + 16 + 32 copies; the 32 at the last level call fib twice each.
  expect(callsOf(body, name)).toBe(64);
  // The one check: the limit is read once, and a call past it goes to the function as lowered.
  expect(body.match(/load volatile/g)).toHaveLength(1);
  expect(callsOf(body, `${name}.exact`)).toBe(1);
  const exact = ir.slice(ir.indexOf(`@${name}.exact(`) - 40);
  expect(exact).toMatch(new RegExp(`define internal fastcc i64 @${name.replace('.', '\\.')}\\.exact\\(`));
  expect(exact).toMatch(/call void @kiln_call_refused\(/);
});

test.each([
  ['fib', 'fn fib(n: int) -> int {\n    if n < 2 { return n }\n    return fib(n - 1) + fib(n - 2)\n}', true],
  ['a float', 'fn ffib(x: float) -> float { if x < 2.0 { return x } return ffib(x - 1.0) + ffib(x - 2.0) }', true],
  ['no value, a global', 'let visits = 0\nfn visit(n: int) { visits += 1\n if n == 0 { return } visit(n - 1)\n visit(n - 1) }', true],
  ['two lines and a division', 'fn h(n: int) -> int {\n    if n == 0 { return 1 / n }\n    let a = h(n - 1)\n    return a + h(n - 1)\n}', true],
  ['too large', 'fn halfsum(xs: [int], lo: int, hi: int) -> int { if hi - lo == 1 { return xs[lo] } let mid = (lo + hi) / 2\n return halfsum(xs, lo, mid) + halfsum(xs, mid, hi) }', false],
  ['one self-call', 'fn deep(n: int) -> int { if n == 0 { return 0 } return 1 + deep(n - 1) }', false],
  ['a print', 'fn walk(n: int) { if n == 0 { return } walk(n - 1)\n print(n)\n walk(n - 1) }', false],
])('at %%opt 2, unrolled under one check or not: %s', (_, source, unrolled) => {
  // The tests above that use these functions at %opt 2 and 3 run the unrolled code.
  const { ir } = irAtOpt2(source);
  expect(/\.exact\(/.test(ir)).toBe(unrolled);
});

test('at %opt 2 a recursive function that calls anything else is inlined into itself, its tail call a loop', () => {
  // print() makes fibp ineligible for unrolling: native/src/self-inline.cc inlines it instead.
  const { body, name } = irAtOpt2('fn fibp(n: int) -> int {\n    if n < 2 {\n        print(n)\n        return n\n    }\n    return fibp(n - 1) + fibp(n - 2)\n}');
  // One call of itself is left, inside nested loops (one accumulator per level: without
  // the inlining there is one loop, and at %opt 0 two calls and no loop).
  expect(callsOf(body, name)).toBe(1);
  expect((body.match(/%accumulator\.tr\S* = phi/g) ?? []).length).toBeGreaterThanOrEqual(2);
});
