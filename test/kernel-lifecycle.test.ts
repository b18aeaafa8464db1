// Shutdown (request and SIGTERM) while a cell runs a tight loop, and the ipc transport.
import { FAKE_ENGINE, startKernel } from './support/client';

jest.setTimeout(30000);
const env = { KILN_ENGINE_MODULE: process.env.KILN_TEST_ENGINE === 'real' ? '' : FAKE_ENGINE };

test('shutdown_request during a running loop: reply, then exit within 1 s', async () => {
  const k = await startKernel({ env });
  try {
    const c = k.client;
    const run = c.send('shell', 'execute_request', { code: 'while true { }' });
    await c.waitFor((m) => m.header.msg_type === 'execute_input' && m.parent_header.msg_id === run);
    const t0 = Date.now();
    const id = c.send('control', 'shutdown_request', { restart: true });
    const reply = await c.reply(id, 2000);
    expect(reply.content).toEqual({ status: 'ok', restart: true });
    const code = await k.exited;
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(code).toBe(0);
  } finally {
    await k.stop();
  }
});

test('SIGTERM during a running loop exits within 1 s', async () => {
  const k = await startKernel({ env });
  try {
    const run = k.client.send('shell', 'execute_request', { code: 'while true { }' });
    await k.client.waitFor((m) => m.header.msg_type === 'execute_input' && m.parent_header.msg_id === run);
    const t0 = Date.now();
    k.proc.kill('SIGTERM');
    expect(await k.exited).toBe(0);
    expect(Date.now() - t0).toBeLessThan(1000);
  } finally {
    await k.stop();
  }
});

test('ipc transport', async () => {
  const k = await startKernel({ env, transport: 'ipc' });
  try {
    const { reply } = await k.client.request('shell', 'kernel_info_request');
    expect(reply.content.implementation).toBe('kiln');
    expect(await k.client.heartbeat()).toBe(true);
  } finally {
    await k.stop();
  }
});
