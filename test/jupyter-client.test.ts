// The kernel through the real jupyter_client (Debian's python3-jupyter-client): a kernelspec
// installed with `kiln install --prefix` into a temp dir and found through JUPYTER_PATH.
import { execFileSync } from 'child_process';
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { REPO } from './support/client';
import { runPythonDriver } from './support/python-driver';

jest.setTimeout(120000);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Output = [string, Record<string, any>];
const types = (outs: Output[]) => outs.map(([t]) => t);
const find = (outs: Output[], t: string) => outs.find(([type]) => type === t)?.[1];

test('jupyter_client KernelManager: start, run cells, stdin, interrupt, shutdown', () => {
  const r = runPythonDriver('jupyter_client_driver.py', 100000);
  expect(r.spec_interrupt_mode).toBe('signal');
  expect(r.kernel_info).toMatchObject({ implementation: 'kiln', protocol_version: '5.3', language_info: { name: 'kiln', pygments_lexer: 'rust', codemirror_mode: 'kiln', mimetype: 'text/x-kiln' } });
  expect(r.let[0].status).toBe('ok');
  expect(find(r.expr[1], 'execute_result')?.data['text/plain']).toBe('42');
  expect(types(r.print[1])).toEqual(['status', 'execute_input', 'stream', 'status']);
  expect(find(r.print[1], 'stream')).toEqual({ name: 'stdout', text: 'hi\n' });
  expect(r.error[0]).toMatchObject({ status: 'error', ename: 'ZeroDivisionError' });
  expect(find(r.error[1], 'error')?.ename).toBe('ZeroDivisionError');
  expect(find(r.html[1], 'display_data')?.data['text/html']).toBe('<b>x</b>');
  expect(r.input[0].status).toBe('ok');
  expect(find(r.input[1], 'stream')?.text).toBe('Ada\n');
  expect(r.complete.matches).toContain('print');
  expect(r.is_complete.status).toBe('incomplete');
  expect(r.history.history.map((h: unknown[]) => h[2])).toContain('1 / 0');
  expect(r.interrupt.content.ename).toBe('KeyboardInterrupt');
  expect(r.interrupt.seconds).toBeLessThan(1);
  expect(find(r.after_interrupt[1], 'execute_result')?.data['text/plain']).toBe('41');
  expect(r.shutdown_s).toBeLessThan(2);
  expect(r.alive_after_shutdown).toBe(false);
});

test('nbconvert --execute runs a Kiln notebook', () => {
  const prefix = mkdtempSync(path.join(tmpdir(), 'kiln-prefix-'));
  execFileSync(process.execPath, [path.join(REPO, 'dist', 'kernel', 'install.js'), '--prefix', prefix]);
  const cell = (source: string) => ({ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source });
  const nb = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'kiln', display_name: 'Kiln', language: 'kiln' } },
    cells: [cell('let x = 40'), cell('print("hi")\nx + 2'), cell('html("<b>x</b>")')],
  };
  const file = path.join(prefix, 'nb.ipynb');
  writeFileSync(file, JSON.stringify(nb));
  const out = execFileSync('/usr/bin/python3', ['-m', 'nbconvert', '--to', 'notebook', '--execute', '--stdout', file], {
    env: { ...process.env, JUPYTER_PATH: path.join(prefix, 'share', 'jupyter'), PYDEVD_DISABLE_FILE_VALIDATION: '1' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60000,
  });
  // nbformat stores multi-line strings as lists of lines: join them back.
  const cells = JSON.parse(out, (_k, v) => (Array.isArray(v) && v.every((e) => typeof e === 'string') ? v.join('') : v)).cells;
  expect(cells[1].outputs).toEqual([
    { name: 'stdout', output_type: 'stream', text: 'hi\n' },
    { data: { 'text/plain': '42' }, execution_count: 2, metadata: {}, output_type: 'execute_result' },
  ]);
  expect(cells[2].outputs[0]).toMatchObject({ output_type: 'display_data', data: { 'text/html': '<b>x</b>' } });
});
