// The compile path's quick ways (issue 16 item 5) give the same answers and the same
// errors at every optimisation level: at %opt 0 an `unreachable` is not a trap (so that
// fast instruction selection compiles whole functions) and LLVM's pipeline is skipped; a
// cell's symbols are looked up all at once; eval in a loop compiles one module per call.
import { interruptAfter, TestSession } from './support/engine';

/** `count` small distinct functions and one expression calling each, and its value. */
function manyFunctions(count: number): { code: string; expected: string } {
  const fns: string[] = [];
  const calls: string[] = [];
  let expected = 0;
  for (let k = 0; k < count; k++) {
    fns.push(`fn f${k}(x: int) -> int {\n  let y = x * ${k + 2} % 1000\n  if y > 500 { return y - ${k} }\n  return y + ${k}\n}`);
    calls.push(`f${k}(${k + 1})`);
    const y = ((k + 1) * (k + 2)) % 1000;
    expected += y > 500 ? y - k : y + k;
  }
  return { code: `${fns.join('\n')}\n${calls.join(' + ')}`, expected: String(expected) };
}

function session(level: number): TestSession {
  const k = new TestSession();
  k.ok(`%opt ${level}`);
  return k;
}

/** The traceback lines of a failed cell, without the first ("Traceback ...") line. */
function traceback(k: TestSession, code: string): string[] {
  const r = k.run(code);
  if (r.outcome.status !== 'error') throw new Error(`expected an error from:\n${code}`);
  return r.outcome.traceback.slice(1);
}

describe.each([0, 2])('compiling at %%opt %i', (level) => {
  test('a cell of 50 functions and a call of each: its value, and each function again after', () => {
    const k = session(level);
    const { code, expected } = manyFunctions(50);
    expect(expected).toBe('19331');
    expect(k.ok(code)).toBe(expected);
    expect(k.ok('f0(1) + f49(50)')).toBe(String(2 + (550 - 49)));
    // Run again, the cell redefines all 50 with the same signatures.
    expect(k.ok(code)).toBe(expected);
  });

  test('a cell of 50 functions whose last has a type error defines none of them', () => {
    const k = session(level);
    const { code } = manyFunctions(50);
    const r = k.run(`${code.slice(0, code.lastIndexOf('\n'))}\nfn bad() -> int { return "x" }`);
    expect(r.error).toBe('TypeError: expected `int`, found `str`');
    expect(k.run('f0(1)').error).toBe('NameError: unknown function `f0` — did you mean `fmt`?');
  });

  test('a cell of definitions only has nothing to run: no result, no output; what it defines is there', () => {
    const k = session(level);
    const r = k.run('fn one() -> int { return 1 }\nstruct Pair { a: int, b: int }\nfn total(p: Pair) -> int { return p.a + p.b + one() }');
    expect(r.outcome).toEqual({ status: 'ok' });
    expect(r.outputs).toEqual([]);
    expect(k.ok('total(Pair { a: 2, b: 3 })')).toBe('6');
    expect(k.ok('eval("fn two() -> int { return 2 }")')).toBe('""');
    expect(k.ok('two()')).toBe('2');
  });

  test('%ir name shows each function of 100 defined by eval (their IR is kept in batches), and of a redefinition', () => {
    const k = session(level);
    k.ok('for i in 0..100 { eval("fn k" + str(i) + "(x: int) -> int { return x * " + str(1000 + i) + " }") }');
    const shown = (name: string) =>
      k.run(`%ir ${name}`).outputs.map((o) => (o.type === 'display' ? String(o.data['text/plain']) : '')).join('');
    for (const i of [0, 31, 32, 63, 64, 99]) expect(shown(`k${i}`)).toMatch(new RegExp(`^define dso_local i64 @k${i}\\.v\\d+[\\s\\S]*mul i64 %\\d+, ${1000 + i}\\b`));
    k.ok('eval("fn k31(x: int) -> int { return x * 77 }")');
    expect(shown('k31')).toMatch(/mul i64 %\d+, 77\b/);
    expect(k.ok('k31(2) + k99(1)')).toBe(String(154 + 1099));
  });

  test('integer constants (made once per value and reused by later cells) keep their values', () => {
    const k = session(level);
    const cell = 'fn c() -> [int] { return [0, 1, -1, 4503599627370495, -4503599627370496, 4503599627370496, 9223372036854775807, -9223372036854775807 - 1, (-9223372036854775807 - 1) / -1, 7 % -3] }\nc()';
    const expected = '[0, 1, -1, 4503599627370495, -4503599627370496, 4503599627370496, 9223372036854775807, -9223372036854775808, -9223372036854775808, 1]';
    expect(k.ok(cell)).toBe(expected);
    expect(k.ok(cell)).toBe(expected);
    expect(k.ok('eval("fn d() -> int { return -1 + 4503599627370496 }")\n0')).toBe('0');
    expect(k.ok('d() + c()[1]')).toBe('4503599627370496');
  });

  test('eval in a loop defines functions, each callable at once and by later cells', () => {
    const k = session(level);
    const defined = k.ok(`let total = 0
for i in 0..40 {
    eval("fn ev" + str(i) + "(x: int) -> int { return x * 2 + " + str(i) + " }")
    total += int(eval("ev" + str(i) + "(1)"))
}
total`);
    expect(defined).toBe(String(40 * 2 + (39 * 40) / 2));
    expect(k.ok('ev0(1) + ev39(1)')).toBe(String(2 + 41));
  });

  test('module after module of different shapes (floats, strings, globals, loops, a failure between) each gives its answer', () => {
    // At %opt 0 one codegen pipeline serves every module (native/src/jit.cc LevelCompiler).
    const k = session(level);
    for (let i = 0; i < 30; i++) {
      expect(k.ok(`fn fl${i}(x: float) -> float { return x * ${i}.5 + 0.25 }\nfl${i}(2.0)`)).toBe(String(2 * (i + 0.5) + 0.25));
      expect(k.ok(`let s${i} = "ab" + str(${i} * 7)\ns${i} + "!"`)).toBe(`"ab${i * 7}!"`);
      expect(k.ok(`let t${i} = 0\nfor j in 0..${i} { t${i} += j }\nt${i}`)).toBe(String((i * (i - 1)) / 2));
      if (i % 10 === 0) expect(k.run(`fl${i}(1.0)\n[1][${i + 1}]`).outcome.status).toBe('error');
    }
    expect(k.ok('fl3(2.0) + fl29(0.0)')).toBe('7.5');
    expect(k.ok('s4 + s29')).toBe('"ab28ab203"');
  });

  test('a redefinition by eval in a loop reaches the earlier caller at each step', () => {
    const k = session(level);
    k.ok('fn step() -> int { return 0 }\nfn callStep() -> int { return step() }');
    expect(k.ok(`let seen = ""
for i in 1..6 {
    eval("fn step() -> int { return " + str(i * i) + " }")
    seen = seen + str(callStep()) + " "
}
seen`)).toBe('"1 4 9 16 25 "');
  });

  test('an eval whose source fails to compile defines nothing, and the loop goes on', () => {
    const k = session(level);
    expect(k.run('for i in 0..3 { eval("fn half" + str(i) + "(x: int) -> int { return x / }") }').error).toMatch(/^EvalError: SyntaxError: /);
    expect(k.run('half0(4)').error).toBe('NameError: unknown function `half0`');
    k.ok('for i in 0..3 { eval("fn half" + str(i) + "(x: int) -> int { return x / 2 }") }');
    expect(k.ok('half0(9) + half2(5)')).toBe('6');
  });

  test('errors raised by the code keep their kind, message and traceback', () => {
    const k = session(level);
    k.ok('fn down(n: int) -> int {\n  return down(n + 1)\n}');
    expect(traceback(k, 'down(0)')).toEqual([
      '  cell 3, line 1, in <cell>',
      '  cell 2, line 2, in down',
      '  cell 2, line 2, in down',
      '  cell 2, line 2, in down',
      '  [Previous line repeated 9996 more times]',
      'RecursionError: maximum recursion depth exceeded',
    ]);
    k.ok('fn divide(a: int, b: int) -> int {\n  return a / b\n}\nfn pick(xs: [int], i: int) -> int {\n  return xs[i]\n}');
    expect(traceback(k, 'divide(1, 0)').slice(-2)).toEqual(['  cell 4, line 2, in divide', 'ZeroDivisionError: integer division or modulo by zero']);
    expect(traceback(k, 'pick([1, 2], 5)').slice(-2)).toEqual(['  cell 4, line 5, in pick', 'IndexError: index 5 out of range for length 2']);
    expect(k.ok('divide(7, 2) + pick([1, 2], 1)')).toBe('5');
  });

  test('an interrupt stops a loop of calls; the session goes on', () => {
    const k = session(level);
    k.ok('fn spin(n: int) -> int {\n  let s = 0\n  for i in 0..n { s += i % 3 }\n  return s\n}');
    const setter = interruptAfter(k.interruptFlag, 200);
    const r = k.run('let t = 0\nwhile true { t += spin(1000) }');
    void setter.terminate();
    expect(r.error).toBe('KeyboardInterrupt: interrupted');
    expect(k.ok('spin(4)')).toBe('3');
  });
});

test('%asm at %opt 0 shows the code as the JIT compiles it: no trap after the calls that raise errors', () => {
  const k = session(0);
  k.ok('fn half(x: int) -> int { return x / 2 }');
  const asm = k.run('%asm half').outputs.map((o) => (o.type === 'display' ? String(o.data['text/plain']) : '')).join('');
  expect(asm).toMatch(/call[a-z]*\s+.*kiln_call_refused/);
  expect(asm).not.toContain('ud2');
  k.ok('%opt 2');
  k.ok('fn half(x: int) -> int { return x / 2 }');
  expect(k.run('%asm half').outputs.map((o) => (o.type === 'display' ? String(o.data['text/plain']) : '')).join('')).toContain('ud2');
});
