// The kernel with the real engine (kernel/engine/session.ts in the worker): what a user sees.
import { RunningKernel, startKernel } from './support/client';

jest.setTimeout(60000);

let k: RunningKernel;
beforeAll(async () => {
  k = await startKernel();
});
afterAll(async () => {
  await k?.stop();
});

const result = (iopub: { header: { msg_type: string }; content: Record<string, any> }[]) => // eslint-disable-line @typescript-eslint/no-explicit-any
  iopub.find((m) => m.header.msg_type === 'execute_result')?.content;

test('globals across cells; execute_result with the execution count', async () => {
  const first = await k.client.execute('let x = 40');
  expect(first.reply.content).toMatchObject({ status: 'ok' });
  const { reply, iopub } = await k.client.execute('x + 2');
  expect(reply.content.status).toBe('ok');
  expect(iopub.map((m) => m.header.msg_type)).toEqual(['status', 'execute_input', 'execute_result', 'status']);
  expect(result(iopub)).toEqual({ execution_count: reply.content.execution_count, data: expect.objectContaining({ 'text/plain': '42' }), metadata: {} });
});

test('print: stream stdout, in order before the result', async () => {
  const { iopub } = await k.client.execute('print("hi")\n1 + 1');
  expect(iopub.map((m) => m.header.msg_type)).toEqual(['status', 'execute_input', 'stream', 'execute_result', 'status']);
  expect(iopub[2].content).toEqual({ name: 'stdout', text: 'hi\n' });
  expect(result(iopub)?.data['text/plain']).toBe('2');
});

test('runtime error: ZeroDivisionError on iopub and in the reply', async () => {
  const { reply, iopub } = await k.client.execute('1 / 0');
  expect(reply.content).toMatchObject({ status: 'error', ename: 'ZeroDivisionError' });
  const err = iopub.find((m) => m.header.msg_type === 'error');
  expect(err?.content).toMatchObject({ ename: 'ZeroDivisionError', evalue: reply.content.evalue });
  expect(err?.content.traceback.at(-1)).toContain('ZeroDivisionError');
});

test('html(): display_data text/html', async () => {
  const { iopub } = await k.client.execute('html("<b>x</b>")');
  const d = iopub.find((m) => m.header.msg_type === 'display_data');
  expect(d?.content.data['text/html']).toBe('<b>x</b>');
});

test('user_expressions evaluated by the engine', async () => {
  const { reply } = await k.client.execute('let y = 5', { user_expressions: { a: 'y * 2', b: 'nope' } });
  expect(reply.content.user_expressions.a).toMatchObject({ status: 'ok', data: { 'text/plain': '10' } });
  expect(reply.content.user_expressions.b).toMatchObject({ status: 'error', ename: 'NameError' });
});

/** Runs `code`, lets it spin for 300 ms, interrupts it with `interrupt`, and expects the
 *  KeyboardInterrupt reply within 1 s. */
async function interruptRunning(code: string, interrupt: () => void): Promise<void> {
  const c = k.client;
  const run = c.send('shell', 'execute_request', { code });
  await c.waitFor((m) => m.header.msg_type === 'execute_input' && m.parent_header.msg_id === run);
  await new Promise((r) => setTimeout(r, 300)); // let it compile and spin
  expect(await c.heartbeat()).toBe(true);
  const t0 = Date.now();
  interrupt();
  const r = await c.reply(run, 3000);
  expect(Date.now() - t0).toBeLessThan(1000);
  expect(r.content).toMatchObject({ status: 'error', ename: 'KeyboardInterrupt' });
}

test('interrupt_request ends `while true { }` within 1 s; the session is intact', async () => {
  await interruptRunning('while true { }', () => k.client.send('control', 'interrupt_request'));
  expect(result((await k.client.execute('x + 1')).iopub)?.data['text/plain']).toBe('41');
});

test('interrupt_request ends a recursion without loops within 1 s; the recursion limit is intact', async () => {
  const c = k.client;
  await c.execute('fn fib(n: int) -> int {\n    if n < 2 { return n }\n    return fib(n - 1) + fib(n - 2)\n}\nfn deep(n: int) -> int { if n == 0 { return 0 } return 1 + deep(n - 1) }');
  await interruptRunning('fib(90)', () => c.send('control', 'interrupt_request'));
  expect(result((await c.execute('deep(9998)')).iopub)?.data['text/plain']).toBe('9998');
  expect((await c.execute('deep(9999)')).reply.content).toMatchObject({ status: 'error', ename: 'RecursionError' });
});

test('SIGINT ends `while true { }` within 1 s; the session is intact', async () => {
  await interruptRunning('while true { }', () => k.proc.kill('SIGINT'));
  expect(result((await k.client.execute('x + 3')).iopub)?.data['text/plain']).toBe('43');
});

test('input(): stdin round trip', async () => {
  const c = k.client;
  const run = c.send('shell', 'execute_request', { code: 'let name = input("name? ")', allow_stdin: true });
  const req = await c.waitFor((m) => m.channel === 'stdin' && m.header.msg_type === 'input_request' && m.parent_header.msg_id === run);
  expect(req.content).toEqual({ prompt: 'name? ', password: false });
  c.send('stdin', 'input_reply', { value: 'Ada' }, req.header);
  expect((await c.reply(run)).content.status).toBe('ok');
  const { iopub } = await c.execute('print(name)');
  expect(iopub.find((m) => m.header.msg_type === 'stream')?.content.text).toBe('Ada\n');
});

test('input() without allow_stdin is an error in the cell', async () => {
  const { reply } = await k.client.execute('let n2 = input("? ")', { allow_stdin: false });
  expect(reply.content).toMatchObject({ status: 'error', ename: 'InputError' });
});

test('complete, inspect, is_complete through the engine', async () => {
  const c = k.client;
  await c.execute('/// Doubles n.\nfn twice(n: int) -> int { return n * 2 }');
  const comp = (await c.request('shell', 'complete_request', { code: 'twi', cursor_pos: 3 })).reply.content;
  expect(comp).toMatchObject({ status: 'ok', cursor_start: 0, cursor_end: 3 });
  expect(comp.matches).toContain('twice');
  const insp = (await c.request('shell', 'inspect_request', { code: 'twice(2)', cursor_pos: 2, detail_level: 0 })).reply.content;
  expect(insp).toMatchObject({ status: 'ok', found: true });
  expect(insp.data['text/plain']).toContain('Doubles n.');
  const ic = (await c.request('shell', 'is_complete_request', { code: 'fn f() {' })).reply.content;
  expect(ic.status).toBe('incomplete');
  expect((await c.request('shell', 'is_complete_request', { code: 'let a = 1' })).reply.content.status).toBe('complete');
});
