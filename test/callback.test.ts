// JIT code calling back into the engine: rich display, charts, progress, input, eval, magics.
import { TestSession } from './support/engine';

describe('rich display', () => {
  let k: TestSession;
  beforeAll(() => {
    k = new TestSession();
  });

  test('display helpers make display_data with the right mime type, after pending stdout', () => {
    const r = k.run('print("before")\nhtml("<b>x</b>")\nmarkdown("*m*")\nsvg("<svg></svg>")\nlatex("$x$")\ndisplay("text/csv", "a,b")\nprint("after")');
    expect(r.outputs).toEqual([
      { type: 'stream', name: 'stdout', text: 'before\n' },
      { type: 'display', data: { 'text/html': '<b>x</b>' } },
      { type: 'display', data: { 'text/markdown': '*m*' } },
      { type: 'display', data: { 'image/svg+xml': '<svg></svg>' } },
      { type: 'display', data: { 'text/latex': '$x$' } },
      { type: 'display', data: { 'text/csv': 'a,b' } },
      { type: 'stream', name: 'stdout', text: 'after\n' },
    ]);
  });

  test('display_id and update_display replace an output in place', () => {
    const r = k.run('let id = display_id("text/plain", "step 1")\nupdate_display(id, "text/plain", "step 2")\nid');
    const [shown, updated] = r.outputs;
    expect(shown).toMatchObject({ type: 'display', data: { 'text/plain': 'step 1' } });
    const displayId = (shown as { displayId: string }).displayId;
    expect(displayId).toMatch(/^[0-9a-f-]{36}$/);
    expect(updated).toEqual({ type: 'update_display', displayId, data: { 'text/plain': 'step 2' } });
    expect(r.result).toBe(JSON.stringify(displayId));
  });

  test('latex text without math delimiters is shown as display math', () => {
    const r = k.run('latex("\\\\frac{1}{2}")\nlatex("\\\\(x\\\\) and $y$")\ndisplay("text/latex", "x^2")');
    expect(r.outputs).toEqual([
      { type: 'display', data: { 'text/latex': '$$\\frac{1}{2}$$' } },
      { type: 'display', data: { 'text/latex': '\\(x\\) and $y$' } },
      { type: 'display', data: { 'text/latex': '$$x^2$$' } },
    ]);
  });

  test('clear_output clears what the cell showed so far', () => {
    const r = k.run('print("a")\nclear_output()\nprint("b")');
    expect(r.outputs).toEqual([
      { type: 'stream', name: 'stdout', text: 'a\n' },
      { type: 'clear_output', wait: false },
      { type: 'stream', name: 'stdout', text: 'b\n' },
    ]);
  });
});

describe('charts and progress', () => {
  let k: TestSession;
  beforeAll(() => {
    k = new TestSession();
  });

  test('plot sends one display_data with vega-lite, svg and text', () => {
    const r = k.run('let xs = [1.0, 2.0, 3.0]\nlet ys = [1.0, 4.0, 9.0]\nplot(xs, ys, "squares")');
    expect(r.outputs).toHaveLength(1);
    const data = (r.outputs[0] as { data: Record<string, unknown> }).data;
    expect(Object.keys(data).sort()).toEqual(['application/vnd.vegalite.v5+json', 'image/svg+xml', 'text/plain']);
    expect(data['text/plain']).toBe('<line chart "squares": 3 points>');
    expect(String(data['image/svg+xml'])).toMatch(/^<svg[\s\S]*squares[\s\S]*<\/svg>$/);
    expect((data['application/vnd.vegalite.v5+json'] as { title: unknown }).title).toBeDefined();
  });

  test('scatter, hist and bar', () => {
    const texts = k
      .run('scatter([1.0, 2.0], [3.0, 4.0], "s")\nhist([1.0, 2.0, 2.5, 3.0], 2, "h")\nbar(["a", "b", "c"], [1.0, 2.0, 3.0], "b")')
      .outputs.map((o) => (o as { data: Record<string, unknown> }).data['text/plain']);
    expect(texts).toEqual(['<scatter chart "s": 2 points>', '<histogram "h": 4 values in 2 bins>', '<bar chart "b": 3 bars>']);
  });

  test('a chart error is a Kiln error', () => {
    expect(k.run('plot([1.0], [1.0, 2.0], "bad")').error).toBe('ValueError: plot: xs has 1 values but ys has 2');
  });

  test('progress shows one bar, updated in place, ending at 100%', () => {
    const r = k.run('for i in 0..100000 { progress(i + 1, 100000) }');
    const [first, ...updates] = r.outputs as { type: string; displayId: string; data: Record<string, string> }[];
    expect(first.type).toBe('display');
    expect(updates.every((u) => u.type === 'update_display' && u.displayId === first.displayId)).toBe(true);
    const last = updates.length ? updates[updates.length - 1] : first;
    expect(last.data['text/plain']).toMatch(/^\[##########\] 100% done in \d/);
    expect(last.data['text/html']).toContain('100%');
    expect(r.outputs.length).toBeLessThan(50);
  });

  test('a bar whose loop stops before 100% shows its last state when the cell ends', () => {
    const r = k.run('for i in 0..1000 { progress(i, 2000) }');
    const texts = r.outputs.map((o) => (o as { data: Record<string, string> }).data['text/plain']);
    expect(texts[0]).toBe('[          ] 0%');
    expect(texts[texts.length - 1]).toMatch(/^\[####      \] 49% \d+\.\ds left$/);
  });

  test('the first frame has no time estimate (one point estimates nothing)', () => {
    const r = k.run('progress(1, 4)\nprogress(2, 4)');
    const texts = r.outputs.map((o) => (o as { data: Record<string, string> }).data['text/plain']);
    expect(texts[0]).toBe('[##        ] 25%');
    expect(texts[texts.length - 1]).toMatch(/^\[#####     \] 50% \d+\.\ds left$/);
  });
});

describe('input', () => {
  test('input asks the front end and returns the line', () => {
    const k = new TestSession();
    k.inputs.push('Ada');
    expect(k.run('let name = input("name? ")\nprint("hello", name)').stdout).toBe('name? hello Ada\n');
    expect(k.run('input("again? ")').error).toBe('EOFError: no input available');
  });
});

describe('eval', () => {
  let k: TestSession;
  beforeAll(() => {
    k = new TestSession();
  });

  test('eval returns the text of its result and its definitions join the session at once', () => {
    expect(k.ok('eval("1 + 2")')).toBe('"3"');
    expect(k.ok('eval("\\"s\\"")')).toBe('"\\"s\\""');
    k.ok('eval("let fromEval = 40")');
    expect(k.ok('fromEval + 2')).toBe('42');
    expect(k.ok('eval("fn twice(x: int) -> int { return 2 * x }")\neval("twice(21)")')).toBe('"42"');
    expect(k.ok('twice(4)')).toBe('8');
  });

  test('a function redefined by eval is what the running caller calls next', () => {
    k.ok('fn step() -> int { return 1 }');
    const code = `
let before = step()
eval("fn step() -> int { return 100 }")
let after = step()
print(before, after)`;
    expect(k.run(code).stdout).toBe('1 100\n');
  });

  test('a function that calls itself reaches its redefinition by eval at its next call', () => {
    k.ok('fn selfie(n: int) -> int { if n == 0 { return 0 } if n == 1 { eval("fn selfie(n: int) -> int { return 1000 }") } return 1 + selfie(n - 1) }');
    expect(k.ok('selfie(3)')).toBe('1003');
    expect(k.ok('selfie(3)')).toBe('1000');
    for (const level of [0, 2]) {
      k.ok(`%opt ${level}`);
      k.ok('fn count(n: int) -> int { if n == 0 { return 0 } if n == 2 { eval("fn count(n: int) -> int { return -n }") } return 1 + count(n - 1) }');
      // 5, 4, 3 add 1 each; count(2) redefines count, then adds 1 to the new count(1) = -1.
      expect(k.ok('count(5)')).toBe('3');
    }
    k.ok('%opt 2');
  });

  test('errors inside eval are EvalError in the caller, and the session stays intact', () => {
    expect(k.run('eval("1 / 0")').error).toBe('EvalError: ZeroDivisionError: integer division or modulo by zero');
    expect(k.run('eval("let broken = ")').error).toMatch(/^EvalError: SyntaxError: /);
    expect(k.ok('twice(5)')).toBe('10');
  });

  test('generated, specialised functions compiled at run time', () => {
    const code = `
let coefficients = [3, 0, 2]
let body = "0"
for i in 0..len(coefficients) {
    body = body + " + " + str(coefficients[i]) + " * pow(x, " + str(i) + ".0)"
}
eval("fn poly(x: float) -> float { return " + body + " }")
let total = 0.0
for x in [0.0, 1.0, 2.0] { total += float(eval("poly(" + str(x) + ")")) }
total`;
    expect(k.ok(code)).toBe('19.0');
  });

  test('nested eval to depth 50; far deeper is a RecursionError, not a crash', () => {
    k.ok('fn nest(n: int) -> int {\n    if n == 0 { return 0 }\n    return int(eval("nest(" + str(n - 1) + ")")) + 1\n}');
    expect(k.ok('nest(50)')).toBe('50');
    expect(k.run('nest(100000)').error).toBe('EvalError: RecursionError: maximum recursion depth exceeded');
    expect(k.ok('nest(3)')).toBe('3');
  });
});

describe('magics', () => {
  let k: TestSession;
  beforeAll(() => {
    k = new TestSession();
  });

  const shown = (r: ReturnType<TestSession['run']>) =>
    r.outputs.map((o) => (o.type === 'display' ? String(o.data['text/plain']) : '')).join('');

  test('%ir shows the optimized IR of the cell and still runs it; %ir name shows a function', () => {
    const r = k.run('%ir\nfn sq(x: int) -> int { return x * x }\nsq(7)');
    expect(shown(r)).toMatch(/define dso_local i64 @sq\.v\d+\(i64 %0, i64 %1\)/);
    expect(r.result).toBe('49');
    expect(shown(k.run('%ir sq'))).toMatch(/^define dso_local i64 @sq\.v\d+[\s\S]*mul i64[\s\S]*}$/);
  });

  test('heap accesses carry type-based alias info (array header, elements, struct fields)', () => {
    const ir = shown(k.run('%ir\nstruct Box { v: int }\nfn touch(a: [int], b: Box) -> int {\n    a[0] = b.v\n    return len(a)\n}'));
    expect(ir).toMatch(/load i64, i64\* %\S+, align \d+, !tbaa !\d+/);
    expect(ir).toMatch(/store i64 %\S+, i64\* %\S+, align \d+, !tbaa !\d+/);
    expect(ir).toContain('!"kiln array header"');
  });

  test('%asm shows native assembly of a function', () => {
    expect(shown(k.run('%asm sq'))).toMatch(/^sq\.v\d+:[\s\S]*imul/);
    // The checks of a call name the runtime's words by absolute address, not through the GOT.
    // (down calls itself from two lines, so its self-calls record their location. It calls
    // nothing else, so it is unrolled, and its one check compares with the limit in memory.)
    k.ok('fn down(n: int) -> int {\n    if n == 0 { return 0 }\n    let d = down(n - 1)\n    return d + down(0)\n}');
    const asm = shown(k.run('%asm down'));
    expect(asm).toMatch(/(movl|cmpl)\s+\d+, %e/);
    expect(asm).not.toContain('GOTPCREL');
    // The location store indexes the stack by the depth alone: the address is in the
    // instruction (no register holds it: constant hoisting is off), the index not strength-reduced.
    expect(asm).toMatch(/movl\s+\$\d+, \d+\(,%r\w+,4\)/);
    expect(k.run('%asm nothere').error).toBe('NameError: unknown function `nothere`');
  });

  test('%opt sets the level for later cells', () => {
    expect(k.run('%opt 0').outcome.status).toBe('ok');
    // (A local's stack slot stays at 0: mem2reg is an optimisation.)
    expect(shown(k.run('%ir\nfn cube(x: int) -> int {\n  let square = x * x\n  return square * x\n}'))).toContain('alloca');
    expect(k.run('%opt 7').error).toBe('ValueError: %opt takes a level from 0 to 3, not `7`');
    k.run('%opt 2');
  });

  test('%time shows compile and run time and keeps the result', () => {
    const r = k.run('%time\nsq(9)');
    expect(shown(r)).toMatch(/^compile: [\d.]+ (s|ms|µs|ns), run: [\d.]+ (s|ms|µs|ns)$/);
    expect(r.result).toBe('81');
  });

  test('%timeit reports IPython-style timing', () => {
    expect(shown(k.run('%timeit\nsq(3)'))).toMatch(
      /^[\d.]+ (s|ms|µs|ns) ± [\d.]+ (s|ms|µs|ns) per loop \(mean ± std\. dev\. of 7 runs, [\d,]+ loops? each\)$/,
    );
  });

  test('%who lists globals, functions and structs; %reset forgets them', () => {
    k.ok('let answer = 42\nstruct Pair { a: int, b: str }');
    const who = shown(k.run('%who'));
    expect(who).toContain('let answer: int');
    expect(who).toContain('fn sq(x: int) -> int');
    expect(who).toContain('struct Pair { a: int, b: str }');
    expect(k.run('%reset').outcome.status).toBe('ok');
    expect(k.run('answer').error).toMatch(/^NameError/);
    expect(shown(k.run('%who'))).toBe('the session is empty');
    expect(k.ok('let answer = "again"\nanswer')).toBe('"again"');
  });
});
