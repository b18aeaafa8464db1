// The file built-ins of LANGUAGE.md 0.2 "Files", end to end through the engine. Paths are
// relative to the process's working directory: each block runs in a directory of its own.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TestSession } from './support/engine';

let k: TestSession;
const startDir = process.cwd();
let scratch: string;

beforeAll(() => {
  k = new TestSession();
});

beforeEach(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-files-'));
  process.chdir(scratch);
});

afterEach(() => {
  process.chdir(startDir);
  fs.rmSync(scratch, { recursive: true, force: true });
});

function error(code: string): string | undefined {
  return k.run(code).error;
}

describe('write_file, append_file, read_file, read_lines', () => {
  test('a file written is read back byte for byte; append adds; write replaces', () => {
    expect(k.ok('write_file("a.txt", "héllo\\nworld\\n")\nread_file("a.txt")')).toBe('"héllo\\nworld\\n"');
    expect(fs.readFileSync('a.txt', 'utf8')).toBe('héllo\nworld\n');
    expect(k.ok('append_file("a.txt", "more")\nread_file("a.txt")')).toBe('"héllo\\nworld\\nmore"');
    expect(k.ok('read_lines("a.txt")')).toBe('["héllo", "world", "more"]');
    expect(k.ok('write_file("a.txt", "x")\nread_file("a.txt")')).toBe('"x"');
    expect(k.ok('append_file("new.txt", "created")\nread_file("new.txt")')).toBe('"created"');
    expect(k.ok('write_file("empty.txt", "")\nprint(len(read_file("empty.txt")), read_lines("empty.txt"))')).toBe('0 []\n');
    fs.writeFileSync('by-node.txt', ''); // mode 0666 less the umask
    expect(fs.statSync('new.txt').mode & 0o777).toBe(fs.statSync('by-node.txt').mode & 0o777);
  });

  test.each([
    ['a\r\nb\r\n\r\nc', '["a", "b", "", "c"]'],
    ['a\n', '["a"]'],
    ['a\n\n', '["a", ""]'],
    ['\n', '[""]'],
    ['a\rb\n', '["a\\rb"]'],
    ['a\r', '["a\\r"]'],
    ['no line end', '["no line end"]'],
  ])('read_lines of %j → %s', (text, expected) => {
    fs.writeFileSync('lines.txt', text);
    expect(k.ok('read_lines("lines.txt")')).toBe(expected);
  });

  test('a UTF-8 byte-order mark is kept, as Python\'s utf-8 codec keeps it', () => {
    fs.writeFileSync('bom.csv', '\ufeffname,n\nx,1\n');
    expect(k.ok('print(len(read_file("bom.csv")), ord(substr(read_file("bom.csv"), 0, 3)), read_csv("bom.csv")[0][0] == chr(65279) + "name")')).toBe(
      '14 65279 true\n',
    );
  });

  test('a file in a subfolder, by a relative path', () => {
    fs.mkdirSync('sub');
    fs.writeFileSync('sub/data.txt', 'inside');
    expect(k.ok('read_file("sub/data.txt")')).toBe('"inside"');
  });
});

describe('exists and list_dir', () => {
  test('exists is true for files and directories', () => {
    fs.writeFileSync('a.txt', '');
    expect(k.ok('print(exists("a.txt"), exists("."), exists("nope"), exists(""), exists("a\\0b"))')).toBe(
      'true true false false false\n',
    );
  });

  test('exists follows symbolic links: a dangling link does not exist', () => {
    fs.writeFileSync('target.txt', '');
    fs.symlinkSync('target.txt', 'good-link');
    fs.symlinkSync('nowhere.txt', 'dangling-link');
    expect(k.ok('print(exists("good-link"), exists("dangling-link"))')).toBe('true false\n');
  });

  test('list_dir gives the names sorted byte-wise, without . and ..', () => {
    for (const name of ['b', 'a', 'B', 'é', 'a.txt', '_x']) fs.writeFileSync(name, '');
    fs.mkdirSync('dir');
    fs.mkdirSync('empty');
    expect(k.ok('list_dir(".")')).toBe('["B", "_x", "a", "a.txt", "b", "dir", "empty", "é"]');
    expect(k.ok('list_dir("empty")')).toBe('[]');
  });
});

describe('errors', () => {
  test.each([
    ['read_file("missing.txt")', "IOError: No such file or directory: 'missing.txt'"],
    ['read_lines("missing.txt")', "IOError: No such file or directory: 'missing.txt'"],
    ['read_csv("data.csv")', "IOError: No such file or directory: 'data.csv'"],
    ['read_file("dir")', "IOError: Is a directory: 'dir'"],
    ['write_file("nodir/x.txt", "a")', "IOError: No such file or directory: 'nodir/x.txt'"],
    ['append_file("dir", "a")', "IOError: Is a directory: 'dir'"],
    ['list_dir("missing")', "IOError: No such file or directory: 'missing'"],
    ['list_dir("a.txt")', "IOError: Not a directory: 'a.txt'"],
    ['read_file("a\\0b")', 'ValueError: embedded null byte in path'],
  ])('%s fails: %s', (code, expected) => {
    fs.mkdirSync('dir');
    fs.writeFileSync('a.txt', '');
    expect(error(code)).toBe(expected);
  });

  test.each([
    ['an invalid start byte', [0x61, 0x62, 0xff, 0x63], 2],
    ['a sequence cut at the end', [0x61, 0xe2, 0x82], 1],
    ['an encoded surrogate', [0x61, 0x0a, 0xed, 0xa0, 0x80], 2],
    ['an overlong form', [0xc0, 0x80], 0],
    ['a code point above U+10FFFF', [0x20, 0xf4, 0x90, 0x80, 0x80], 1],
  ])('text that is not UTF-8 (%s) is a ValueError with its byte offset', (_what, bytes, offset) => {
    fs.writeFileSync('bad.txt', Buffer.from(bytes));
    const message = `ValueError: bad.txt: invalid UTF-8 at byte offset ${offset}`;
    expect(error('read_file("bad.txt")')).toBe(message);
    expect(error('read_lines("bad.txt")')).toBe(message);
    expect(error('read_csv("bad.txt")')).toBe(message);
  });

  test('an IOError is a runtime error with the Kiln call stack; the session carries on', () => {
    const r = k.run('fn load(p: str) -> str {\n    return read_file(p)\n}\nlet before = 1\nload("gone.txt")');
    expect(r.outcome.status === 'error' && r.outcome.traceback).toEqual([
      'Traceback (most recent call last):',
      expect.stringMatching(/^ {2}cell \d+, line 5, in <cell>$/),
      expect.stringMatching(/^ {2}cell \d+, line 2, in load$/),
      "IOError: No such file or directory: 'gone.txt'",
    ]);
    expect(r.outcome.status === 'error' && r.outcome.ename).toBe('IOError');
    expect(k.ok('before + 1')).toBe('2');
  });
});

describe('read_csv (RFC 4180)', () => {
  test('quoted fields, "" inside quotes, separators and newlines inside quotes, \\r\\n and \\n line ends', () => {
    process.chdir(path.join(__dirname, 'data'));
    expect(k.ok('read_csv("people.csv")')).toBe(
      '[["name", "city", "note"], ["Ann", "Paris, France", "said \\"hi\\"\\r\\ntwice"], ["Bob", "Oslo", ""], ' +
        '["Chloé", "", "multi\\nline\\nnote"], ["Dan", "", "plain"]]',
    );
  });

  test('an unterminated quoted field is a ValueError naming the file and the line it opened on', () => {
    process.chdir(path.join(__dirname, 'data'));
    expect(error('read_csv("unterminated.csv")')).toBe('ValueError: unterminated.csv:5: unterminated quoted field');
  });

  test.each([
    ['a,b\n', '[["a", "b"]]'],
    ['a,\n', '[["a", ""]]'],
    [',\r\n', '[["", ""]]'],
    ['\n\na\n\n', '[["a"]]'],
    ['"ab"c,d', '[["abc", "d"]]'],
    ['a"b,c', '[["a\\"b", "c"]]'],
    ['""', '[[""]]'],
    ['"a\r\nb",c\r\n', '[["a\\r\\nb", "c"]]'],
    ['x\ry,z', '[["x\\ry", "z"]]'],
    ['', '[]'],
    ['"', 'ValueError: f.csv:1: unterminated quoted field'],
    ['a\nb\n"c""\n', 'ValueError: f.csv:3: unterminated quoted field'],
  ])('%j → %s', (text, expected) => {
    fs.writeFileSync('f.csv', text);
    const r = k.run('read_csv("f.csv")');
    expect(r.result ?? r.error).toBe(expected);
  });
});

describe('type errors', () => {
  test.each([
    ['read_file(1)', 'TypeError: expected `str`, found `int`'],
    ['write_file("a.txt", 1)', 'TypeError: expected `str`, found `int`'],
    ['let n: int = read_csv("a.csv")', 'TypeError: expected `int`, found `[[str]]`'],
    ['let x = write_file("a.txt", "")', 'TypeError: cannot use a `void` value: `write_file` does not return a value'],
  ])('%s: %s', (code, expected) => {
    expect(error(code)).toBe(expected);
  });
});

// read_lines and read_csv read 1 MB at a time (native/src/files.h): a record cut by the end
// of a window is read again whole. Each case puts the cut at every byte of a record.
describe('records that cross the 1 MB read window', () => {
  const WINDOW = 1 << 20;

  /** Writes f.txt: a first line of `WINDOW - cut` bytes (its \n included), then `tail`. */
  function writeCut(cut: number, tail: Buffer | string): void {
    fs.writeFileSync('f.txt', Buffer.concat([Buffer.from('p'.repeat(WINDOW - cut - 1) + '\n'), Buffer.from(tail)]));
  }

  test('read_csv: quotes, "" , \r\n inside quotes, code points and blank lines cut anywhere', () => {
    const tail = '"a""b\r\nc",é😀\r\n\r\nlast,"x"\r\n';
    for (let cut = 0; cut <= Buffer.byteLength(tail) + 1; cut++) {
      writeCut(cut, tail);
      expect([cut, k.ok('let r = read_csv("f.txt")\nprint(len(r), len(r[0][0]), r[1], r[2])')]).toEqual([
        cut,
        `3 ${WINDOW - cut - 1} ["a\\"b\\r\\nc", "é😀"] ["last", "x"]\n`,
      ]);
    }
  });

  test('read_lines: \r\n and code points cut anywhere', () => {
    const tail = 'é😀\r\nab\r\n\r\nz';
    for (let cut = 0; cut <= Buffer.byteLength(tail) + 1; cut++) {
      writeCut(cut, tail);
      expect([cut, k.ok('let r = read_lines("f.txt")\nprint(len(r), len(r[0]), slice(r, 1, len(r)))')]).toEqual([
        cut,
        `5 ${WINDOW - cut - 1} ["é😀", "ab", "", "z"]\n`,
      ]);
    }
  });

  test('a line longer than the window is read whole', () => {
    fs.writeFileSync('f.txt', 'x'.repeat(3 * WINDOW + 5) + '\r\n"' + 'y'.repeat(WINDOW) + '"\n');
    expect(k.ok('let r = read_lines("f.txt")\nprint(len(r), len(r[0]), len(r[1]))')).toBe(`2 ${3 * WINDOW + 5} ${WINDOW + 2}\n`);
    expect(k.ok('let c = read_csv("f.txt")\nprint(len(c), len(c[0][0]), len(c[1][0]))')).toBe(`2 ${3 * WINDOW + 5} ${WINDOW}\n`);
  });

  test('a byte that is not UTF-8 is reported at its offset in the file, wherever the window ends', () => {
    for (let cut = 0; cut <= 4; cut++) {
      writeCut(cut, Buffer.from([0x61, 0xe2, 0x82, 0x61]));
      const message = `ValueError: f.txt: invalid UTF-8 at byte offset ${WINDOW - cut + 1}`;
      expect([cut, error('read_lines("f.txt")'), error('read_csv("f.txt")')]).toEqual([cut, message, message]);
    }
  });
});

describe('memory: a 100 MB file reads with a peak under 3x its size', () => {
  const SIZE = 100 * 2 ** 20;

  /** Writes big.txt: SIZE bytes of 128-byte lines (127 letters and \n), 1 MB at a time. */
  function writeBigFile(): void {
    const chunk = Buffer.from(('abcdefghij'.repeat(13).slice(0, 127) + '\n').repeat(2 ** 20 / 128));
    const fd = fs.openSync('big.txt', 'w');
    for (let i = 0; i < SIZE / chunk.length; i++) fs.writeSync(fd, chunk);
    fs.closeSync(fd);
  }

  test.each([
    ['read_file', SIZE],
    ['read_lines', SIZE / 128],
    ['read_csv', SIZE / 128],
  ])('%s', (fn, length) => {
    writeBigFile();
    const script = path.join(__dirname, 'support', 'read-memory.js');
    const child = spawnSync(process.execPath, [script, fn, path.join(scratch, 'big.txt')], { encoding: 'utf8' });
    expect(child.stderr).toBe('');
    const measured = JSON.parse(child.stdout);
    expect(measured.length).toBe(length);
    expect(measured.heapGrowth).toBeLessThan(3 * SIZE);
    expect(measured.peakRssGrowth).toBeLessThan(3 * SIZE);
  });
});
