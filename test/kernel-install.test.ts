// `kiln install`: where the kernelspec goes and what it holds.
import { execFileSync } from 'child_process';
import { existsSync, mkdtempSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { REPO } from './support/client';

const INSTALL = path.join(REPO, 'dist', 'kernel', 'install.js');
const tmp = () => mkdtempSync(path.join(tmpdir(), 'kiln-install-'));

function check(dir: string) {
  const spec = JSON.parse(readFileSync(path.join(dir, 'kernel.json'), 'utf8'));
  expect(spec).toMatchObject({ display_name: 'Kiln', language: 'kiln', interrupt_mode: 'signal' });
  expect(spec.argv).toEqual([process.execPath, path.join(REPO, 'dist', 'kernel', 'main.js'), '-f', '{connection_file}']);
  for (const logo of ['logo-32x32.png', 'logo-64x64.png', 'logo-svg.svg']) expect(existsSync(path.join(dir, logo))).toBe(true);
  const png = readFileSync(path.join(dir, 'logo-64x64.png'));
  expect(png.subarray(1, 4).toString()).toBe('PNG');
  expect(png.readUInt32BE(16)).toBe(64);
}

test('--prefix DIR: DIR/share/jupyter/kernels/kiln (through bin/kiln too)', () => {
  const p = tmp();
  execFileSync(process.execPath, [INSTALL, '--prefix', p]);
  check(path.join(p, 'share', 'jupyter', 'kernels', 'kiln'));
  const q = tmp();
  execFileSync(process.execPath, [path.join(REPO, 'bin', 'kiln'), 'install', '--prefix', q]);
  check(path.join(q, 'share', 'jupyter', 'kernels', 'kiln'));
});

test('--user: the Jupyter user data dir (XDG_DATA_HOME / JUPYTER_DATA_DIR)', () => {
  const home = tmp();
  execFileSync(process.execPath, [INSTALL, '--user'], { env: { ...process.env, HOME: home, XDG_DATA_HOME: '', JUPYTER_DATA_DIR: '' } });
  check(path.join(home, '.local', 'share', 'jupyter', 'kernels', 'kiln'));
  const data = tmp();
  execFileSync(process.execPath, [INSTALL, '--user'], { env: { ...process.env, JUPYTER_DATA_DIR: data } });
  check(path.join(data, 'kernels', 'kiln'));
});

test('--sys-prefix: VIRTUAL_ENV/share/jupyter', () => {
  const venv = tmp();
  execFileSync(process.execPath, [INSTALL, '--sys-prefix'], { env: { ...process.env, VIRTUAL_ENV: venv } });
  check(path.join(venv, 'share', 'jupyter', 'kernels', 'kiln'));
});

test('an unknown option is an error', () => {
  expect(() => execFileSync(process.execPath, [INSTALL, '--bogus'], { stdio: 'pipe' })).toThrow();
});
