// Protocol tests against the kernel process, with the engine double (test/support/fake-engine.js)
// so that they pin the wire behaviour independently of the compiler.
import { FAKE_ENGINE, RunningKernel, startKernel } from './support/client';

jest.setTimeout(30000);

let k: RunningKernel;
beforeAll(async () => {
  k = await startKernel({ env: { KILN_ENGINE_MODULE: FAKE_ENGINE } });
});
afterAll(async () => {
  await k?.stop();
});

test('kernel_info on shell and control', async () => {
  for (const ch of ['shell', 'control'] as const) {
    const { reply, iopub } = await k.client.request(ch, 'kernel_info_request');
    expect(reply.header.msg_type).toBe('kernel_info_reply');
    expect(reply.channel).toBe(ch);
    expect(reply.content).toMatchObject({
      status: 'ok',
      protocol_version: '5.3',
      implementation: 'kiln',
      language_info: { name: 'kiln', version: '0.1', mimetype: 'text/x-kiln', file_extension: '.kiln', pygments_lexer: 'rust', codemirror_mode: 'rust' },
    });
    expect(iopub.map((m) => m.content.execution_state)).toEqual(['busy', 'idle']);
  }
});

test('execute: busy, execute_input, stream, execute_result, idle', async () => {
  await k.client.execute('let x = 40');
  const { reply, iopub } = await k.client.execute('print("hi")\nx + 2');
  expect(reply.content).toMatchObject({ status: 'ok', execution_count: 2, user_expressions: {} });
  expect(iopub.map((m) => m.header.msg_type)).toEqual(['status', 'execute_input', 'stream', 'execute_result', 'status']);
  expect(iopub[1].content).toEqual({ code: 'print("hi")\nx + 2', execution_count: 2 });
  expect(iopub[2].content).toEqual({ name: 'stdout', text: 'hi\n' });
  expect(iopub[3].content).toEqual({ execution_count: 2, data: { 'text/plain': '42' }, metadata: {} });
});
