// Protocol tests with the kernel in this process (test/support/in-process.ts): an in-memory
// transport that signs and verifies like the real one, and the worker-backed engine client
// running the engine double (fake-engine.js). Every message type, the order of iopub
// messages, stop_on_error, stdin, refused signatures and malformed frames. What needs real
// sockets, signals or the real engine is in protocol.test.ts and kernel*.test.ts.
import type { InProcessKernel } from './support/in-process';
import { startInProcessKernel, workerEngine } from './support/in-process';

jest.setTimeout(30000);

let k: InProcessKernel;
beforeAll(async () => {
  k = await startInProcessKernel();
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
      language_info: { name: 'kiln', version: '0.1', mimetype: 'text/x-kiln', file_extension: '.kiln', pygments_lexer: 'rust', codemirror_mode: 'kiln' },
    });
    expect(iopub.map((m) => m.content.execution_state)).toEqual(['busy', 'idle']);
    // Lab blocks file:// links ("Blocked unsafe URL"): a help link must be one that opens.
    expect(reply.content.help_links.filter((l: { url: string }) => !l.url.startsWith('https://'))).toEqual([]);
  }
});

test('the kernel announces itself: status starting on iopub, with no parent', () => {
  const starting = k.client.received.filter((m) => m.header.msg_type === 'status' && m.content.execution_state === 'starting');
  expect(starting.map((m) => [m.channel, m.parent_header])).toEqual([['iopub', {}]]);
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
  const last = (await k.client.request('shell', 'history_request', { hist_access_type: 'tail', n: 1, output: false, raw: true })).reply.content;
  expect(last.history).toEqual([[1, before, '3']]);
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
  const { iopub } = await k.client.execute('print(1)\nprint(2)\neprint(3)\nprint(4)\nhtml("<b>x</b>")\ndisplay_id("d1", 1)\nupdate_display("d1", 2)\nclear_output()');
  const body = iopub.slice(2, -1).map((m) => [m.header.msg_type, m.content]);
  expect(body).toEqual([
    ['stream', { name: 'stdout', text: '1\n2\n' }],
    ['stream', { name: 'stderr', text: '3\n' }],
    ['stream', { name: 'stdout', text: '4\n' }],
    ['display_data', { data: expect.objectContaining({ 'text/html': '<b>x</b>' }), metadata: {}, transient: {} }],
    ['display_data', { data: { 'text/plain': '1' }, metadata: {}, transient: { display_id: 'd1' } }],
    ['update_display_data', { data: { 'text/plain': '2' }, metadata: {}, transient: { display_id: 'd1' } }],
    ['clear_output', { wait: false }],
  ]);
});

test('stop_on_error: queued executes are aborted until the queue drains', async () => {
  const c = k.client;
  // Sent together: b and d are queued behind a before it fails.
  const a = c.send('shell', 'execute_request', { code: '1 / 0', silent: false, stop_on_error: true });
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
  const e = c.send('shell', 'execute_request', { code: '1 / 0', stop_on_error: false });
  const f = c.send('shell', 'execute_request', { code: 'print("ran")' });
  expect((await c.reply(e)).content.status).toBe('error');
  expect((await c.reply(f)).content.status).toBe('ok');
});

test('Run All past an error: the replies of the skipped cells are exactly {status: "aborted"} (no prompt number)', async () => {
  const c = k.client;
  const cell = (code: string) => c.send('shell', 'execute_request', { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: true, stop_on_error: true });
  const failing = cell('let a = 1\n1 / 0');
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
  expect(comp.content).toEqual({ status: 'ok', matches: ['print'], cursor_start: 6, cursor_end: 9, metadata: {} });
  // A missing or out-of-range cursor is the end of the code.
  expect((await k.client.request('shell', 'complete_request', { code })).reply.content).toMatchObject({ cursor_start: 6, cursor_end: 9 });
  expect((await k.client.request('shell', 'complete_request', { code, cursor_pos: 99 })).reply.content).toMatchObject({ cursor_end: 9 });
  const { reply: insp } = await k.client.request('shell', 'inspect_request', { code: '"😀" + print(1)', cursor_pos: 8, detail_level: 0 });
  expect(insp.content).toEqual({ status: 'ok', found: true, data: { 'text/plain': 'fn print(a, b, ...)\nWrites its arguments to stdout.' }, metadata: {} });
  const { reply: none } = await k.client.request('shell', 'inspect_request', { code: 'zzz', cursor_pos: 1 });
  expect(none.content).toEqual({ status: 'ok', found: false, data: {}, metadata: {} });
  const ic = async (c: string) => (await k.client.request('shell', 'is_complete_request', { code: c })).reply.content;
  expect(await ic('while true {')).toEqual({ status: 'incomplete', indent: '    ' });
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
});

test('comm_info is empty; comm_open for an unknown target is closed', async () => {
  const { reply } = await k.client.request('shell', 'comm_info_request', {});
  expect(reply.header.msg_type).toBe('comm_info_reply');
  expect(reply.content).toEqual({ status: 'ok', comms: {} });
  const msgId = k.client.send('shell', 'comm_open', { comm_id: 'c-1', target_name: 'jupyter.widget', data: {} });
  const close = await k.client.waitFor((m) => m.header.msg_type === 'comm_close' && m.parent_header.msg_id === msgId);
  expect(close.content).toEqual({ comm_id: 'c-1', data: {} });
  await k.client.idle(msgId);
  expect(k.stderr()).toContain('comm_open for unknown target "jupyter.widget": closing it');
});

test('an unknown msg_type: busy and idle, no reply, one log line', async () => {
  const msgId = k.client.send('shell', 'no_such_request', {});
  await k.client.idle(msgId);
  expect(k.client.received.filter((m) => m.parent_header.msg_id === msgId).map((m) => m.content.execution_state)).toEqual(['busy', 'idle']);
  expect(k.stderr()).toContain('shell: unknown msg_type "no_such_request" ignored');
});

test('control answers while a shell cell computes, shell waits its turn; interrupt_request ends the cell', async () => {
  const c = k.client;
  const run = c.send('shell', 'execute_request', { code: 'let z = 7\nwhile true { }', silent: false });
  await c.waitFor((m) => m.header.msg_type === 'execute_input' && m.parent_header.msg_id === run);
  const queued = c.send('shell', 'kernel_info_request');
  expect((await c.request('control', 'kernel_info_request')).reply.content.implementation).toBe('kiln');
  expect(c.received.filter((m) => m.parent_header.msg_id === queued)).toEqual([]);
  const { reply: ir } = await c.request('control', 'interrupt_request');
  expect(ir.content).toEqual({ status: 'ok' });
  expect((await c.reply(run)).content).toMatchObject({ status: 'error', ename: 'KeyboardInterrupt' });
  expect((await c.reply(queued)).content.status).toBe('ok');
  expect((await c.execute('z')).iopub.find((m) => m.header.msg_type === 'execute_result')?.content.data).toEqual({ 'text/plain': '7' });
});

test('interrupt_request on control while idle: reply ok, the next cell is not hit', async () => {
  const { reply, iopub } = await k.client.request('control', 'interrupt_request');
  expect(reply.content).toEqual({ status: 'ok' });
  expect(iopub.map((m) => m.content.execution_state)).toEqual(['busy', 'idle']);
  expect((await k.client.execute('sleep(20)\nprint("fine")')).reply.content.status).toBe('ok');
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
  // 200,000 bytes of UTF-8: more than the input buffer holds, so it goes by the input port.
  const long = 'é'.repeat(100_000);
  const r2 = await inputRoundTrip(long, 'let name = input("name? ")\nprint(name === "é".repeat(100000))');
  expect(r2.iopub.find((m) => m.header.msg_type === 'stream')?.content.text).toBe('true\n');
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

test('stdin: an input_reply while no input() waits, and other stdin messages, are dropped', async () => {
  const c = k.client;
  await c.sendFrames('stdin', c.frames('input_reply', { value: 'nobody asked', status: 'ok' }).frames);
  await c.sendFrames('stdin', c.frames('kernel_info_request', {}).frames);
  expect((await c.execute('print("still")')).iopub.find((m) => m.header.msg_type === 'stream')?.content.text).toBe('still\n');
  expect(k.stderr()).toContain('stdin: input_reply while no input() waits: dropped');
  expect(k.stderr()).toContain('stdin: unexpected kernel_info_request ignored');
});

test('stdin: an interrupt wakes a blocked input() with KeyboardInterrupt', async () => {
  const c = k.client;
  const run = c.send('shell', 'execute_request', { code: 'let w = input("name? ")', allow_stdin: true });
  await c.waitFor((m) => m.header.msg_type === 'input_request' && m.parent_header.msg_id === run);
  await c.request('control', 'interrupt_request');
  expect((await c.reply(run, 2000)).content.ename).toBe('KeyboardInterrupt');
  expect((await c.execute('sleep(10)\n1 + 1')).reply.content.status).toBe('ok');
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
  // Frames on one channel are handled in order: this reply comes after every refusal.
  expect((await c.request('shell', 'kernel_info_request')).reply.content.status).toBe('ok');
  expect(c.received.filter((m) => m.parent_header.msg_id === bad.msgId || m.parent_header.msg_id === unsigned.msgId)).toEqual([]);
  expect(c.received.filter((m) => m.channel === 'shell' && m.parent_header.msg_id === once.msgId)).toHaveLength(1);
  expect(k.stderr()).toMatch(/invalid signature/);
  expect(k.stderr()).toMatch(/unsigned message/);
  expect(k.stderr()).toMatch(/replayed message/);
});

test('malformed frames and bad JSON are dropped without a crash', async () => {
  const c = k.client;
  await c.sendFrames('shell', [Buffer.from('garbage')]);
  await c.sendFrames('shell', [Buffer.from('<IDS|MSG>'), Buffer.from('x')]);
  const parts = ['{not json', '{}', '{}', '{}'];
  await c.sendFrames('shell', [Buffer.from('<IDS|MSG>'), Buffer.from(c.sign(parts)), ...parts.map((p) => Buffer.from(p))]);
  const noType = ['{"msg_id":"1"}', '{}', '{}', '{}'];
  await c.sendFrames('control', [Buffer.from('<IDS|MSG>'), Buffer.from(c.sign(noType)), ...noType.map((p) => Buffer.from(p))]);
  expect((await c.request('control', 'kernel_info_request')).reply.content.status).toBe('ok');
  expect((await c.execute('1 + 1')).reply.content.status).toBe('ok');
  expect(k.stderr()).toMatch(/no <IDS\|MSG> delimiter/);
  expect(k.stderr()).toMatch(/malformed JSON/);
  expect(k.stderr()).toMatch(/header without msg_id\/msg_type/);
  expect(k.exits).toEqual([]);
});

test('a flood of refused frames: one log line per kind of refusal, and the kernel still answers', async () => {
  const fresh = await startInProcessKernel();
  try {
    const c = fresh.client;
    const unsigned = c.frames('execute_request', { code: 'print("unsigned")' });
    unsigned.frames[1] = Buffer.alloc(0);
    for (let i = 0; i < 300; i++) {
      await c.sendFrames('shell', [Buffer.from(`garbage ${i}`)]);
      await c.sendFrames('control', unsigned.frames);
    }
    // Frames on one channel are handled in order: these replies come after every refusal.
    expect((await c.request('shell', 'kernel_info_request')).reply.content.status).toBe('ok');
    expect((await c.request('control', 'kernel_info_request')).reply.content.status).toBe('ok');
    expect(fresh.stderr().split('\n').filter((l) => /refused/.test(l))).toEqual([
      '[kiln] shell: refused message: no <IDS|MSG> delimiter (repeats are logged at most once every 60 s)',
      '[kiln] control: refused message: unsigned message (repeats are logged at most once every 60 s)',
    ]);
  } finally {
    await fresh.stop();
  }
});

test('shutdown_request: the reply with restart as asked, idle, then the kernel exits 0 and answers nothing more', async () => {
  const fresh = await startInProcessKernel();
  const c = fresh.client;
  const id = c.send('control', 'shutdown_request', { restart: true });
  expect((await c.reply(id)).content).toEqual({ status: 'ok', restart: true });
  await c.idle(id);
  for (let i = 0; i < 100 && fresh.exits.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  expect(fresh.exits).toEqual([0]);
  const after = c.send('shell', 'kernel_info_request');
  await c.sendFrames('shell', []); // one more turn of the in-memory transport
  expect(c.received.filter((m) => m.parent_header.msg_id === after)).toEqual([]);
});

test('an engine that cannot load: cells fail with EngineError, the kernel keeps answering', async () => {
  const broken = await startInProcessKernel({ engine: (log) => workerEngine(log, '/nonexistent/engine.js') });
  try {
    const { reply } = await broken.client.execute('1 + 1');
    expect(reply.content).toMatchObject({ status: 'error', ename: 'EngineError' });
    expect(reply.content.evalue).toMatch(/failed to load/);
    expect((await broken.client.request('control', 'kernel_info_request')).reply.content.status).toBe('ok');
  } finally {
    await broken.stop();
  }
});

test('a dying engine worker: the cell fails with EngineError and a fresh session starts', async () => {
  const fresh = await startInProcessKernel();
  try {
    const c = fresh.client;
    await c.execute('let a = 1');
    const { reply } = await c.execute('crash()');
    expect(reply.content).toMatchObject({ status: 'error', ename: 'EngineError' });
    expect((await c.execute('a')).reply.content.ename).toBe('NameError');
    const { iopub } = await c.execute('1 + 1');
    expect(iopub.find((m) => m.header.msg_type === 'execute_result')?.content.data['text/plain']).toBe('2');
    expect(fresh.stderr()).toContain('the engine worker exited (code 3); starting a fresh session');
  } finally {
    await fresh.stop();
  }
});
