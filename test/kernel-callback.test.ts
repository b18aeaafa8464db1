// End to end: JIT code calling back into the engine (rich display, charts, progress, input,
// eval, magics, interrupts, runtime faults), seen through the kernel process over real
// zeromq. Each test asserts the exact iopub sequence between busy and idle: every message
// in that window has the request as its parent (nothing from another request interleaves).
import { Msg, RunningKernel, startKernel } from './support/client';

jest.setTimeout(90000);

let k: RunningKernel;
beforeAll(async () => {
  k = await startKernel();
});
afterAll(async () => {
  await k?.stop();
});

interface Cell {
  msgId: string;
  reply: Msg;
  /** The iopub messages from busy to idle (inclusive), in arrival order. */
  iopub: Msg[];
  /** iopub message types strictly between busy and idle. */
  types: string[];
  /** The messages strictly between busy and idle. */
  body: Msg[];
}

/**
 * The iopub window of a request: every iopub message that arrived from its busy status to its
 * idle status. Checks that all of them have the request as parent, that the window is framed
 * by busy/idle, and that the reply went out on shell with the request as parent.
 */
function windowOf(msgId: string, reply: Msg, control: string[] = []): Cell {
  // The busy/idle statuses of control requests sent meanwhile (interrupt_request) are theirs, not the cell's.
  const all = k.client.received.filter((m) => m.channel === 'iopub' && !(m.header.msg_type === 'status' && control.includes(m.parent_header.msg_id ?? '')));
  const isStatus = (m: Msg, state: string) =>
    m.header.msg_type === 'status' && m.content.execution_state === state && m.parent_header.msg_id === msgId;
  const start = all.findIndex((m) => isStatus(m, 'busy'));
  const end = all.findIndex((m) => isStatus(m, 'idle'));
  expect(start).toBeGreaterThanOrEqual(0);
  expect(end).toBeGreaterThan(start);
  const iopub = all.slice(start, end + 1);
  for (const m of iopub) {
    expect({ type: m.header.msg_type, parent: m.parent_header.msg_id, parentType: m.parent_header.msg_type }).toEqual({
      type: m.header.msg_type,
      parent: msgId,
      parentType: 'execute_request',
    });
    expect(m.parent_header.session).toBe(k.client.session);
  }
  expect(reply.channel).toBe('shell');
  expect(reply.header.msg_type).toBe('execute_reply');
  expect(reply.parent_header.msg_id).toBe(msgId);
  const body = iopub.slice(1, -1);
  return { msgId, reply, iopub, body, types: body.map((m) => m.header.msg_type) };
}

async function run(code: string, extra: object = {}, timeoutMs = 30000): Promise<Cell> {
  const { reply, msgId } = await k.client.execute(code, extra, timeoutMs);
  return windowOf(msgId, reply);
}

/** Sends an execute_request without waiting: for input() and interrupts. */
function start(code: string, extra: object = {}): string {
  return k.client.send('shell', 'execute_request', {
    code,
    silent: false,
    store_history: true,
    user_expressions: {},
    allow_stdin: false,
    stop_on_error: true,
    ...extra,
  });
}

async function finish(msgId: string, timeoutMs = 10000, control: string[] = []): Promise<Cell> {
  const [reply] = await Promise.all([k.client.reply(msgId, timeoutMs), k.client.idle(msgId, timeoutMs)]);
  return windowOf(msgId, reply, control);
}

const executeInput = (c: Cell) => ({ code: expect.any(String), execution_count: c.reply.content.execution_count });

function expectOk(c: Cell): void {
  expect(c.reply.content).toEqual({ status: 'ok', execution_count: expect.any(Number), payload: [], user_expressions: {} });
}

/** An error cell: the reply and the iopub error carry the same ename / evalue / traceback. */
function expectError(c: Cell, ename: string, evalue: string | RegExp): void {
  expect(c.reply.content).toEqual({
    status: 'error',
    execution_count: expect.any(Number),
    ename,
    evalue: typeof evalue === 'string' ? evalue : expect.stringMatching(evalue),
    traceback: expect.any(Array),
    user_expressions: {},
  });
  const err = c.body.filter((m) => m.header.msg_type === 'error');
  expect(err).toHaveLength(1);
  expect(err[0].content).toEqual({ ename, evalue: c.reply.content.evalue, traceback: c.reply.content.traceback });
  expect(c.reply.content.traceback.length).toBeGreaterThan(0);
  for (const line of c.reply.content.traceback) expect(typeof line).toBe('string');
  expect(c.reply.content.traceback.join('\n')).toContain(ename);
}

const plain = (m: Msg) => m.content.data['text/plain'];

describe('rich display', () => {
  test('html(): exactly one display_data with text/html, empty metadata and transient objects', async () => {
    const c = await run('html("<b>x</b>")');
    expectOk(c);
    expect(c.types).toEqual(['execute_input', 'display_data']);
    expect(c.body[0].content).toEqual(executeInput(c));
    expect(c.body[0].content.code).toBe('html("<b>x</b>")');
    // Jupyter spec: display_data has data, metadata and transient (objects).
    expect(c.body[1].content).toEqual({ data: { 'text/html': '<b>x</b>' }, metadata: {}, transient: {} });
  });

  test('print, display, print keep their order: stream, display_data, stream', async () => {
    const c = await run('print("before")\nmarkdown("*m*")\nprint("after")');
    expectOk(c);
    expect(c.types).toEqual(['execute_input', 'stream', 'display_data', 'stream']);
    expect(c.body.slice(1).map((m) => m.content)).toEqual([
      { name: 'stdout', text: 'before\n' },
      { data: { 'text/markdown': '*m*' }, metadata: {}, transient: {} },
      { name: 'stdout', text: 'after\n' },
    ]);
  });

  test('display_id + update_display: display_data with transient.display_id, then update_display_data with the same id', async () => {
    const c = await run('let did = display_id("text/plain", "step 1")\nupdate_display(did, "text/plain", "step 2")\ndid');
    expectOk(c);
    expect(c.types).toEqual(['execute_input', 'display_data', 'update_display_data', 'execute_result']);
    const id = c.body[1].content.transient?.display_id;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(c.body[1].content).toEqual({ data: { 'text/plain': 'step 1' }, metadata: {}, transient: { display_id: id } });
    expect(c.body[2].content).toEqual({ data: { 'text/plain': 'step 2' }, metadata: {}, transient: { display_id: id } });
    expect(c.body[3].content).toEqual({ execution_count: c.reply.content.execution_count, data: { 'text/plain': JSON.stringify(id) }, metadata: {} });
  });

  test('clear_output(): clear_output with wait false, in order with the streams', async () => {
    const c = await run('print("a")\nclear_output()\nprint("b")');
    expectOk(c);
    expect(c.types).toEqual(['execute_input', 'stream', 'clear_output', 'stream']);
    expect(c.body.slice(1).map((m) => m.content)).toEqual([{ name: 'stdout', text: 'a\n' }, { wait: false }, { name: 'stdout', text: 'b\n' }]);
  });
});

describe('charts and progress', () => {
  test('plot(): one display_data with exactly vega-lite, svg and text/plain', async () => {
    const c = await run('plot([1.0, 2.0, 3.0], [1.0, 4.0, 9.0], "squares")');
    expectOk(c);
    expect(c.types).toEqual(['execute_input', 'display_data']);
    const d = c.body[1].content;
    expect(Object.keys(d).sort()).toEqual(['data', 'metadata', 'transient']);
    expect(d.metadata).toEqual({});
    expect(d.transient).toEqual({});
    expect(Object.keys(d.data).sort()).toEqual(['application/vnd.vegalite.v5+json', 'image/svg+xml', 'text/plain']);
    expect(d.data['text/plain']).toBe('<line chart "squares": 3 points>');
    expect(d.data['image/svg+xml']).toMatch(/^<svg[\s\S]*squares[\s\S]*<\/svg>$/);
    const spec = d.data['application/vnd.vegalite.v5+json'];
    expect(typeof spec).toBe('object'); // a JSON object, not a string
    expect(spec.title).toBeDefined();
  });

  test('a chart error is a ValueError reply and an error message', async () => {
    const c = await run('plot([1.0], [1.0, 2.0], "bad")');
    expectError(c, 'ValueError', 'plot: xs has 1 values but ys has 2');
    expect(c.types).toEqual(['execute_input', 'error']);
  });

  test('progress loop: one display_data, then update_display_data with the same display_id, the last at 100%', async () => {
    const c = await run('for i in 0..200000 { progress(i + 1, 200000) }');
    expectOk(c);
    const [input, first, ...updates] = c.body;
    expect(input.header.msg_type).toBe('execute_input');
    expect(first.header.msg_type).toBe('display_data');
    const id = first.content.transient.display_id;
    expect(typeof id).toBe('string');
    expect(id).not.toBe('');
    expect(first.content.metadata).toEqual({});
    expect(Object.keys(first.content.data).sort()).toEqual(['text/html', 'text/plain']);
    expect(plain(first)).toMatch(/^\[[# ]{10}\] \d+%/);
    for (const u of updates) {
      expect(u.header.msg_type).toBe('update_display_data');
      expect(u.content).toEqual({ data: { 'text/html': expect.any(String), 'text/plain': expect.any(String) }, metadata: {}, transient: { display_id: id } });
    }
    const last = updates.length ? updates[updates.length - 1] : first;
    expect(plain(last)).toMatch(/^\[##########\] 100% done in \d/);
    expect(last.content.data['text/html']).toContain('100%');
    expect(c.body.length).toBeLessThan(60); // throttled, not one per iteration
  });

  test('a progress loop of ~0.6 s: intermediate updates, percentages never go back, one display_id', async () => {
    const c = await run('for i in 0..30 {\n    let t = clock()\n    while clock() - t < 0.02 { }\n    progress(i + 1, 30)\n}\nprint("done")');
    expectOk(c);
    expect(c.types[0]).toBe('execute_input');
    expect(c.types[1]).toBe('display_data');
    expect(c.types.at(-1)).toBe('stream');
    const bars = c.body.slice(1, -1);
    expect(bars.slice(1).every((m) => m.header.msg_type === 'update_display_data')).toBe(true);
    expect(bars.length).toBeGreaterThanOrEqual(3); // first, some in between, 100%
    expect(bars.length).toBeLessThanOrEqual(15);
    const id = bars[0].content.transient.display_id;
    expect(bars.every((m) => m.content.transient.display_id === id)).toBe(true);
    const pcts = bars.map((m) => Number(/\] (\d+)%/.exec(plain(m))![1]));
    expect(pcts).toEqual([...pcts].sort((a, b) => a - b));
    expect(pcts.at(-1)).toBe(100);
    expect(pcts.filter((p) => p === 100)).toHaveLength(1);
    expect(c.body.at(-1)!.content).toEqual({ name: 'stdout', text: 'done\n' });
  });

  test('a second cell gets its own progress bar (a new display_id)', async () => {
    const a = await run('progress(1, 1)');
    const b = await run('progress(1, 1)');
    expect(a.types).toEqual(['execute_input', 'display_data']);
    expect(b.types).toEqual(['execute_input', 'display_data']);
    expect(a.body[1].content.transient.display_id).not.toBe(b.body[1].content.transient.display_id);
    const bad = await run('progress(1, 0)');
    expectError(bad, 'ValueError', 'progress: total must be positive, got 0');
  });
});

describe('eval', () => {
  test('eval returns the text/plain of its result; its globals join the session', async () => {
    const r = await run('eval("1 + 2")');
    expectOk(r);
    expect(r.types).toEqual(['execute_input', 'execute_result']);
    expect(r.body[1].content).toEqual({ execution_count: r.reply.content.execution_count, data: { 'text/plain': '"3"' }, metadata: {} });
    expectOk(await run('eval("let fromEval = 40")'));
    const g = await run('fromEval + 2');
    expect(g.body.map((m) => [m.header.msg_type, m.content.data?.['text/plain']])).toEqual([
      ['execute_input', undefined],
      ['execute_result', '42'],
    ]);
  });

  test('a function redefined by eval is what the running caller calls next', async () => {
    expectOk(await run('fn step() -> int { return 1 }'));
    const c = await run('let before = step()\neval("fn step() -> int { return 100 }")\nlet after = step()\nprint(before, after)');
    expectOk(c);
    expect(c.types).toEqual(['execute_input', 'stream']);
    expect(c.body[1].content).toEqual({ name: 'stdout', text: '1 100\n' });
  });

  test('an error inside eval is an EvalError: in the reply and as an error message with ename/evalue/traceback', async () => {
    const c = await run('print("pre")\neval("1 / 0")\nprint("never")');
    expectError(c, 'EvalError', 'ZeroDivisionError: integer division or modulo by zero');
    expect(c.types).toEqual(['execute_input', 'stream', 'error']);
    expect(c.body[1].content).toEqual({ name: 'stdout', text: 'pre\n' });
    const s = await run('eval("let broken = ")');
    expectError(s, 'EvalError', /^SyntaxError: /);
    expect(s.types).toEqual(['execute_input', 'error']);
    // the session is intact
    const ok = await run('step() + fromEval');
    expect(plain(ok.body[1])).toBe('140');
  });

  test('a runtime fault inside eval: EvalError carrying the IndexError; output before it is kept', async () => {
    const c = await run('display("text/plain", "shown")\neval("let e = [1, 2, 3]\\ne[10]")');
    expectError(c, 'EvalError', 'IndexError: index 10 out of range for length 3');
    expect(c.types).toEqual(['execute_input', 'display_data', 'error']);
  });

  test('input() inside eval without allow_stdin: EvalError carrying InputError, no input_request', async () => {
    const c = await run('eval("input(\\"x? \\")")', { allow_stdin: false });
    expectError(c, 'EvalError', /^InputError: /);
    expect(k.client.received.filter((m) => m.channel === 'stdin' && m.parent_header.msg_id === c.msgId)).toEqual([]);
  });

  test('input() inside eval with allow_stdin: input_request on stdin, the reply is the value used', async () => {
    const c = k.client;
    const id = start('let got = eval("input(\\"who? \\")")\nprint("got", got)', { allow_stdin: true });
    const req = await c.waitFor((m) => m.channel === 'stdin' && m.header.msg_type === 'input_request' && m.parent_header.msg_id === id);
    expect(req.parent_header.msg_type).toBe('execute_request');
    expect(req.content).toEqual({ prompt: 'who? ', password: false });
    c.send('stdin', 'input_reply', { value: 'Ada', status: 'ok' }, req.header);
    const cell = await finish(id);
    expectOk(cell);
    expect(cell.types).toEqual(['execute_input', 'stream']);
    expect(cell.body[1].content).toEqual({ name: 'stdout', text: 'got "Ada"\n' });
  });

  test('interrupt_request during eval("while true { }") ends with KeyboardInterrupt; the next cell works', async () => {
    const c = k.client;
    expectOk(await run('let marker = 7'));
    const id = start('print("spinning")\neval("while true { }")');
    await c.waitFor((m) => m.header.msg_type === 'stream' && m.parent_header.msg_id === id);
    await new Promise((r) => setTimeout(r, 200));
    const t0 = Date.now();
    const { reply: ir, iopub: irStatus, msgId: irId } = await c.request('control', 'interrupt_request');
    expect(ir.content).toEqual({ status: 'ok' });
    expect(ir.channel).toBe('control');
    expect(irStatus.map((m) => m.content.execution_state)).toEqual(['busy', 'idle']);
    const cell = await finish(id, 5000, [irId]);
    expect(Date.now() - t0).toBeLessThan(2000);
    expectError(cell, 'KeyboardInterrupt', 'interrupted');
    expect(cell.types).toEqual(['execute_input', 'stream', 'error']);
    const next = await run('marker + 1');
    expectOk(next);
    expect(next.types).toEqual(['execute_input', 'execute_result']);
    expect(plain(next.body[1])).toBe('8');
  });
});

describe('interrupts inside callbacks', () => {
  async function interruptAfter(code: string, ms: number): Promise<Cell> {
    const c = k.client;
    const id = start(code);
    await c.waitFor((m) => m.header.msg_type === 'execute_input' && m.parent_header.msg_id === id);
    await new Promise((r) => setTimeout(r, ms));
    const t0 = Date.now();
    const { msgId: irId } = await c.request('control', 'interrupt_request');
    const cell = await finish(id, 5000, [irId]);
    expect(Date.now() - t0).toBeLessThan(2000);
    expectError(cell, 'KeyboardInterrupt', 'interrupted');
    return cell;
  }

  test('an endless progress loop: the bar, then KeyboardInterrupt', async () => {
    const cell = await interruptAfter('let i = 0\nwhile true {\n    i += 1\n    progress(i % 1000 + 1, 1001)\n}', 400);
    expect(cell.types[0]).toBe('execute_input');
    expect(cell.types[1]).toBe('display_data');
    expect(cell.types.at(-1)).toBe('error');
    expect(cell.types.slice(2, -1).every((t) => t === 'update_display_data')).toBe(true);
    expect(plain((await run('1 + 1')).body[1])).toBe('2');
  });

  test('a long %timeit: KeyboardInterrupt, no timing line', async () => {
    const cell = await interruptAfter('%timeit\nlet s = 0\nfor i in 0..1000000000 { s += i }', 400);
    expect(cell.types).toEqual(['execute_input', 'error']);
    expect(plain((await run('2 + 2')).body[1])).toBe('4');
  });

  test('nested eval to depth 50 still works afterwards', async () => {
    expectOk(await run('fn nest(n: int) -> int {\n    if n == 0 { return 0 }\n    return int(eval("nest(" + str(n - 1) + ")")) + 1\n}'));
    expect(plain((await run('nest(50)')).body[1])).toBe('50');
  });
});

describe('runtime faults', () => {
  test('index out of range: IndexError reply and error message; the kernel still answers', async () => {
    const c = await run('let a = [1, 2, 3]\na[10]');
    expectError(c, 'IndexError', 'index 10 out of range for length 3');
    expect(c.types).toEqual(['execute_input', 'error']);
    expect(c.reply.content.traceback.at(-1)).toBe('IndexError: index 10 out of range for length 3');
    const next = await run('len(a)');
    expectOk(next);
    expect(plain(next.body[1])).toBe('3');
    expect(await k.client.heartbeat()).toBe(true);
  });

  test('unbounded recursion is a RecursionError, not a crash', async () => {
    const c = await run('fn r(n: int) -> int { return r(n + 1) + 1 }\nr(0)');
    expectError(c, 'RecursionError', 'maximum recursion depth exceeded');
    expect(c.types).toEqual(['execute_input', 'error']);
    const tb: string[] = c.reply.content.traceback;
    expect(tb.at(-1)).toBe('RecursionError: maximum recursion depth exceeded');
    expect(tb).toContain('  cell ' + c.reply.content.execution_count + ', line 1, in r');
    expect(k.proc.exitCode).toBeNull();
    expect(plain((await run('1 + 1')).body[1])).toBe('2');
  });

  test('tail recursion is a RecursionError at every %opt level (never a hang)', async () => {
    for (const level of [3, 0, 2]) {
      expectOk(await run(`%opt ${level}`));
      const c = await run(`fn tail${level}(n: int) -> int { return tail${level}(n + 1) }\ntail${level}(0)`, {}, 10000);
      expectError(c, 'RecursionError', 'maximum recursion depth exceeded');
    }
  });

  test('a RecursionError inside eval is an EvalError carrying it', async () => {
    const c = await run('eval("fn rr(n: int) -> int { return rr(n + 1) + 1 }\\nrr(0)")');
    expectError(c, 'EvalError', 'RecursionError: maximum recursion depth exceeded');
  });

  test('recursion to depth 9000 works in the worker', async () => {
    const c = await run('fn deep(n: int) -> int {\n    if n == 0 { return 0 }\n    return deep(n - 1) + 1\n}\ndeep(9000)');
    expectOk(c);
    expect(c.types).toEqual(['execute_input', 'execute_result']);
    expect(plain(c.body[1])).toBe('9000');
  });
});

describe('magics', () => {
  test('%time: display_data with compile and run time, then the execute_result', async () => {
    expectOk(await run('fn sq(x: int) -> int { return x * x }'));
    const c = await run('%time\nsq(9)');
    expectOk(c);
    expect(c.types).toEqual(['execute_input', 'display_data', 'execute_result']);
    expect(c.body[1].content).toEqual({ data: { 'text/plain': expect.stringMatching(/^compile: [\d.]+ (s|ms|µs|ns), run: [\d.]+ (s|ms|µs|ns)$/) }, metadata: {}, transient: {} });
    expect(c.body[2].content).toEqual({ execution_count: c.reply.content.execution_count, data: { 'text/plain': '81' }, metadata: {} });
  });

  test('%who lists globals, functions and structs', async () => {
    expectOk(await run('let answer = 42\nstruct Pair { a: int, b: str }'));
    const c = await run('%who');
    expectOk(c);
    expect(c.types).toEqual(['execute_input', 'display_data']);
    const text: string = plain(c.body[1]);
    expect(text.split('\n')).toEqual(expect.arrayContaining(['let answer: int', 'fn sq(x: int) -> int', 'struct Pair { a: int, b: str }']));
  });

  test('%ir fname and %asm fname show one display_data each', async () => {
    const ir = await run('%ir sq');
    expectOk(ir);
    expect(ir.types).toEqual(['execute_input', 'display_data']);
    expect(plain(ir.body[1])).toMatch(/^define dso_local i64 @sq\.v\d+[\s\S]*mul [\s\S]*}$/);
    const asm = await run('%asm sq');
    expectOk(asm);
    expect(asm.types).toEqual(['execute_input', 'display_data']);
    expect(plain(asm.body[1])).toMatch(/^sq\.v\d+:[\s\S]*imul/);
    const missing = await run('%asm nothere');
    expectError(missing, 'NameError', 'unknown function `nothere`');
    expect(missing.types).toEqual(['execute_input', 'error']);
  });

  test('%opt 0 applies to later cells (unoptimized IR keeps allocas); %opt 2 restores', async () => {
    const c = await run('%opt 0');
    expectOk(c);
    expect(c.types).toEqual(['execute_input']);
    const ir = await run('%ir\nfn cube(x: int) -> int {\n  let square = x * x\n  return square * x\n}\ncube(3)');
    expectOk(ir);
    expect(ir.types).toEqual(['execute_input', 'display_data', 'execute_result']);
    expect(plain(ir.body[1])).toContain('alloca');
    expect(plain(ir.body[2])).toBe('27');
    const bad = await run('%opt 7');
    expectError(bad, 'ValueError', '%opt takes a level from 0 to 3, not `7`');
    expectOk(await run('%opt 2'));
  });

  test('%timeit: one display_data with the IPython-style line', async () => {
    const c = await run('%timeit\nsq(3)', {}, 60000);
    expectOk(c);
    expect(c.types).toEqual(['execute_input', 'display_data']);
    expect(c.body[1].content).toEqual({
      data: { 'text/plain': expect.stringMatching(/^[\d.]+ (s|ms|µs|ns) ± [\d.]+ (s|ms|µs|ns) per loop \(mean ± std\. dev\. of 7 runs, [\d,]+ loops? each\)$/) },
      metadata: {},
      transient: {},
    });
  });

  test('%reset: the old global is a NameError afterwards; the kernel stays up', async () => {
    expect(plain((await run('answer')).body[1])).toBe('42');
    const c = await run('%reset');
    expectOk(c);
    expect(c.types).toEqual(['execute_input']);
    const gone = await run('answer');
    expectError(gone, 'NameError', /answer/);
    expect(gone.types).toEqual(['execute_input', 'error']);
    const who = await run('%who');
    expect(plain(who.body[1])).toBe('the session is empty');
    const again = await run('let answer = "again"\nanswer');
    expectOk(again);
    expect(plain(again.body[1])).toBe('"again"');
    expect(await k.client.heartbeat()).toBe(true);
  });

  test('after %reset: interrupts still work (plain loop and inside eval), faults are still caught', async () => {
    const c = k.client;
    for (const code of ['while true { }', 'eval("while true { }")']) {
      const id = start(code);
      await c.waitFor((m) => m.header.msg_type === 'execute_input' && m.parent_header.msg_id === id);
      await new Promise((r) => setTimeout(r, 300));
      const { msgId: irId } = await c.request('control', 'interrupt_request');
      const cell = await finish(id, 5000, [irId]);
      expectError(cell, 'KeyboardInterrupt', 'interrupted');
      expect(cell.types).toEqual(['execute_input', 'error']);
    }
    expectError(await run('let a = [1, 2, 3]\na[10]'), 'IndexError', 'index 10 out of range for length 3');
    expectError(await run('fn r(n: int) -> int { return r(n + 1) + 1 }\nr(0)'), 'RecursionError', /.+/);
    const deep = await run('fn deep(n: int) -> int {\n    if n == 0 { return 0 }\n    return deep(n - 1) + 1\n}\ndeep(9000)');
    expect(plain(deep.body[1])).toBe('9000');
    expect(plain((await run('answer')).body[1])).toBe('"again"');
  });
});
