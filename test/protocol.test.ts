// Protocol tests against the kernel process over real zeromq and the real engine: replies
// routed to the socket that asked, heartbeat and control while a cell computes, interrupts
// (interrupt_request and SIGINT), the awaited send queue, and engine features end to end.
// Message handling alone is tested in-process, in protocol-inproc.test.ts.
import { RunningKernel, startKernel } from './support/client';

jest.setTimeout(30000);

let k: RunningKernel;
beforeAll(async () => {
  k = await startKernel();
});
afterAll(async () => {
  await k?.stop();
});

test('over zeromq: kernel_info answered on the socket that asked; a bad signature refused', async () => {
  for (const ch of ['shell', 'control'] as const) {
    const { reply, iopub } = await k.client.request(ch, 'kernel_info_request');
    expect([reply.channel, reply.header.msg_type, reply.content.implementation]).toEqual([ch, 'kernel_info_reply', 'kiln']);
    expect(iopub.map((m) => m.content.execution_state)).toEqual(['busy', 'idle']);
  }
  const bad = k.client.frames('kernel_info_request', {});
  bad.frames[1] = Buffer.from('0'.repeat(64));
  await k.client.sendFrames('shell', bad.frames);
  // Frames on one socket are handled in order: this reply comes after the refusal.
  expect((await k.client.request('shell', 'kernel_info_request')).reply.content.status).toBe('ok');
  expect(k.client.received.filter((m) => m.parent_header.msg_id === bad.msgId)).toEqual([]);
  expect(k.stderr()).toMatch(/shell: refused message: invalid signature/);
});

test('maps over the wire: a map result, KeyError and RuntimeError as errors', async () => {
  const ok = await k.client.execute('let ages = {"ann": 31, "bob": 27}\nages');
  expect(ok.iopub.find((m) => m.header.msg_type === 'execute_result')?.content.data).toEqual({ 'text/plain': '{"ann": 31, "bob": 27}' });
  const missing = await k.client.execute('ages["cy"]');
  expect(missing.reply.content).toMatchObject({ status: 'error', ename: 'KeyError', evalue: '"cy"' });
  expect(missing.reply.content.traceback.at(-1)).toBe('KeyError: "cy"');
  const changed = await k.client.execute('for name in ages { ages[name + "!"] = 0 }');
  expect(changed.reply.content).toMatchObject({ status: 'error', ename: 'RuntimeError', evalue: 'map changed size during iteration' });
  expect(changed.iopub.find((m) => m.header.msg_type === 'error')?.content).toMatchObject({ ename: 'RuntimeError', traceback: changed.reply.content.traceback });
});

test('C libraries over the wire: an ImportError compile error and a fault in C as a RuntimeError', async () => {
  const missing = await k.client.execute('let lib_kept = 1\nextern "libnope.so.9" fn gone() -> int');
  expect(missing.reply.content).toMatchObject({
    status: 'error',
    ename: 'ImportError',
    evalue: 'cannot load libnope.so.9: libnope.so.9: cannot open shared object file: No such file or directory',
  });
  expect(missing.reply.content.traceback.slice(1)).toEqual([
    '    extern "libnope.so.9" fn gone() -> int',
    '           ^^^^^^^^^^^^^^',
    'ImportError: cannot load libnope.so.9: libnope.so.9: cannot open shared object file: No such file or directory',
  ]);
  expect(missing.iopub.find((m) => m.header.msg_type === 'error')?.content).toMatchObject({ ename: 'ImportError', traceback: missing.reply.content.traceback });
  expect((await k.client.execute('lib_kept')).reply.content).toMatchObject({ status: 'error', ename: 'NameError' });

  const fault = await k.client.execute('extern "libc.so.6" fn strlen(s: ptr) -> u64\nstrlen(null)');
  expect(fault.reply.content).toMatchObject({
    status: 'error',
    ename: 'RuntimeError',
    evalue: 'segmentation fault in C function strlen (invalid memory access at 0x0)',
  });
  expect(fault.reply.content.traceback.at(-1)).toBe('RuntimeError: segmentation fault in C function strlen (invalid memory access at 0x0)');
  expect(fault.iopub.find((m) => m.header.msg_type === 'error')?.content).toMatchObject({ ename: 'RuntimeError', traceback: fault.reply.content.traceback });
  const alive = await k.client.execute('extern "libz.so.1" fn crc32(crc: u64, buf: str, len: u32) -> u64\ncrc32(0, "hello", 5)');
  expect(alive.iopub.find((m) => m.header.msg_type === 'execute_result')?.content.data).toEqual({ 'text/plain': '907060870' });
});

test('functions as values over the wire: results, a traceback through an anonymous function, inspect', async () => {
  const made = await k.client.execute('let scale = 3\nlet times = fn(x: int) -> int { return x * scale }\nmap([1, 2], times)');
  expect(made.iopub.find((m) => m.header.msg_type === 'execute_result')?.content.data).toEqual({ 'text/plain': '[3, 6]' });
  const shown = await k.client.execute('times');
  expect(shown.iopub.find((m) => m.header.msg_type === 'execute_result')?.content.data).toEqual({ 'text/plain': '<fn(x: int) -> int>' });
  const failed = await k.client.execute('map([0], fn(d: int) -> int { return 1 / d })');
  expect(failed.reply.content).toMatchObject({ status: 'error', ename: 'ZeroDivisionError' });
  expect(failed.reply.content.traceback.slice(-2)).toEqual([expect.stringMatching(/^ {2}cell \d+, line 1, in <fn>$/), 'ZeroDivisionError: integer division or modulo by zero']);
  const { reply: insp } = await k.client.request('shell', 'inspect_request', { code: 'times', cursor_pos: 5, detail_level: 0 });
  expect(insp.content).toMatchObject({ status: 'ok', found: true, data: { 'text/plain': 'times: fn(int) -> int\n(global)' } });
});

test('heartbeat and control answer while a cell computes; interrupt_request ends it', async () => {
  const c = k.client;
  const run = c.send('shell', 'execute_request', { code: 'let z = 7\nwhile true { }', silent: false });
  await c.waitFor((m) => m.header.msg_type === 'execute_input' && m.parent_header.msg_id === run);
  await new Promise((r) => setTimeout(r, 100));
  expect(await c.heartbeat()).toBe(true);
  const info = await c.request('control', 'kernel_info_request');
  expect(info.reply.content.implementation).toBe('kiln');
  const t0 = Date.now();
  const { reply: ir } = await c.request('control', 'interrupt_request');
  expect(ir.content).toEqual({ status: 'ok' });
  const r = await c.reply(run, 2000);
  expect(Date.now() - t0).toBeLessThan(1000);
  expect(r.content).toMatchObject({ status: 'error', ename: 'KeyboardInterrupt' });
  const after = await c.execute('z');
  expect(after.iopub.find((m) => m.header.msg_type === 'execute_result')?.content.data['text/plain']).toBe('7');
});

test('SIGINT interrupts the running cell', async () => {
  const c = k.client;
  const run = c.send('shell', 'execute_request', { code: 'while true { }' });
  await c.waitFor((m) => m.header.msg_type === 'execute_input' && m.parent_header.msg_id === run);
  await new Promise((r) => setTimeout(r, 50));
  const t0 = Date.now();
  k.proc.kill('SIGINT');
  const r = await c.reply(run, 2000);
  expect(Date.now() - t0).toBeLessThan(1000);
  expect(r.content.ename).toBe('KeyboardInterrupt');
  expect((await c.execute('z + 1')).iopub.find((m) => m.header.msg_type === 'execute_result')?.content.data['text/plain']).toBe('8');
});

test('an interrupt while idle does not hit the next cell', async () => {
  await k.client.request('control', 'interrupt_request');
  k.proc.kill('SIGINT');
  await new Promise((r) => setTimeout(r, 50));
  expect((await k.client.execute('let t2 = clock()\nwhile clock() - t2 < 0.02 { }\nprint("fine")')).reply.content.status).toBe('ok');
});

test('thousands of iopub messages from one cell all arrive, in order (awaited send queue)', async () => {
  const { reply, iopub } = await k.client.execute('for i in 0..3000 { display("text/plain", str(i)) }\nprint("end")', {}, 60000);
  expect(reply.content.status).toBe('ok');
  const shown = iopub.filter((m) => m.header.msg_type === 'display_data').map((m) => m.content.data['text/plain']);
  expect(shown).toHaveLength(3000);
  expect(shown[0]).toBe('0');
  expect(shown[2999]).toBe('2999');
  expect(shown.every((v, i) => v === String(i))).toBe(true);
  expect(iopub.at(-2)?.content).toEqual({ name: 'stdout', text: 'end\n' });
  expect(k.stderr()).not.toMatch(/busy writing/);
});
