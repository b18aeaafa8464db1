// Memory a long session must give back (issue 12): slots of dropped globals, code that no
// frame can run, the IR the compiler builds, and the engine's tables. Each test asserts
// facts that do not depend on timing: live bytes after a full collection, counts.
import { loadNative } from '../kernel/engine/native';
import { TestSession } from './support/engine';

const MB = 2 ** 20;

/** Bytes the collector holds after a full collection. */
function liveBytes(): number {
  const native = loadNative();
  native.gcCollect();
  native.gcCollect();
  return native.gcStats().usedBytes;
}

describe('dropped globals give their memory back', () => {
  test('re-declaring a 40 MB global with another type, six times, keeps one alive', () => {
    const k = new TestSession();
    const before = liveBytes();
    for (let round = 0; round < 6; round++) {
      const value = round % 2 === 0 ? '1' : '1.5';
      expect(k.ok(`let big = fill(5000000, ${value})\nlen(big)`)).toBe('5000000');
    }
    // Before the fix every old slot kept its array: 240 MB.
    expect(liveBytes() - before).toBeLessThan(100 * MB);
    expect(k.ok('big[0]')).toBe('1.5');
  });

  test('a global a function reads keeps its value after a re-declaration with another type', () => {
    const k = new TestSession();
    k.ok('let shared = [1, 2, 3]\nfn total() -> int {\n    let t = 0\n    for e in shared { t += e }\n    return t\n}');
    k.ok('let shared = "now a str"');
    expect(k.ok('total()')).toBe('6');
    expect(k.ok('shared')).toBe('"now a str"');
  });

  test('%reset clears every global slot', () => {
    const k = new TestSession();
    const before = liveBytes();
    for (let i = 0; i < 6; i++) k.ok(`let keep${i} = fill(5000000, ${i})`);
    expect(liveBytes() - before).toBeGreaterThan(200 * MB);
    k.ok('%reset');
    expect(k.session.globals.slotCount).toBe(0);
    expect(liveBytes() - before).toBeLessThan(50 * MB);
    expect(k.run('keep0').error).toMatch(/^NameError: unknown name `keep0`/);
    expect(k.ok('let again = [7]\nagain')).toBe('[7]');
  });
});

describe('code that no frame can run is removed, and the tables stay bounded', () => {
  test('a loop of 300 evals leaves no module, frame or location behind', () => {
    const k = new TestSession();
    k.ok('let warm = eval("1 + 1")');
    const before = k.session.code.sizes();
    const r = k.run('let n = 0\nfor i in 0..300 {\n    n += int(eval("40 + " + str(i % 3)))\n}\nn');
    expect(r.result).toBe(String(300 * 40 + 300)); // i % 3 sums to 300
    const after = k.session.code.sizes();
    expect(after.modules).toBe(before.modules);
    expect(after.frames).toBe(before.frames);
    expect(after.locations).toBe(before.locations);
  });

  test('re-running a cell frees the code it replaces; a new signature keeps the old code', () => {
    const k = new TestSession();
    const cell = 'fn twice(x: int) -> int { return x * 2 }\nfn quad(x: int) -> int { return twice(twice(x)) }\nquad(3)';
    expect(k.ok(cell)).toBe('12');
    const once = k.session.code.sizes();
    for (let i = 0; i < 50; i++) expect(k.ok(cell)).toBe('12');
    expect(k.session.code.sizes()).toEqual(once);
    // A new signature: callers compiled earlier (quad) keep the old twice.
    k.ok('fn twice(x: float) -> float { return x * 2.0 }');
    expect(k.ok('quad(3)')).toBe('12');
    expect(k.session.code.sizes().modules).toBe(once.modules + 1);
  });

  test('function values outlive the code that made them: the value cell lives outside the JIT, closures pin their module', () => {
    const k = new TestSession();
    k.ok('fn step(x: int) -> int { return x + 1 }\nlet f = step');
    k.ok('let g = fn(x: int) -> int { return x * 10 }');
    const before = k.session.code.sizes().modules;
    for (let i = 2; i <= 6; i++) k.ok(`fn step(x: int) -> int { return x + ${i} }`);
    // Each redefinition's module replaces the previous one (the first included, which made
    // the value f holds); the closure's module stays: the count is unchanged.
    expect(k.session.code.sizes().modules).toBe(before);
    expect(k.ok('f(1)')).toBe('7');
    expect(k.ok('f')).toBe('<fn step(x: int) -> int>');
    expect(k.ok('g(2)')).toBe('20');
  });

  test("a function's value code is made once, by the first cell that uses it as a value", () => {
    const k = new TestSession();
    k.ok('fn inc(x: int) -> int { return x + 1 }');
    const defined = k.session.code.sizes().modules;
    k.ok('inc(1)');
    expect(k.session.code.sizes().modules).toBe(defined); // a call needs no value code
    k.ok('let f = inc');
    const withValue = k.session.code.sizes().modules;
    expect(withValue).toBe(defined + 1);
    for (let i = 0; i < 5; i++) expect(k.ok(`let g${i} = inc\ng${i}(${i})`)).toBe(String(i + 1));
    k.ok('fn inc(x: int) -> int { return x + 100 }');
    expect(k.ok('print(f(1), g4(1), map([1], inc))')).toBe('101 101 [101]\n');
    expect(k.session.code.sizes().modules).toBe(withValue);
  });

  test('a traceback still names functions after code was removed and ids reused', () => {
    const k = new TestSession();
    for (let i = 0; i < 20; i++) k.ok(`fn f(x: int) -> int { return x / ${19 - i} + 1 }\nlet r${i} = ${i}`);
    const r = k.run('fn g() -> int {\n    return f(1)\n}\ng()');
    expect(r.error).toBe('ZeroDivisionError: integer division or modulo by zero');
    const tb = r.outcome.status === 'error' ? r.outcome.traceback : [];
    expect(tb.slice(1, -1)).toEqual([
      expect.stringMatching(/^ {2}cell \d+, line 4, in <cell>$/),
      expect.stringMatching(/^ {2}cell \d+, line 2, in g$/),
      expect.stringMatching(/^ {2}cell \d+, line 1, in f$/),
    ]);
  });
});
