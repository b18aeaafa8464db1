// The runtime work behind the data workloads' speed (bench/data-workloads.ts): a map's
// last-lookup cache and hash tags (native/src/map.cc), its copies of short str keys, and
// words() building its strings in shared chunks (native/src/strings.cc). Each must be
// invisible: the same results as the plain table and one block per string.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { loadNative } from '../kernel/engine/native';
import { TestSession } from './support/engine';

const STEPS = 20_000;
const KEYS = 61;
const LONG = 'x'.repeat(70); // longer than the keys a map copies (64 bytes)

/**
 * A random sequence of map operations in Kiln: get-then-set of one key (the cached
 * lookup), set, remove, has/get, and a get whose cached miss is followed by inserting
 * other keys before the set. Prints a checksum of every read and the final map.
 */
function mapProgram(keyType: 'int' | 'str'): string {
  const key = (v: string) => (keyType === 'int' ? v : `key(${v})`);
  return `
fn key(v: int) -> str {
    if v == 0 { return "" }
    if v % 5 == 0 { return str(v) + "${LONG}" }
    return str(v)
}
let m: {${keyType}: int} = {}
let x = 42
let sum = 0
for step in 0..${STEPS} {
    x = (x * 1103515245 + 12345) % 2147483648
    let k = ${key(`x % ${KEYS}`)}
    let op = (x / ${KEYS}) % 6
    if op == 0 {
        m[k] = get(m, k, 0) + 1
    } else if op == 1 {
        if has(m, k) { remove(m, k) }
    } else if op == 2 {
        sum = (sum * 31 + get(m, k, -1) + 2) % 1000000007
    } else if op == 3 {
        m[k] = step
    } else if op == 4 {
        let before = get(m, k, 0)
        m[${key(`(x / 7) % ${KEYS}`)}] = step
        m[${key(`(x / 11) % ${KEYS}`)}] = step + 1
        m[k] = before + get(m, k, 0) + 1000
    } else if has(m, k) {
        sum = (sum * 31 + m[k] + 2) % 1000000007
        remove(m, k)
        m[k] = get(m, k, 5) + 1
    }
}
print(sum)
print(m)
`;
}

/** The same sequence on a JS Map (insertion-ordered, a removed key re-inserted at the end). */
function expectedOutput(keyType: 'int' | 'str'): string {
  const key = (v: bigint): string => {
    if (keyType === 'int') return String(v);
    if (v === 0n) return '';
    return v % 5n === 0n ? String(v) + LONG : String(v);
  };
  const m = new Map<string, number>();
  let x = 42n;
  let sum = 0n;
  const read = (v: number) => (sum = (sum * 31n + BigInt(v) + 2n) % 1000000007n);
  for (let step = 0; step < STEPS; step++) {
    x = (x * 1103515245n + 12345n) % 2147483648n;
    const k = key(x % BigInt(KEYS));
    const op = (x / BigInt(KEYS)) % 6n;
    if (op === 0n) m.set(k, (m.get(k) ?? 0) + 1);
    else if (op === 1n) m.delete(k);
    else if (op === 2n) read(m.get(k) ?? -1);
    else if (op === 3n) m.set(k, step);
    else if (op === 4n) {
      const before = m.get(k) ?? 0;
      m.set(key((x / 7n) % BigInt(KEYS)), step);
      m.set(key((x / 11n) % BigInt(KEYS)), step + 1);
      m.set(k, before + (m.get(k) ?? 0) + 1000);
    } else if (m.has(k)) {
      read(m.get(k)!);
      m.delete(k);
      m.set(k, 6);
    }
  }
  const shown = [...m].map(([k, v]) => `${keyType === 'int' ? k : JSON.stringify(k)}: ${v}`);
  return `${sum}\n{${shown.join(', ')}}\n`;
}

describe('maps: the last-lookup cache and hash tags change no result', () => {
  let k: TestSession;
  beforeAll(() => {
    k = new TestSession();
  });

  test.each(['int', 'str'] as const)('20,000 random get/set/remove/has on {%s: int} agree with a JS Map', (keyType) => {
    const run = k.run(mapProgram(keyType));
    expect(run.error).toBeUndefined();
    expect(run.stdout).toBe(expectedOutput(keyType));
  });

  test('a removed key is absent right after its removal (the lookup that found it is not reused)', () => {
    k.ok('let m = {"a": 1, "b": 2}\nlet key = "a"\nm[key] = m[key] + 1\nremove(m, key)');
    expect(k.ok('has(m, key)')).toBe('false');
    k.ok('m[key] = 5\nremove(m, key)');
    expect(k.ok('get(m, key, -1)')).toBe('-1');
    k.ok('m[key] = 5\nremove(m, key)');
    expect(k.run('m[key]').error).toBe('KeyError: "a"');
    k.ok('m[key] = 5\nremove(m, key)\nm[key] = get(m, key, 0) + 1');
    expect(k.ok('m')).toBe('{"b": 2, "a": 1}');
  });

  test('get then set of one key across a rebuild that moved the entries', () => {
    k.ok('let r: {str: int} = {"x": 1, "y": 2, "k": 3}\nremove(r, "x")\nremove(r, "y")\nlet kk = "k"\nlet seen = get(r, kk, 0)');
    // enough inserts to fill the entry array: the rebuild compacts "k" to position 0
    k.ok('for i in 0..40 { r[str(i)] = i }');
    expect(k.ok('r[kk] = get(r, kk, 0) + 10\nr[kk]')).toBe('13');
    expect(k.ok('keys(r)[0] + " " + str(r["0"]) + " " + str(r["39"]) + " " + str(len(r))')).toBe('"k 0 39 41"');
  });

  test('stored key copies are equal to the keys given: for-in, keys, and lookups by other strings', () => {
    k.ok(`let c: {str: int} = {}\nlet long = "${LONG}"\nc["ab"] = 1\nc[long] = 2\nc[""] = 3\nc["a" + "b"] += 10`);
    expect(k.ok('c')).toBe(`{"ab": 11, "${LONG}": 2, "": 3}`);
    expect(k.ok('let out: [str] = []\nfor w in c { push(out, w + "!") }\nout')).toBe(`["ab!", "${LONG}!", "!"]`);
    expect(k.ok(`let other = "x" + "${LONG.slice(1)}"\nstr(c[other]) + " " + str(has(c, other + "x"))`)).toBe('"2 false"');
    expect(k.ok('keys(c)[0] == "ab"')).toBe('true');
  });
});

describe('words(): strings built in shared chunks', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kiln-data-runtime-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // 200,000 words (several 64 KiB chunks), multi-byte ones, words longer than a chunk's
  // share, and every kind of separator str.split() knows, ASCII and not.
  const separators = [' ', '  ', '\n', '\t', '\r\n', '\u{b}\u{c}', '\u{1c}', '\u{a0}', '\u{3000}', '\u{85}', '\u{2028}'];
  const expected: string[] = [];
  for (let i = 0; i < 200_000; i++) {
    if (i % 50_000 === 7) expected.push('L'.repeat(10_000 + i));
    else expected.push(i % 3 === 0 ? `w${i}` : i % 3 === 1 ? `é${i}€` : `${i}\u{200b}z`);
  }
  const text = expected.map((w, i) => w + separators[i % separators.length]).join('');
  const file = path.join(dir, 'words.txt');
  const joined = path.join(dir, 'joined.txt');
  writeFileSync(file, '\u{3000} ' + text);

  test('agree with str.split() and stay intact through collections', () => {
    const k = new TestSession();
    k.ok(`let ws = words(read_file(${JSON.stringify(file)}))\nlet one = words(read_file(${JSON.stringify(file)}))[123457]`);
    const native = loadNative();
    native.gcCollect();
    // churn: the collector reuses whatever it freed
    k.ok('let junk: [str] = []\nfor i in 0..300000 { push(junk, str(i) + "-" + str(i * 7)) }\njunk = []');
    native.gcCollect();
    k.ok('for i in 0..300000 { let s = str(i) + "+" }');
    expect(k.ok('len(ws)')).toBe(String(expected.length));
    expect(k.ok('one')).toBe(JSON.stringify(expected[123457]));
    k.ok(`write_file(${JSON.stringify(joined)}, join(ws, "|"))`);
    expect(readFileSync(joined, 'utf8') === expected.join('|')).toBe(true);
  });
});
