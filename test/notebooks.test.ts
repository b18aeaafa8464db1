// The notebooks a user opens first, executed as `nbconvert --execute` runs them: every
// cell runs, only cells tagged raises-exception fail, and key outputs are what they say.
import { execFileSync } from 'child_process';
import { mkdtempSync, readdirSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { REPO } from './support/client';

jest.setTimeout(180000);

interface Output {
  output_type: string;
  name?: string;
  text?: string;
  ename?: string;
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

function execute(notebook: string): Cell[] {
  const out = execFileSync(
    '/usr/bin/python3',
    ['-m', 'nbconvert', '--to', 'notebook', '--execute', '--stdout', '--ExecutePreprocessor.kernel_name=kiln', path.join(REPO, 'notebooks', notebook)],
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
