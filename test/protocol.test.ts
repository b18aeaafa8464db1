// Protocol tests against the kernel process and the real engine: every message type, the
// order of iopub messages, stop_on_error, stdin, interrupt, signatures and malformed frames.
import { FAKE_ENGINE, RunningKernel, startKernel } from './support/client';

jest.setTimeout(30000);

let k: RunningKernel;
beforeAll(async () => {
  k = await startKernel();
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
    // Lab blocks file:// links ("Blocked unsafe URL"): a help link must be one that opens.
    expect(reply.content.help_links.filter((l: { url: string }) => !l.url.startsWith('https://'))).toEqual([]);
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

test('errors: error on iopub and in the reply', async () => {
  const { reply, iopub } = await k.client.execute('1 / 0');
  expect(reply.content).toMatchObject({ status: 'error', ename: 'ZeroDivisionError', evalue: 'integer division or modulo by zero' });
  expect(reply.content.traceback.at(-1)).toBe('ZeroDivisionError: integer division or modulo by zero');
  const types = iopub.map((m) => m.header.msg_type);
  expect(types).toEqual(['status', 'execute_input', 'error', 'status']);
  expect(iopub[2].content).toMatchObject({ ename: 'ZeroDivisionError', traceback: reply.content.traceback });
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

test('silent: no execute_input, no execute_result, no count increase', async () => {
  const before = (await k.client.execute('1')).reply.content.execution_count;
  const { reply, iopub } = await k.client.execute('print("s")\nx', { silent: true });
  expect(reply.content).toMatchObject({ status: 'ok', execution_count: before });
  expect(iopub.map((m) => m.header.msg_type)).toEqual(['status', 'stream', 'status']);
  const after = (await k.client.execute('2')).reply.content.execution_count;
  expect(after).toBe(before + 1);
});

test('store_history false: runs, no count increase, not in history', async () => {
  const before = (await k.client.execute('3')).reply.content.execution_count;
  const { reply, iopub } = await k.client.execute('x + 1', { store_history: false });
  expect(reply.content.execution_count).toBe(before);
  expect(iopub.find((m) => m.header.msg_type === 'execute_result')?.content.data).toEqual({ 'text/plain': '41' });
});

test('user_expressions are evaluated after the cell', async () => {
  const { reply } = await k.client.execute('let y = 5', { user_expressions: { a: 'y * 2', b: 'nope', c: '1 / 0' } });
  expect(reply.content.status).toBe('ok');
  const ue = reply.content.user_expressions;
  expect(ue.a).toEqual({ status: 'ok', data: { 'text/plain': '10' }, metadata: {} });
  expect(ue.b).toMatchObject({ status: 'error', ename: 'NameError' });
  expect(ue.c).toMatchObject({ status: 'error', ename: 'ZeroDivisionError' });
});

test('display_data, update_display_data, clear_output; stream coalescing', async () => {
  const { iopub } = await k.client.execute('print(1)\nprint(2)\neprint(3)\nprint(4)\nhtml("<b>x</b>")\nlet d = display_id("text/plain", "1")\nupdate_display(d, "text/plain", "2")\nclear_output()');
  const body = iopub.slice(2, -1).map((m) => [m.header.msg_type, m.content]);
  const id = iopub.find((m) => m.header.msg_type === 'update_display_data')?.content.transient.display_id;
  expect(typeof id).toBe('string');
  expect(body).toEqual([
    ['stream', { name: 'stdout', text: '1\n2\n' }],
    ['stream', { name: 'stderr', text: '3\n' }],
    ['stream', { name: 'stdout', text: '4\n' }],
    ['display_data', { data: expect.objectContaining({ 'text/html': '<b>x</b>' }), metadata: {}, transient: {} }],
    ['display_data', { data: { 'text/plain': '1' }, metadata: {}, transient: { display_id: id } }],
    ['update_display_data', { data: { 'text/plain': '2' }, metadata: {}, transient: { display_id: id } }],
    ['clear_output', { wait: false }],
  ]);
});

test('stop_on_error: queued executes are aborted until the queue drains', async () => {
  const c = k.client;
  const a = c.send('shell', 'execute_request', { code: 'let t0 = clock()\nwhile clock() - t0 < 0.15 { }\n1 / 0', silent: false, stop_on_error: true });
  const b = c.send('shell', 'execute_request', { code: 'print("no")', silent: false, stop_on_error: true });
  const d = c.send('shell', 'execute_request', { code: 'print("no")', silent: false, stop_on_error: true });
  expect((await c.reply(a)).content.status).toBe('error');
  expect((await c.reply(b)).content.status).toBe('aborted');
  expect((await c.reply(d)).content.status).toBe('aborted');
  await c.idle(d);
  expect(c.iopubFor(b).map((m) => m.header.msg_type)).toEqual(['status', 'status']);
  const { reply, iopub } = await c.execute('print("yes")');
  expect(reply.content.status).toBe('ok');
  expect(iopub.find((m) => m.header.msg_type === 'stream')?.content.text).toBe('yes\n');
  // stop_on_error false: the next request runs
  const e = c.send('shell', 'execute_request', { code: 'let t1 = clock()\nwhile clock() - t1 < 0.1 { }\n1 / 0', stop_on_error: false });
  const f = c.send('shell', 'execute_request', { code: 'print("ran")' });
  expect((await c.reply(e)).content.status).toBe('error');
  expect((await c.reply(f)).content.status).toBe('ok');
});

test('Run All past an error: the replies of the skipped cells are exactly {status: "aborted"} (no prompt number)', async () => {
  const c = k.client;
  const cell = (code: string) => c.send('shell', 'execute_request', { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: true, stop_on_error: true });
  // The failing cell runs 0.15 s, so the front end's next cells are queued behind it.
  const failing = cell('let a = 1\nlet t = clock()\nwhile clock() - t < 0.15 { }\n1 / 0');
  const skipped = [cell('6 * 7'), cell('a + 1')];
  const error = (await c.reply(failing)).content;
  expect(error).toMatchObject({ status: 'error', ename: 'ZeroDivisionError', execution_count: expect.any(Number) });
  for (const id of skipped) {
    expect((await c.reply(id)).content).toEqual({ status: 'aborted' });
    await c.idle(id);
    expect(c.iopubFor(id).map((m) => [m.header.msg_type, m.content])).toEqual([
      ['status', { execution_state: 'busy' }],
      ['status', { execution_state: 'idle' }],
    ]);
  }
  // The next run counts on from the failed cell: skipped cells took no number.
  expect((await c.execute('a + 1')).reply.content).toMatchObject({ status: 'ok', execution_count: error.execution_count + 1 });
});

test('complete, inspect, is_complete (cursor in code points)', async () => {
  // "😀" is one code point but two UTF-16 units: positions count code points.
  const code = '"😀" + pri';
  const { reply: comp } = await k.client.request('shell', 'complete_request', { code, cursor_pos: 9 });
  expect(comp.content).toMatchObject({ status: 'ok', cursor_start: 6, cursor_end: 9, metadata: {} });
  expect(comp.content.matches).toContain('print');
  const { reply: insp } = await k.client.request('shell', 'inspect_request', { code: '"😀" + str(1)', cursor_pos: 8, detail_level: 0 });
  expect(insp.content).toMatchObject({ status: 'ok', found: true, data: { 'text/plain': expect.stringContaining('str') } });
  const { reply: none } = await k.client.request('shell', 'inspect_request', { code: 'zzz', cursor_pos: 1 });
  expect(none.content).toEqual({ status: 'ok', found: false, data: {}, metadata: {} });
  const ic = async (c: string) => (await k.client.request('shell', 'is_complete_request', { code: c })).reply.content;
  expect(await ic('while true {')).toEqual({ status: 'incomplete', indent: expect.any(String) });
  expect(await ic('print(1)')).toEqual({ status: 'complete' });
  expect(await ic('}')).toEqual({ status: 'invalid' });
});

test('history: tail, range, search, unique', async () => {
  const c = k.client;
  await c.execute('let h = 1');
  await c.execute('let h = 1');
  await c.execute('h + 1');
  const tail = (await c.request('shell', 'history_request', { hist_access_type: 'tail', n: 2, output: false, raw: true })).reply.content;
  expect(tail.status).toBe('ok');
  expect(tail.history.map((h: unknown[]) => h[2])).toEqual(['let h = 1', 'h + 1']);
  const withOut = (await c.request('shell', 'history_request', { hist_access_type: 'tail', n: 1, output: true, raw: true })).reply.content;
  expect(withOut.history[0][2]).toEqual(['h + 1', '2']);
  const line = tail.history[1][1];
  const range = (await c.request('shell', 'history_request', { hist_access_type: 'range', session: 0, start: line - 1, stop: line + 1, raw: true, output: false })).reply.content;
  expect(range.history.map((h: unknown[]) => h[1])).toEqual([line - 1, line]);
  const search = (await c.request('shell', 'history_request', { hist_access_type: 'search', pattern: 'let h*', unique: true, raw: true, output: false, n: 10 })).reply.content;
  expect(search.history.map((h: unknown[]) => h[2])).toEqual(['let h = 1']);
});

test('history search: fnmatch patterns, no runaway matching, a reply to every request', async () => {
  const c = k.client;
  const long = `let g = "${'a'.repeat(470)}"`; // 480 characters
  await c.execute(long);
  await c.execute('let back = "\\\\"');
  const search = async (pattern: unknown) =>
    (await c.request('shell', 'history_request', { hist_access_type: 'search', pattern, raw: true, output: false, n: 10 }, 5000)).reply.content;
  const inputs = (content: Record<string, any>) => content.history.map((h: unknown[]) => h[2]); // eslint-disable-line @typescript-eslint/no-explicit-any
  // Nine stars against the 480-character entry: a backtracking regex never finishes this.
  expect(await search('*a*a*a*a*a*a*a*a*a*b')).toEqual({ status: 'ok', history: [] });
  expect(inputs(await search('*a*a*a*a*a*a*a*a*a"'))).toEqual([long]);
  // `[a\]` is a class of `a` and backslash (fnmatch); a `[` without `]` is a literal `[`.
  expect(inputs(await search('*[a\\]"'))).toEqual([long, 'let back = "\\\\"']);
  expect(inputs(await search('let [!b] = "*"'))).toEqual([long]);
  expect(await search('let g = [a*')).toEqual({ status: 'ok', history: [] });
  expect(await search(42)).toEqual({ status: 'error', ename: 'TypeError', evalue: 'pattern must be a string (got 42)', traceback: [], history: [] });
  expect(await k.client.heartbeat()).toBe(true);
});

test('comm_info is empty; comm_open for an unknown target is closed', async () => {
  const { reply } = await k.client.request('shell', 'comm_info_request', {});
  expect(reply.header.msg_type).toBe('comm_info_reply');
  expect(reply.content).toEqual({ status: 'ok', comms: {} });
  const msgId = k.client.send('shell', 'comm_open', { comm_id: 'c-1', target_name: 'jupyter.widget', data: {} });
  const close = await k.client.waitFor((m) => m.header.msg_type === 'comm_close' && m.parent_header.msg_id === msgId);
  expect(close.content).toEqual({ comm_id: 'c-1', data: {} });
  await k.client.idle(msgId);
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

async function inputRoundTrip(answer: string, code = 'let name = input("name? ")\nprint(name)') {
  const c = k.client;
  const run = c.send('shell', 'execute_request', { code, allow_stdin: true });
  const req = await c.waitFor((m) => m.channel === 'stdin' && m.header.msg_type === 'input_request' && m.parent_header.msg_id === run);
  expect(req.content).toEqual({ prompt: 'name? ', password: false });
  c.send('stdin', 'input_reply', { value: answer, status: 'ok' }, req.header);
  const reply = await c.reply(run);
  await c.idle(run);
  return { reply, iopub: c.iopubFor(run) };
}

test('stdin: input() round trip, long replies, no stdin', async () => {
  const { reply, iopub } = await inputRoundTrip('Ada 😀');
  expect(reply.content.status).toBe('ok');
  expect(iopub.find((m) => m.header.msg_type === 'stream')?.content.text).toBe('Ada 😀\n');
  const long = 'é'.repeat(100_000);
  const r2 = await inputRoundTrip(long, 'let name = input("name? ")\nprint(len(name))');
  expect(r2.iopub.find((m) => m.header.msg_type === 'stream')?.content.text).toBe('200000\n');
  const r3 = await k.client.execute('let q = input("name? ")', { allow_stdin: false });
  expect(r3.reply.content).toMatchObject({ status: 'error', ename: 'InputError' });
});

test('stdin: an input_reply naming another input_request is dropped; one naming none is taken', async () => {
  const c = k.client;
  const run = c.send('shell', 'execute_request', { code: 'let who = input("name? ")\nprint(who)', allow_stdin: true });
  const req = await c.waitFor((m) => m.channel === 'stdin' && m.header.msg_type === 'input_request' && m.parent_header.msg_id === run);
  c.send('stdin', 'input_reply', { value: 'stale', status: 'ok' }, { ...req.header, msg_id: 'an-earlier-request' });
  c.send('stdin', 'input_reply', { value: 'right', status: 'ok' }, req.header);
  await c.reply(run);
  await c.idle(run);
  expect(c.iopubFor(run).find((m) => m.header.msg_type === 'stream')?.content.text).toBe('right\n');
  expect(k.stderr()).toContain('stdin: input_reply to "an-earlier-request", not to the pending input_request: dropped');
  // jupyter_client's input() sends its reply with an empty parent header.
  const run2 = c.send('shell', 'execute_request', { code: 'let who2 = input("name? ")\nprint(who2)', allow_stdin: true });
  await c.waitFor((m) => m.channel === 'stdin' && m.header.msg_type === 'input_request' && m.parent_header.msg_id === run2);
  c.send('stdin', 'input_reply', { value: 'console', status: 'ok' });
  await c.idle(run2);
  expect(c.iopubFor(run2).find((m) => m.header.msg_type === 'stream')?.content.text).toBe('console\n');
});

test('stdin: an interrupt wakes a blocked input() with KeyboardInterrupt', async () => {
  const c = k.client;
  const run = c.send('shell', 'execute_request', { code: 'let w = input("name? ")', allow_stdin: true });
  await c.waitFor((m) => m.header.msg_type === 'input_request' && m.parent_header.msg_id === run);
  await c.request('control', 'interrupt_request');
  expect((await c.reply(run, 2000)).content.ename).toBe('KeyboardInterrupt');
  expect((await c.execute('let t3 = clock()\nwhile clock() - t3 < 0.01 { }\n1 + 1')).reply.content.status).toBe('ok');
});

test('bad signature, unsigned and replayed messages are refused; the kernel still answers', async () => {
  const c = k.client;
  const bad = c.frames('execute_request', { code: 'print("bad")' });
  bad.frames[1] = Buffer.from('0'.repeat(64));
  await c.sendFrames('shell', bad.frames);
  const unsigned = c.frames('execute_request', { code: 'print("unsigned")' });
  unsigned.frames[1] = Buffer.alloc(0);
  await c.sendFrames('shell', unsigned.frames);
  const once = c.frames('kernel_info_request', {});
  await c.sendFrames('shell', once.frames);
  await c.reply(once.msgId);
  await c.sendFrames('shell', once.frames); // replay
  await new Promise((r) => setTimeout(r, 300));
  expect(c.received.filter((m) => m.parent_header.msg_id === bad.msgId || m.parent_header.msg_id === unsigned.msgId)).toEqual([]);
  expect(c.received.filter((m) => m.channel === 'shell' && m.parent_header.msg_id === once.msgId)).toHaveLength(1);
  expect(k.stderr()).toMatch(/invalid signature/);
  expect(k.stderr()).toMatch(/unsigned message/);
  expect(k.stderr()).toMatch(/replayed message/);
  expect((await c.request('shell', 'kernel_info_request')).reply.content.status).toBe('ok');
});

test('malformed frames and bad JSON are dropped without a crash', async () => {
  const c = k.client;
  await c.sendFrames('shell', [Buffer.from('garbage')]);
  await c.sendFrames('shell', [Buffer.from('<IDS|MSG>'), Buffer.from('x')]);
  const parts = ['{not json', '{}', '{}', '{}'];
  await c.sendFrames('shell', [Buffer.from('<IDS|MSG>'), Buffer.from(c.sign(parts)), ...parts.map((p) => Buffer.from(p))]);
  const noType = ['{"msg_id":"1"}', '{}', '{}', '{}'];
  await c.sendFrames('control', [Buffer.from('<IDS|MSG>'), Buffer.from(c.sign(noType)), ...noType.map((p) => Buffer.from(p))]);
  await new Promise((r) => setTimeout(r, 200));
  expect(k.stderr()).toMatch(/no <IDS\|MSG> delimiter/);
  expect(k.stderr()).toMatch(/malformed JSON/);
  expect(k.proc.exitCode).toBeNull();
  expect((await c.request('control', 'kernel_info_request')).reply.content.status).toBe('ok');
  expect((await c.execute('1 + 1')).reply.content.status).toBe('ok');
});

test('a flood of refused frames: one log line per kind of refusal, and the kernel still answers', async () => {
  const fresh = await startKernel({ env: { KILN_ENGINE_MODULE: FAKE_ENGINE } });
  try {
    const c = fresh.client;
    const unsigned = c.frames('execute_request', { code: 'print("unsigned")' });
    unsigned.frames[1] = Buffer.alloc(0);
    for (let i = 0; i < 300; i++) {
      await c.sendFrames('shell', [Buffer.from(`garbage ${i}`)]);
      await c.sendFrames('control', unsigned.frames);
    }
    // Frames on one socket are handled in order: these replies come after every refusal.
    expect((await c.request('shell', 'kernel_info_request')).reply.content.status).toBe('ok');
    expect((await c.request('control', 'kernel_info_request')).reply.content.status).toBe('ok');
    // Sorted: the two sockets are read concurrently.
    expect(fresh.stderr().split('\n').filter((l) => /refused/.test(l)).sort()).toEqual([
      '[kiln] control: refused message: unsigned message (repeats are logged at most once every 60 s)',
      '[kiln] shell: refused message: no <IDS|MSG> delimiter (repeats are logged at most once every 60 s)',
    ]);
  } finally {
    await fresh.stop();
  }
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
