// Runs a Python driver from test/support/ with Debian's /usr/bin/python3 against a Kiln
// kernelspec installed with `kiln install --prefix` into a temp dir and found through
// JUPYTER_PATH. The driver prints one JSON object, which is returned parsed.
import { execFileSync } from 'child_process';
import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { REPO } from './client';

export function runPythonDriver(driver: string, timeoutMs: number) {
  const prefix = mkdtempSync(path.join(tmpdir(), 'kiln-prefix-'));
  execFileSync(process.execPath, [path.join(REPO, 'dist', 'kernel', 'install.js'), '--prefix', prefix]);
  const out = execFileSync('/usr/bin/python3', [path.join(REPO, 'test', 'support', driver)], {
    env: {
      ...process.env,
      JUPYTER_PATH: path.join(prefix, 'share', 'jupyter'),
      JUPYTER_RUNTIME_DIR: mkdtempSync(path.join(tmpdir(), 'kiln-rt-')),
      PYDEVD_DISABLE_FILE_VALIDATION: '1',
    },
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  return JSON.parse(out);
}
