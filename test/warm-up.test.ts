// The engine's warm-up (kernel/engine/warm-up.ts) and the chart renderer that starts with the
// first chart: a fresh kernel warms its engine up while it is idle, and neither may be seen
// by the user. Engine level through a Session as the kernel drives it, then a real
// kernel over zeromq.
import { renderChart, stopPlotWorker } from '../kernel/engine/display/plots';
import { readFileSync } from 'node:fs';
import { llvmImagePaths, nodeImagePath } from '../kernel/engine/native';
import { setInterruptWord } from '../kernel/engine/interrupt-word';
import { INTERRUPT_REQUESTED } from '../kernel/engine/runtime-abi';
import { TestSession } from './support/engine';
import { Msg, RunningKernel, startKernel } from './support/client';

jest.setTimeout(90000);

/** MiB of node's own image resident in this process (/proc/self/smaps). */
function nodeImageResidentMiB(): number {
  let inImage = false;
  let kib = 0;
  for (const line of readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
    if (/^[0-9a-f]+-[0-9a-f]+ /.test(line)) inImage = line.endsWith(` ${nodeImagePath()}`);
    else if (inImage && line.startsWith('Rss:')) kib += Number(line.split(/\s+/)[1]);
  }
  return kib / 1024;
}

/** The warm-up as the kernel's worker runs it when no cell comes meanwhile. */
function warmUp(k: TestSession): void {
  k.session.releaseLoadPages();
  for (const step of k.session.warmUpSteps()) step();
}

describe('the warm-up of a Session', () => {
  test('leaves the session as new after each step: nothing defined, nothing shown, cells run as before', () => {
    const k = new TestSession();
    k.session.releaseLoadPages();
    for (const step of k.session.warmUpSteps()) {
      step();
      expect(k.outputs).toEqual([]);
      expect(k.session.env.functions.size + k.session.env.globals.size + k.session.env.structs.size).toBe(0);
    }
    const who = k.run('%who');
    expect(who.outputs).toEqual([{ type: 'display', data: { 'text/plain': 'the session is empty' } }]);
    expect(k.ok('fn f(x: int) -> int { return x + 1 }\nf(1)')).toBe('2');
    expect(k.ok('1 + 1')).toBe('2');
  });

  test('run after the user\'s cells, the steps leave their definitions as they were', () => {
    const k = new TestSession();
    k.ok('let kept = 41\nfn bump(x: int) -> int { return x + 1 }');
    const who = k.run('%who').outputs;
    warmUp(k);
    expect(k.run('%who').outputs).toEqual(who);
    expect(k.ok('bump(kept)')).toBe('42');
  });

  test('an interrupt that arrives during the warm-up is left for the next cell', () => {
    const k = new TestSession();
    setInterruptWord(k.interruptFlag, INTERRUPT_REQUESTED);
    warmUp(k);
    expect(Atomics.load(k.interruptFlag, 0)).toBe(1);
    expect(k.run('while true { }').error).toBe('KeyboardInterrupt: interrupted');
    expect(Atomics.load(k.interruptFlag, 0)).toBe(0);
    expect(k.ok('1 + 1')).toBe('2');
  });

  test('the images whose load-time pages it releases are the loaded llvm-bindings and addon', () => {
    const images = llvmImagePaths();
    expect(images.map((f) => f.split('/').pop()).sort()).toEqual(['kiln_native.node', 'llvm-bindings.node']);
    // Its read-only segments: the relocation tables, the code and the constants (tens of MB).
    expect(new TestSession().session.native.releaseLoadPages(images)).toBeGreaterThan(10 * 2 ** 20);
    expect(new TestSession().session.native.releaseLoadPages(['/no/such/object.node'])).toBe(0);
  });

  test('its last step hands back node\'s own start-up pages; cells run as before', () => {
    const k = new TestSession();
    const steps = k.session.warmUpSteps();
    for (const step of steps.slice(0, -1)) step();
    const before = nodeImageResidentMiB();
    steps[steps.length - 1]();
    // The main program's read-only segments (node has no name in the loader's list: it is
    // found by its executable's path); what is used again comes back with minor faults.
    // How much is resident, and so released, depends on what this process ran since the last
    // release: in a test process where earlier files already released them, under 1 MiB.
    expect(nodeImageResidentMiB()).toBeLessThan(before);
    expect(k.session.native.releaseLoadPages([nodeImagePath()])).toBeGreaterThan(50 * 2 ** 20);
    expect(k.ok('fn triple(x: int) -> int { return x * 3 }\ntriple(2)')).toBe('6');
    expect(k.run('print("still here")').stdout).toBe('still here\n');
  });
});

/** The iopub messages of a request, as [msg_type, text/plain or stream text or ename]. */
function shown(k: RunningKernel, msgId: string): [string, unknown][] {
  return k.client.iopubFor(msgId).map((m: Msg) => {
    const c = m.content;
    const what = c.execution_state ?? c.data?.['text/plain'] ?? c.text ?? c.ename ?? c.code;
    return [m.header.msg_type, what];
  });
}

describe('a fresh kernel', () => {
  let k: RunningKernel;
  beforeEach(async () => {
    k = await startKernel();
  });
  afterEach(async () => {
    await k?.stop();
  });

  test('the warm-up is invisible: the first cell is execution_count 1, %who is empty, nothing shown before', async () => {
    const who = await k.client.execute('%who');
    expect(who.reply.content).toMatchObject({ status: 'ok', execution_count: 1 });
    expect(shown(k, who.msgId)).toEqual([
      ['status', 'busy'],
      ['execute_input', '%who'],
      ['display_data', 'the session is empty'],
      ['status', 'idle'],
    ]);
    // Before the first cell, iopub carried only the statuses of kernel_info requests.
    const before = k.client.received.filter((m) => m.channel === 'iopub' && m.parent_header.msg_id !== who.msgId);
    expect(new Set(before.map((m) => m.header.msg_type))).toEqual(new Set(['status']));
    const fn = await k.client.execute('fn f(x: int) -> int { return x + 1 }\nf(1)');
    expect(fn.reply.content).toMatchObject({ status: 'ok', execution_count: 2 });
    expect(shown(k, fn.msgId)[2]).toEqual(['execute_result', '2']);
    expect(k.stderr()).toBe(''); // a failed warm-up would say so here
  });

  test('the first chart of a fresh kernel starts the renderer and draws exactly what the renderer draws', async () => {
    const c = await k.client.execute('plot([1.0, 2.0, 3.0], [1.0, 4.0, 9.0], "First")', {}, 60000);
    expect(c.reply.content).toMatchObject({ status: 'ok', execution_count: 1 });
    const displays = k.client.iopubFor(c.msgId).filter((m) => m.header.msg_type === 'display_data');
    expect(displays).toHaveLength(1);
    const expected = renderChart({ kind: 'line', xs: [1, 2, 3], ys: [1, 4, 9], title: 'First' });
    expect(displays[0].content.data).toEqual(expected);
    expect(expected['text/plain']).toBe('<line chart "First": 3 points>');
    expect(expected['image/svg+xml']).toMatch(/^<svg[\s\S]*First[\s\S]*<\/svg>$/);
  });
});

describe('a kernel asked to run a cell before it is up', () => {
  let k: RunningKernel;
  afterEach(async () => {
    await k?.stop();
  });

  test('keeps what that cell defined, whatever warm-up step runs after it', async () => {
    k = await startKernel({ ready: false });
    const execute = (code: string, userExpressions: Record<string, string> = {}) =>
      k.client.send('shell', 'execute_request', { code, silent: false, store_history: true, user_expressions: userExpressions, allow_stdin: false, stop_on_error: true });
    // Sent at once: the shell socket delivers it as soon as the kernel binds, while its
    // engine is still loading or warming up.
    const first = await k.client.reply(execute('let early = 41\nfn early_fn(x: int) -> int { return x + 1 }'), 60000);
    expect(first.content).toMatchObject({ status: 'ok', execution_count: 1 });
    // Room for the warm-up steps that follow the cell: they must leave the session as it is.
    await new Promise((r) => setTimeout(r, 1500));
    const second = await k.client.reply(execute('1 + 1', { value: 'early_fn(early)' }), 60000);
    expect(second.content).toMatchObject({ status: 'ok', execution_count: 2 });
    expect(second.content.user_expressions).toEqual({ value: { status: 'ok', data: { 'text/plain': '42' }, metadata: {} } });
  });
});

afterAll(() => stopPlotWorker());
