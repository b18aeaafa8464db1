// The notebooks a user opens first, executed as `nbconvert --execute` runs them: every
// cell runs, only cells tagged raises-exception fail, and key outputs are what they say.
import { execFileSync } from 'child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { REPO } from './support/client';

jest.setTimeout(180000);

interface Output {
  output_type: string;
  name?: string;
  text?: string;
  ename?: string;
  evalue?: string;
  data?: Record<string, string>;
}
interface Cell {
  cell_type: string;
  source: string;
  metadata: { tags?: string[] };
  outputs?: Output[];
}

const prefix = mkdtempSync(path.join(tmpdir(), 'kiln-nb-'));
beforeAll(() => {
  execFileSync(process.execPath, [path.join(REPO, 'dist', 'kernel', 'install.js'), '--prefix', prefix]);
});

/** Executes a notebook of notebooks/ (by name) or anywhere else (by absolute path). */
function execute(notebook: string): Cell[] {
  const file = path.isAbsolute(notebook) ? notebook : path.join(REPO, 'notebooks', notebook);
  const out = execFileSync(
    '/usr/bin/python3',
    ['-m', 'nbconvert', '--to', 'notebook', '--execute', '--stdout', '--ExecutePreprocessor.kernel_name=kiln', file],
    {
      env: { ...process.env, JUPYTER_PATH: path.join(prefix, 'share', 'jupyter'), PYDEVD_DISABLE_FILE_VALIDATION: '1' },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 170000,
    },
  );
  // nbformat stores multi-line strings as lists of lines: join them back.
  return JSON.parse(out, (_k, v) => (Array.isArray(v) && v.length > 0 && v.every((e) => typeof e === 'string') ? v.join('') : v)).cells;
}

const codeCells = (cells: Cell[]) => cells.filter((c) => c.cell_type === 'code');
const text = (c: Cell) =>
  (c.outputs ?? []).map((o) => o.text ?? o.data?.['text/plain'] ?? '').join('');

test.each(readdirSync(path.join(REPO, 'notebooks')).filter((f) => f.endsWith('.ipynb')))('%s runs', (notebook) => {
  const cells = codeCells(execute(notebook));
  for (const cell of cells) {
    const errors = (cell.outputs ?? []).filter((o) => o.output_type === 'error');
    const expected = cell.metadata.tags?.includes('raises-exception') ? 1 : 0;
    expect({ source: cell.source, errors: errors.length }).toEqual({ source: cell.source, errors: expected });
  }
});

test('the tour shows what it promises', () => {
  const cells = codeCells(execute('tour.ipynb'));
  const by = (start: string) => cells.find((c) => c.source.startsWith(start))!;
  expect(text(by('/// The n-th Fibonacci'))).toBe('832040');
  expect(text(by('fn shout(s: str) -> str { return s + "!!!" }'))).toBe('"hello!!!"');
  expect(by('let xs').outputs![0].data!['image/svg+xml']).toMatch(/^<svg/);
  expect(text(by('for k in 2..5'))).toBe('"42"');
  expect(text(by('fn counter()'))).toBe('3');
  expect(text(by('struct City'))).toBe('["Paris", "Lyon"]');
  expect(by('fn divide').outputs![0].ename).toBe('ZeroDivisionError');
});

test('the eval notebook compiles specialised code and sees redefinitions', () => {
  const cells = codeCells(execute('eval.ipynb'));
  expect(text(cells[1])).toBe('-3.0');
  expect(text(cells[2])).toBe('hello → bonjour\n');
  expect(cells[3].outputs![0].ename).toBe('EvalError');
  expect(text(cells[4])).toBe('"bonjour"');
});

test('a notebook reads the files beside it: the kernel runs in the notebook\'s folder', () => {
  const folder = path.join(mkdtempSync(path.join(tmpdir(), 'kiln-nb-files-')), 'project');
  mkdirSync(folder);
  writeFileSync(path.join(folder, 'scores.csv'), 'name,score\r\n"Lee, Ann",12\r\nBo,7\r\n');
  writeFileSync(path.join(folder, 'notes.txt'), 'first\nsecond\n');
  const cell = (source: string) => ({ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source });
  const notebook = {
    cells: [
      cell('let rows = read_csv("scores.csv")\nprint(len(rows), rows[1][0], int(rows[1][1]) + int(rows[2][1]))'),
      cell('read_lines("notes.txt")'),
      cell('list_dir(".")'),
      cell('write_file("out.txt", "written")\nread_file("out.txt")'),
    ],
    metadata: { kernelspec: { name: 'kiln', display_name: 'Kiln', language: 'kiln' } },
    nbformat: 4,
    nbformat_minor: 4,
  };
  writeFileSync(path.join(folder, 'report.ipynb'), JSON.stringify(notebook));
  const cells = codeCells(execute(path.join(folder, 'report.ipynb')));
  expect(cells.map(text)).toEqual([
    '3 Lee, Ann 19\n',
    '["first", "second"]',
    '["notes.txt", "report.ipynb", "scores.csv"]',
    '"written"',
  ]);
  expect(readdirSync(folder).sort()).toEqual(['notes.txt', 'out.txt', 'report.ipynb', 'scores.csv']);
});

test('the data notebook reads the CSV beside it, groups, sorts and charts', () => {
  // nbconvert runs from the repository's root; the kernel starts in the notebook's folder.
  const cells = codeCells(execute('data.ipynb'));
  const by = (start: string) => cells.find((c) => c.source.startsWith(start))!;
  expect(text(by('let rows'))).toBe('120 orders with columns date, product, category, quantity, unit_price\n');
  expect(text(by('let revenue'))).toBe('{"Accessories": 50, "Tea": 82, "Equipment": 70, "Coffee": 40}');
  expect(by('let categories').outputs![0].data!['application/vnd.vegalite.v5+json']).toBeDefined();
  expect(by('let table').outputs![0].data!['text/html']).toContain('<tr><td>Equipment</td><td>70</td><td>3798.00</td></tr>');
  expect(by('let by_month').outputs![0].data!['image/svg+xml']).toMatch(/^<svg/);
  expect(text(by('let seen'))).toBe('TEA, BLACK (100 G)\nTEA, GREEN (100 G)\n');
  const missing = by('read_csv("missing.csv")').outputs![0];
  expect([missing.ename, missing.evalue]).toEqual(['IOError', "No such file or directory: 'missing.csv'"]);
  expect(text(by('len(seen)'))).toBe('2');
});

test('the C libraries notebook calls zlib, SQLite and BLAS and survives a fault in C', () => {
  const cells = codeCells(execute('c-libraries.ipynb'));
  const by = (start: string) => cells.find((c) => c.source.startsWith(start))!;
  expect(text(by('extern "libz.so.1" fn crc32'))).toBe('907060870');
  expect(text(by('// Checksums chain'))).toBe('1095738169 1095738169 true\n');
  expect(text(by('extern "libsqlite3.so.0"'))).toMatch(/^"3\.\d+\.\d+"$/);
  expect(text(by('let stmt: [ptr] = [null]'))).toBe('barbara 90.5\nedsger 80.5\nalan 70.5\ngrace 60.5\n5');
  expect(text(by('extern "libblas.so.3"'))).toBe('32.0');
  expect(text(by('// Two random n×n matrices'))).toMatch(/^same product \(differences below 1e-9\): true\nBLAS dgemm: [\d.]+ ms; Kiln loop: [\d.]+ ms\n$/);
  const fault = by('extern "libc.so.6" fn strlen').outputs!.find((o) => o.output_type === 'error')!;
  expect(fault).toMatchObject({ ename: 'RuntimeError', evalue: 'segmentation fault in C function strlen (invalid memory access at 0x0)' });
  expect(text(by('crc32(0, "still here"'))).toBe('4272021908');
});
