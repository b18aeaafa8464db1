// Engine reliability: behaviour the language page promises that earlier versions got
// subtly wrong (issue 12, engine side). Each test drives a session as a user would.
import { interruptAfter, TestSession } from './support/engine';

/** A compile-time NameError for `name` (possibly with a did-you-mean suggestion). */
function expectUnknown(k: TestSession, name: string): void {
  const r = k.run(name);
  expect(r.outcome.status === 'error' && r.outcome.ename).toBe('NameError');
  expect(r.error).toMatch(new RegExp(`^NameError: unknown name \`${name}\``));
}

describe('globals of a cell that failed at run time', () => {
  let k: TestSession;
  beforeAll(() => {
    k = new TestSession();
  });

  test('a global whose let never ran is unknown to later cells (NameError), whatever its type', () => {
    const r = k.run('let a = [1]\na[5]\nlet lost = 7\nlet lostText = "t"\nlet lostArray = [1]');
    expect(r.error).toBe('IndexError: index 5 out of range for length 1');
    expect(k.ok('a')).toBe('[1]');
    for (const name of ['lost', 'lostText', 'lostArray']) {
      expectUnknown(k, name);
    }
    // The session is otherwise intact, and the name can be declared afresh.
    expect(k.ok('let lost = 8\nlost + a[0]')).toBe('9');
  });

  test('functions of the failed cell survive and see the global once a later let runs', () => {
    const r = k.run('fn readLate() -> int { return late * 2 }\nlet z = 1 / 0\nlet late = 5');
    expect(r.error).toMatch(/^ZeroDivisionError/);
    expectUnknown(k, 'late');
    expectUnknown(k, 'z');
    expect(k.ok('let late = 21\nreadLate()')).toBe('42');
  });

  test('a re-let with a different type that never ran leaves the old global in place', () => {
    k.ok('let kept = 3');
    const r = k.run('let q = [0][1]\nlet kept = "now a str"');
    expect(r.error).toMatch(/^IndexError/);
    expect(k.ok('kept + 1')).toBe('4');
  });

  test('lets that ran before the error stay, those after do not, on one line too', () => {
    const r = k.run('let one = 1; let bad = [1][3]; let two = 2');
    expect(r.error).toMatch(/^IndexError/);
    expect(k.ok('one')).toBe('1');
    expectUnknown(k, 'two');
  });

  test('a global declared by a failing eval and not yet run is unknown too', () => {
    const r = k.run('let inner = eval("let e1 = 1\\nlet e2 = 1 / 0\\nlet e3 = 3")');
    expect(r.error).toBe('EvalError: ZeroDivisionError: integer division or modulo by zero');
    expect(k.ok('e1')).toBe('1');
    expectUnknown(k, 'e3');
    expectUnknown(k, 'inner');
  });

  test('an interrupted cell keeps the globals whose let ran', () => {
    const setter = interruptAfter(k.interruptFlag, 100);
    const r = k.run('let before = 1\nwhile true { }\nlet after = 2');
    void setter.terminate();
    expect(r.error).toMatch(/^KeyboardInterrupt/);
    expect(k.ok('before')).toBe('1');
    expectUnknown(k, 'after');
  });
});

describe('for e in arr while the array changes length', () => {
  test.each([0, 2])('at %%opt %d the loop ends when the index reaches the current length', (level) => {
    const k = new TestSession();
    k.ok(`%opt ${level}`);
    const shrink = 'let a = [1, 2, 3, 4, 5, 6]\nlet seen: [int] = []\nfor e in a {\n    push(seen, e)\n    pop(a)\n}\nprint(seen, a)';
    expect(k.run(shrink).stdout).toBe('[1, 2, 3] [1, 2, 3]\n');
    const empty = 'let b = [7, 8, 9]\nlet visits = 0\nfor e in b {\n    visits += 1\n    while len(b) > 0 { pop(b) }\n}\nvisits';
    expect(k.ok(empty)).toBe('1');
    const grow = 'let c = [1, 2]\nfor e in c {\n    if e < 3 { push(c, e + 2) }\n}\nc';
    expect(k.ok(grow)).toBe('[1, 2, 3, 4]');
    const viaFunction = 'fn drop(v: [int]) { pop(v) }\nlet e2 = [1, 2, 3, 4]\nlet sum = 0\nfor e in e2 {\n    sum += e\n    drop(e2)\n}\nsum';
    expect(k.ok(viaFunction)).toBe('3');
    // Past one interrupt-poll stride (4,096 steps), shrinking by one each step.
    const long = 'let d = fill(10000, 1)\nlet n = 0\nfor e in d {\n    n += e\n    pop(d)\n}\nn';
    expect(k.ok(long)).toBe('5000');
  });
});

describe('messages and formats that must not mislead', () => {
  let k: TestSession;
  beforeAll(() => {
    k = new TestSession();
  });

  test('a MemoryError for a huge array names its size, not an overflowed one', () => {
    expect(k.run('fill(2305843009213693952, 0)').error).toBe(
      'MemoryError: out of memory (cannot allocate an array of 2305843009213693952 elements)',
    );
    expect(k.ok('len(fill(3, 0))')).toBe('3');
  });

  test('a value nested past the print depth limit is marked with the depth, unlike a cycle', () => {
    k.ok('struct Chain { next: [Chain] }\nlet head = Chain { next: [] }\nlet at = head\nfor i in 0..60 {\n    let n = Chain { next: [] }\n    push(at.next, n)\n    at = n\n}');
    const deep = k.ok('head');
    expect(deep.endsWith(`[...depth 100]${' }]'.repeat(49)} }`)).toBe(true);
    expect(deep).not.toContain('[...]');
    k.ok('let loop = Chain { next: [] }\npush(loop.next, loop)');
    expect(k.ok('loop')).toBe('Chain { next: [...] }');
  });

  test('C1 control characters in a str result are escaped, other text is kept', () => {
    expect(k.ok('"a\\u{9b}b\\u{85}c\\u{80}\\u{9f}\\u{a0}é"')).toBe('"a\\u{9b}b\\u{85}c\\u{80}\\u{9f}\u00a0é"');
    expect(k.run('print("\\u{9b}")').stdout).toBe('\u009b\n');
  });
});

describe('interrupting the compiler', () => {
  test('an interrupt during the compile of a 20,000-line cell ends it: nothing defined, session intact', () => {
    const k = new TestSession();
    k.ok('let before = 1');
    const lines = ['fn partOfIt() -> int { return 1 }', 'let acc = 0', ...Array.from({ length: 20000 }, (_, i) => `acc = acc + ${i % 7}`), 'acc'];
    const setter = interruptAfter(k.interruptFlag, 150);
    const r = k.run(lines.join('\n'));
    void setter.terminate();
    expect(r.error).toBe('KeyboardInterrupt: interrupted');
    expect(Atomics.load(k.interruptFlag, 0)).toBe(0);
    // Interrupted before its code was added: its function is not defined either.
    expect(k.run('partOfIt()').error).toMatch(/^NameError: .*`partOfIt`/);
    expectUnknown(k, 'acc');
    expect(k.ok('before + 1')).toBe('2');
  });
});
