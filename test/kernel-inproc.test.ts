// The kernel in-process on a scripted engine double (test/support/in-process.ts): the paths
// no real engine takes on demand — requests the engine fails, an engine that never stops —
// and the back-pressure contract (an output's `sent` runs once its message is handed over).
import type { InProcessKernel } from './support/in-process';
import { scriptedEngine, startInProcessKernel } from './support/in-process';

let k: InProcessKernel | undefined;
afterEach(async () => {
  await k?.stop();
  k = undefined;
});

test('the engine fails a request: complete and inspect reply an EngineError, is_complete answers unknown', async () => {
  const boom = () => Promise.reject(new Error('the engine worker exited (code 3)'));
  k = await startInProcessKernel({ engine: () => scriptedEngine({ complete: boom, inspect: boom, isComplete: boom }) });
  const c = k.client;
  const error = { status: 'error', ename: 'EngineError', evalue: 'the engine worker exited (code 3)', traceback: [] };
  expect((await c.request('shell', 'complete_request', { code: 'pri', cursor_pos: 3 })).reply.content).toEqual(error);
  expect((await c.request('shell', 'inspect_request', { code: 'pri', cursor_pos: 3 })).reply.content).toEqual(error);
  expect((await c.request('shell', 'is_complete_request', { code: 'pri' })).reply.content).toEqual({ status: 'unknown' });
  expect(k.stderr()).toContain('is_complete failed: the engine worker exited (code 3)');
  expect((await c.execute('1')).reply.content).toMatchObject({ status: 'error', ename: 'EngineError', evalue: 'execute is not scripted' });
});

test("an output's `sent` runs once its iopub message is handed over; the reply waits for the engine", async () => {
  k = await startInProcessKernel({
    engine: () =>
      scriptedEngine({
        execute: (code, cell, allowStdin, userExpressions, callbacks) =>
          new Promise((resolve) => {
            callbacks.output({ type: 'display', data: { 'text/plain': code } }, () =>
              resolve({ outcome: { status: 'ok', result: { 'text/plain': `cell ${cell}` } }, userExpressions: {} }),
            );
          }),
      }),
  });
  const { reply, iopub } = await k.client.execute('shown');
  expect(iopub.slice(1, -1).map((m) => [m.header.msg_type, m.content])).toEqual([
    ['execute_input', { code: 'shown', execution_count: 1 }],
    ['display_data', { data: { 'text/plain': 'shown' }, metadata: {}, transient: {} }],
    ['execute_result', { execution_count: 1, data: { 'text/plain': 'cell 1' }, metadata: {} }],
  ]);
  expect(reply.content).toEqual({ status: 'ok', execution_count: 1, payload: [], user_expressions: {} });
});

test('an engine that never stops: shutdown gives up on it, says so, and kills the process', async () => {
  const stuck = await startInProcessKernel({ engine: () => scriptedEngine({ stop: () => new Promise(() => undefined) }) });
  const id = stuck.client.send('shell', 'shutdown_request', { restart: false });
  expect((await stuck.client.reply(id)).content).toEqual({ status: 'ok', restart: false });
  for (let i = 0; i < 200 && stuck.exits.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
  // -1: the kill hook (SIGKILL in the kernel process), then the exit.
  expect(stuck.exits).toEqual([-1, 0]);
  expect(stuck.stderr()).toContain('the engine worker did not stop: killing the process');
});

test('kernel_info_reply waits until the engine is ready (loaded and warmed up), on shell and on control', async () => {
  let engineReady!: () => void;
  const ready = new Promise<void>((resolve) => (engineReady = resolve));
  k = await startInProcessKernel({ engine: () => scriptedEngine({ ready }) });
  const c = k.client;
  const onShell = c.send('shell', 'kernel_info_request');
  const onControl = c.send('control', 'kernel_info_request');
  const busy = (id: string) => c.waitFor((m) => m.header.msg_type === 'status' && m.parent_header.msg_id === id && m.content.execution_state === 'busy');
  await Promise.all([busy(onShell), busy(onControl)]);
  await new Promise((r) => setTimeout(r, 50));
  expect(c.received.filter((m) => m.header.msg_type === 'kernel_info_reply')).toEqual([]);
  engineReady();
  const replies = await Promise.all([c.reply(onShell), c.reply(onControl)]);
  expect(replies.map((r) => [r.channel, r.content.status, r.content.implementation])).toEqual([
    ['shell', 'ok', 'kiln'],
    ['control', 'ok', 'kiln'],
  ]);
});

test('Run All past a quick failure: a request that arrives before the error reply is sent is aborted; one sent after it runs', async () => {
  const ran: string[] = [];
  k = await startInProcessKernel({
    engine: () =>
      scriptedEngine({
        execute: async (code) => {
          ran.push(code);
          return code === 'boom'
            ? { outcome: { status: 'error', ename: 'ValueError', evalue: 'boom', traceback: [] }, userExpressions: {} }
            : { outcome: { status: 'ok' }, userExpressions: {} };
        },
      }),
  });
  const c = k.client;
  const cell = (code: string) => c.send('shell', 'execute_request', { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true });
  const boom = cell('boom');
  // As Lab's Run All does, the next cell's request comes a little later: here once the error is shown.
  await c.waitFor((m) => m.header.msg_type === 'error' && m.parent_header.msg_id === boom);
  const next = cell('next');
  expect((await c.reply(boom)).content.status).toBe('error');
  expect((await c.reply(next)).content).toEqual({ status: 'aborted' });
  expect(ran).toEqual(['boom']);
  expect((await c.execute('later')).reply.content.status).toBe('ok');
  expect(ran).toEqual(['boom', 'later']);
});
