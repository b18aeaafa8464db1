// Back-pressure from a slow front end: while the only iopub reader does not read, a cell that
// prints far more than the kernel may buffer waits (memory stays bounded) instead of running
// to its end with the output piled up in the kernel; once the reader reads, every line
// arrives in order and the cell ends with status idle.
import type * as zmq from 'zeromq';
import type { RunningKernel } from './support/client';
import { startKernel } from './support/client';

jest.setTimeout(120000);

const LINES = 5_000_000; // ≈ 39 MB of text: far beyond what iopub and the worker may hold
const DELIM = Buffer.from('<IDS|MSG>');

let k: RunningKernel;
let reader: zmq.Subscriber | undefined;
beforeEach(async () => {
  k = await startKernel();
  await k.client.execute('let kept = 41', {}, 60000);
});
afterEach(async () => {
  reader?.close();
  await k.stop();
});

/** Makes `reader` (it reads only when the test receives) the only iopub reader; starts the print loop. */
async function printLoopBehindSlowReader(): Promise<string> {
  reader = await k.client.separateIopubReader();
  return k.client.send('shell', 'execute_request', { code: `for i in 0..${LINES} { print(i) }`, silent: false, store_history: true, user_expressions: {}, allow_stdin: false });
}

test('a front end that stops reading iopub holds the cell; no line is lost when it reads again', async () => {
  const c = k.client;
  const run = await printLoopBehindSlowReader();
  // Without back-pressure this cell ends in a few seconds, its output queued in the kernel.
  await expect(c.reply(run, 5000)).rejects.toThrow(/timed out/);
  let next = 0;
  let partial = '';
  let idle = false;
  while (!idle) {
    const frames = await reader!.receive();
    const d = frames.findIndex((f) => f.equals(DELIM));
    if (JSON.parse(frames[d + 3].toString()).msg_id !== run) continue;
    const type = JSON.parse(frames[d + 2].toString()).msg_type;
    const content = JSON.parse(frames[d + 5].toString());
    if (type === 'status' && content.execution_state === 'idle') idle = true;
    if (type !== 'stream') continue;
    const lines = (partial + content.text).split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      if (line !== String(next)) throw new Error(`line ${next} arrived as ${JSON.stringify(line)}`);
      next++;
    }
  }
  expect([next, partial]).toEqual([LINES, '']);
  expect((await c.reply(run, 10000)).content.status).toBe('ok');
});

test('an interrupt ends a cell held by a reader that stopped reading; the session is intact', async () => {
  const c = k.client;
  const run = await printLoopBehindSlowReader();
  await expect(c.reply(run, 2000)).rejects.toThrow(/timed out/); // held: the reader reads nothing
  c.send('control', 'interrupt_request');
  expect((await c.reply(run, 5000)).content).toMatchObject({ status: 'error', ename: 'KeyboardInterrupt' });
  reader!.close();
  reader = undefined;
  c.iopub.subscribe();
  await new Promise((r) => setTimeout(r, 300));
  const { iopub } = await c.execute('kept + 1');
  expect(iopub.find((m) => m.header.msg_type === 'execute_result')?.content.data).toEqual({ 'text/plain': '42' });
});
