// Unit tests of the wire layer (no sockets): verification before decoding, replay refusal,
// malformed frames; the connection file; history queries.
import { createHmac } from 'crypto';
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { bindEndpoint, endpoint, parseConnection, portOf } from '../kernel/protocol/connection';
import { globMatcher } from '../kernel/protocol/glob';
import { RateLimitedLog } from '../kernel/protocol/log';
import { History } from '../kernel/protocol/history';
import { Codec, RejectedMessage } from '../kernel/protocol/wire';

const KEY = 'secret-key';
const sign = (parts: string[]) => {
  const h = createHmac('sha256', KEY);
  for (const p of parts) h.update(p);
  return h.digest('hex');
};
function frames(header: object, content: object, sig?: string): Buffer[] {
  const parts = [JSON.stringify(header), '{}', '{}', JSON.stringify(content)];
  return [Buffer.from('client-id'), Buffer.from('<IDS|MSG>'), Buffer.from(sig ?? sign(parts)), ...parts.map((p) => Buffer.from(p))];
}
const header = (id: string) => ({ msg_id: id, msg_type: 'kernel_info_request', session: 's', username: 'u', date: '', version: '5.3' });

test('decodes a signed message with its identities', () => {
  const c = new Codec(KEY);
  const m = c.decode(frames(header('1'), { a: 1 }));
  expect(m.header.msg_type).toBe('kernel_info_request');
  expect(m.content).toEqual({ a: 1 });
  expect(m.idents.map(String)).toEqual(['client-id']);
});

test('refuses wrong, missing and replayed signatures before parsing', () => {
  const c = new Codec(KEY);
  expect(() => c.decode(frames(header('1'), {}, 'f'.repeat(64)))).toThrow(/invalid signature/);
  expect(() => c.decode(frames(header('1'), {}, 'short'))).toThrow(/invalid signature/);
  expect(() => c.decode(frames(header('1'), {}, ''))).toThrow(/unsigned/);
  const ok = frames(header('2'), {});
  c.decode(ok);
  expect(() => c.decode(ok)).toThrow(/replayed/);
  // A bad signature on bad JSON is refused as a bad signature: nothing is parsed first.
  const bad = [Buffer.from('<IDS|MSG>'), Buffer.from('0'.repeat(64)), Buffer.from('{'), Buffer.from('{}'), Buffer.from('{}'), Buffer.from('{}')];
  expect(() => c.decode(bad)).toThrow(/invalid signature/);
});

test('malformed frames are RejectedMessage, never another exception', () => {
  const c = new Codec(KEY);
  const cases: Buffer[][] = [
    [],
    [Buffer.from('x')],
    [Buffer.from('<IDS|MSG>'), Buffer.from('sig')],
    (() => { const p = ['{', '{}', '{}', '{}']; return [Buffer.from('<IDS|MSG>'), Buffer.from(sign(p)), ...p.map((x) => Buffer.from(x))]; })(),
    (() => { const p = ['[]', '{}', '{}', '{}']; return [Buffer.from('<IDS|MSG>'), Buffer.from(sign(p)), ...p.map((x) => Buffer.from(x))]; })(),
    (() => { const p = [JSON.stringify(header('9')), '{}', '{}', '3']; return [Buffer.from('<IDS|MSG>'), Buffer.from(sign(p)), ...p.map((x) => Buffer.from(x))]; })(),
  ];
  for (const f of cases) expect(() => c.decode(f)).toThrow(RejectedMessage);
});

test('encode signs like jmp and carries the parent header', () => {
  const c = new Codec(KEY);
  const parent = c.decode(frames(header('p'), {}));
  const out = c.encode({ msg_type: 'kernel_info_reply', content: { status: 'ok' }, parent }, parent.idents);
  expect(String(out[0])).toBe('client-id');
  expect(String(out[1])).toBe('<IDS|MSG>');
  expect(String(out[2])).toBe(sign(out.slice(3, 7).map(String)));
  const h = JSON.parse(String(out[3]));
  expect(h).toMatchObject({ msg_type: 'kernel_info_reply', version: '5.3', session: c.session });
  expect(JSON.parse(String(out[4])).msg_id).toBe('p');
  // Every message gets a fresh msg_id.
  const again = c.encode({ msg_type: 'x', content: {} }, []);
  expect(JSON.parse(String(again[2])).msg_id).not.toBe(h.msg_id);
});

test('what encode sends decodes back exactly, whichever parent each message names', () => {
  const kernel = new Codec(KEY);
  const asFrames = (fs: (string | Buffer)[]) => fs.map((f) => (typeof f === 'string' ? Buffer.from(f) : f));
  const parents = [kernel.decode(frames(header('p1'), {})), kernel.decode(frames(header('p2'), {}))];
  const content = { data: { 'text/html': '<b>é "q"</b>', 'text/plain': 'x'.repeat(300) }, metadata: {}, transient: {} };
  for (const parent of [parents[0], parents[1], parents[0]]) {
    const sent = kernel.encode({ msg_type: 'display_"data"', content, metadata: { k: 1 }, parent }, ['topic']);
    const got = new Codec(KEY).decode(asFrames(sent));
    expect(got.idents.map(String)).toEqual(['topic']);
    expect(got.header).toEqual({ msg_id: expect.any(String), msg_type: 'display_"data"', session: kernel.session, username: 'kiln', date: expect.any(String), version: '5.3' });
    expect(Object.keys(got.header)).toEqual(['msg_id', 'msg_type', 'session', 'username', 'date', 'version']);
    expect(new Date(got.header.date).toISOString()).toBe(got.header.date);
    expect(got.parent_header).toEqual(parent.header);
    expect(got.metadata).toEqual({ k: 1 });
    expect(got.content).toEqual(content);
  }
  const none = new Codec(KEY).decode(asFrames(kernel.encode({ msg_type: 'status', content: { execution_state: 'idle' } }, [])));
  expect([none.parent_header, none.metadata]).toEqual([{}, {}]);
});

test('connection file: tcp and ipc endpoints, validation', () => {
  const base = { ip: '127.0.0.1', shell_port: 1, control_port: 2, stdin_port: 3, iopub_port: 4, hb_port: 5, key: 'k', signature_scheme: 'hmac-sha256' };
  expect(endpoint(parseConnection(JSON.stringify({ ...base, transport: 'tcp' })), 'hb_port')).toBe('tcp://127.0.0.1:5');
  expect(endpoint(parseConnection(JSON.stringify({ ...base, transport: 'ipc', ip: '/tmp/k' })), 'shell_port')).toBe('ipc:///tmp/k-1');
  expect(() => parseConnection(JSON.stringify({ ...base, signature_scheme: 'hmac-md5' }))).toThrow(/signature_scheme/);
  expect(() => parseConnection(JSON.stringify({ ...base, hb_port: 'x' }))).toThrow(/hb_port/);
  expect(() => parseConnection('{')).toThrow(/not JSON/);
  expect(() => parseConnection(JSON.stringify({ ...base, hb_port: -1 }))).toThrow(/hb_port/);
  // Port 0: any free port, as ipykernel binds it.
  const free = parseConnection(JSON.stringify({ ...base, hb_port: 0 }));
  expect([bindEndpoint(free, 'hb_port'), bindEndpoint(free, 'shell_port')]).toEqual(['tcp://127.0.0.1:*', 'tcp://127.0.0.1:1']);
  const ipcDir = mkdtempSync(path.join(tmpdir(), 'kiln-ipc-'));
  writeFileSync(path.join(ipcDir, 'k-1'), '');
  const freeIpc = parseConnection(JSON.stringify({ ...base, transport: 'ipc', ip: path.join(ipcDir, 'k'), hb_port: 0 }));
  expect(bindEndpoint(freeIpc, 'hb_port')).toBe(`ipc://${ipcDir}/k-2`);
  expect([portOf('tcp://127.0.0.1:40941'), portOf(`ipc://${ipcDir}/k-2`)]).toEqual([40941, 2]);
});

// Each row checked against Python 3.11's fnmatch.fnmatchcase(text, pattern).
const FNMATCH_CASES: [pattern: string, text: string, matches: boolean][] = [
  ['[a\\]', 'a', true],
  ['[a\\]', '\\', true],
  ['[a\\]', ']', false],
  ['[a', '[a', true],
  ['x[', 'x[', true],
  ['[]a]', ']', true],
  ['[!]a]', 'b', true],
  ['[!]a]', ']', false],
  ['[!]', '[!]', true],
  ['[z-a]', 'm', false],
  ['[!z-a]', 'm', true],
  ['[a-]', '-', true],
  ['[-a]', '-', true],
  ['[a-c-e]', '-', true],
  ['[a-c-e]', 'd', false],
  ['[^a]', '^', true],
  ['[^a]', 'b', false],
  ['\\*', '\\abc', true],
  ['?', '😀', true],
  ['a*b', 'a\nb', true],
  ['*a*a', 'a', false],
  ['a**', 'a', true],
  ['', '', true],
  ['', 'a', false],
  ['LET *', 'let x', false],
];

test('globs match as Python fnmatch does, in time linear in the text', () => {
  for (const [pattern, text, matches] of FNMATCH_CASES) expect([pattern, text, globMatcher(pattern)(text)]).toEqual([pattern, text, matches]);
  const entry = 'a'.repeat(480);
  expect(globMatcher('*a*a*a*a*a*a*a*a*a*b')(entry)).toBe(false);
  expect(globMatcher('*a*a*a*a*a*a*a*a*a')(entry)).toBe(true);
});

test('history: globs, tail, range, search, unique, output', () => {
  expect(globMatcher('let *')('let x = 1')).toBe(true);
  expect(globMatcher('let ?')('let xy')).toBe(false);
  expect(globMatcher('[ab]*')('b.c')).toBe(true);
  expect(globMatcher('a.b')('axb')).toBe(false);
  const h = new History();
  h.add(1, 'let a = 1');
  h.add(2, 'a + 1').output = '2';
  h.add(3, 'let a = 1');
  expect(h.query({ hist_access_type: 'tail', n: 2 })).toEqual([[1, 2, 'a + 1'], [1, 3, 'let a = 1']]);
  expect(h.query({ hist_access_type: 'tail', n: 10, unique: true })).toEqual([[1, 2, 'a + 1'], [1, 3, 'let a = 1']]);
  expect(h.query({ hist_access_type: 'range', session: 0, start: 1, stop: 3, output: true })).toEqual([
    [1, 1, ['let a = 1', null]],
    [1, 2, ['a + 1', '2']],
  ]);
  expect(h.query({ hist_access_type: 'range', session: -1, start: 1, stop: 3 })).toEqual([]);
  expect(h.query({ hist_access_type: 'search', pattern: 'let*' })).toEqual([[1, 1, 'let a = 1'], [1, 3, 'let a = 1']]);
  expect(h.query({ hist_access_type: 'search', pattern: 'let*', unique: true, n: 1 })).toEqual([[1, 3, 'let a = 1']]);
});

test('rate-limited log: one line per kind per window, then the count of lines not written', () => {
  const lines: string[] = [];
  let clock = 0;
  const limited = new RateLimitedLog((t) => lines.push(t), 1000, () => clock);
  for (let i = 0; i < 5; i++) limited.write('a', `a ${i}`);
  limited.write('b', 'b 0');
  clock = 999;
  limited.write('a', 'a 5');
  clock = 1000;
  limited.write('a', 'a 6');
  limited.write('a', 'a 7');
  expect(lines).toEqual([
    'a 0 (repeats are logged at most once every 1 s)',
    'b 0 (repeats are logged at most once every 1 s)',
    'a 6 (5 more since the last line)',
  ]);
});
