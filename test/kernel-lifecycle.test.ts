// Shutdown (request and SIGTERM) while JIT code runs a tight loop, the ipc transport, ports
// and keys from the connection file. (An engine that cannot load or whose worker dies:
// protocol-inproc.test.ts.)
import { readFileSync } from 'node:fs';
import * as net from 'node:net';
import type { Connection } from './support/client';
import { Client, FAKE_ENGINE, startKernel } from './support/client';

jest.setTimeout(30000);
const env = {};

test('shutdown_request during a running loop: reply, then exit within 1 s', async () => {
  const k = await startKernel({ env });
  try {
    const c = k.client;
    const run = c.send('shell', 'execute_request', { code: 'while true { }' });
    await c.waitFor((m) => m.header.msg_type === 'execute_input' && m.parent_header.msg_id === run);
    await new Promise((r) => setTimeout(r, 300)); // compiled and spinning in JIT code
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
    await new Promise((r) => setTimeout(r, 300));
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

test('a port from the connection file already in use: one clear line, exit 1 at once', async () => {
  const squatter = net.createServer();
  await new Promise<void>((r) => squatter.listen(0, '127.0.0.1', r));
  const busy = (squatter.address() as net.AddressInfo).port;
  const k = await startKernel({ env: { KILN_ENGINE_MODULE: FAKE_ENGINE }, ready: false, connection: (info) => (info.control_port = busy) });
  try {
    const code = await Promise.race([k.exited, new Promise((r) => setTimeout(() => r('still running'), 5000).unref())]);
    expect(code).toBe(1);
    expect(k.stderr()).toBe(`[kiln] cannot start: cannot listen on tcp://127.0.0.1:${busy} (control_port in the connection file): Address already in use\n`);
  } finally {
    squatter.close();
    await k.stop();
  }
});

const PORT_NAMES = ['shell_port', 'control_port', 'stdin_port', 'iopub_port', 'hb_port'] as const;

test('port 0 in the connection file: the kernel binds free ports and writes them into the file', async () => {
  const k = await startKernel({ env: { KILN_ENGINE_MODULE: FAKE_ENGINE }, ready: false, connection: (info) => PORT_NAMES.forEach((p) => (info[p] = 0)) });
  let client: Client | undefined;
  try {
    let written: Connection = k.info;
    for (let tries = 0; tries < 100 && PORT_NAMES.some((p) => written[p] === 0); tries++) {
      await new Promise((r) => setTimeout(r, 50));
      written = JSON.parse(readFileSync(k.file, 'utf8'));
    }
    expect(PORT_NAMES.map((p) => written[p] > 0)).toEqual([true, true, true, true, true]);
    expect(new Set(PORT_NAMES.map((p) => written[p])).size).toBe(5);
    expect({ ...written, ...Object.fromEntries(PORT_NAMES.map((p) => [p, 0])) }).toEqual(k.info);
    client = new Client(written);
    await client.ready();
    expect((await client.execute('let a = 6 * 7')).reply.content.status).toBe('ok');
    expect(await client.heartbeat()).toBe(true);
  } finally {
    client?.close();
    await k.stop();
  }
});

test('an empty key: one warning that signing is off, and unsigned messages are served', async () => {
  const k = await startKernel({ env: { KILN_ENGINE_MODULE: FAKE_ENGINE }, connection: (info) => (info.key = '') });
  try {
    const { iopub } = await k.client.execute('6 * 7');
    expect(iopub.find((m) => m.header.msg_type === 'execute_result')?.content.data).toEqual({ 'text/plain': '42' });
    expect(k.stderr().split('\n').filter((l) => /signing/.test(l))).toEqual([
      '[kiln] the connection file has an empty key: message signing is disabled. This is insecure and not recommended!',
    ]);
  } finally {
    await k.stop();
  }
});
