// The `kiln` command as a user runs it: `kiln run FILE`, `kiln run --time FILE`, the REPL.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const kiln = path.join(__dirname, '..', 'bin', 'kiln');
const dir = mkdtempSync(path.join(tmpdir(), 'kiln-cli-'));

function file(name: string, text: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
}

function run(args: string[], input = '') {
  const r = spawnSync(process.execPath, [kiln, ...args], { input, encoding: 'utf8', timeout: 30000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('kiln run prints the output and exits 0', () => {
  const r = run(['run', file('ok.kiln', 'fn sq(x: int) -> int { return x * x }\nprint(sq(12))\nsq(3)\n')]);
  expect(r).toEqual({ code: 0, stdout: '144\n9\n', stderr: '' });
});

test('lines `// %%` split the file into cells', () => {
  const r = run(['run', file('cells.kiln', 'let a = 1\n// %%\nlet b = a + 1\nprint(b)\n// %%\nb * 10\n')]);
  expect(r).toEqual({ code: 0, stdout: '2\n20\n', stderr: '' });
});

test('an error goes to stderr, formatted, with a non-zero exit', () => {
  const r = run(['run', file('bad.kiln', 'print("before")\n// %%\nlet x = 1\nlet y = x / 0\n')]);
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('before\n');
  expect(r.stderr).toBe(
    'Traceback (most recent call last):\n  cell 2, line 2, in <cell>\nZeroDivisionError: integer division or modulo by zero\n',
  );
  const c = run(['run', file('typo.kiln', 'fn foo() -> int { return 1 }\nfo()\n')]);
  expect(c.code).toBe(1);
  expect(c.stderr).toBe('cell 1, line 2, col 1\n    fo()\n    ^^\nNameError: unknown function `fo` — did you mean `foo`?\n');
});

test('--time ends stderr with the compile and run times', () => {
  const r = run(['run', '--time', file('time.kiln', 'print(1 + 1)\n')]);
  expect(r.code).toBe(0);
  expect(r.stdout).toBe('2\n');
  expect(r.stderr).toMatch(/^time: compile=\d+(\.\d+)?ms run=\d+(\.\d+)?ms\n$/);
});

test('kiln alone is a REPL on the same engine, with multi-line input', () => {
  const r = run([], 'let x = 20\nfn add(a: int) -> int {\n    return a + x\n}\nadd(22)\n');
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('42\n');
  expect(r.stdout).toContain('... ');
});

test('usage on a wrong command', () => {
  const r = run(['frobnicate']);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/^usage:/);
});
