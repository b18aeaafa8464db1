// `kiln install [--user | --sys-prefix | --prefix DIR]`: writes the kernelspec (kernel.json with
// absolute paths to this node and this checkout, plus the logos) where Jupyter looks for it.
//   --user (default)  the Jupyter user data dir: $JUPYTER_DATA_DIR, else
//                     $XDG_DATA_HOME/jupyter or ~/.local/share/jupyter (~/Library/Jupyter on macOS)
//   --sys-prefix      <python sys.prefix>/share/jupyter ($VIRTUAL_ENV, $CONDA_PREFIX, or python3's)
//   --prefix DIR      DIR/share/jupyter
// The kernel lands in <data dir>/kernels/kiln.
import { execFileSync } from 'child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';

export const KERNEL_NAME = 'kiln';
const REPO = path.resolve(__dirname, '..', '..');
const SPEC_SOURCE = path.join(REPO, 'kernelspec');
const LOGOS = ['logo-32x32.png', 'logo-64x64.png', 'logo-svg.svg'];

export function userDataDir(): string {
  if (process.env.JUPYTER_DATA_DIR) return path.resolve(process.env.JUPYTER_DATA_DIR);
  const home = os.homedir();
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Jupyter');
  if (process.platform === 'win32') return path.join(process.env.APPDATA ?? home, 'jupyter');
  return path.join(process.env.XDG_DATA_HOME || path.join(home, '.local', 'share'), 'jupyter');
}

function sysPrefix(): string {
  const env = process.env.VIRTUAL_ENV || process.env.CONDA_PREFIX;
  if (env) return env;
  for (const py of ['python3', 'python']) {
    try {
      return execFileSync(py, ['-c', 'import sys; print(sys.prefix)'], { encoding: 'utf8' }).trim();
    } catch {
      /* try the next one */
    }
  }
  throw new Error('--sys-prefix: no Python found (set VIRTUAL_ENV or use --prefix DIR)');
}

/** Where `args` asks the kernelspec to go: <data dir>/kernels/kiln. */
export function kernelDir(args: string[]): string {
  let dataDir = userDataDir();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--user') dataDir = userDataDir();
    else if (a === '--sys-prefix') dataDir = path.join(sysPrefix(), 'share', 'jupyter');
    else if (a === '--prefix' || a.startsWith('--prefix=')) {
      const dir = a === '--prefix' ? args[++i] : a.slice('--prefix='.length);
      if (!dir) throw new Error('--prefix needs a directory');
      dataDir = path.join(path.resolve(dir), 'share', 'jupyter');
    } else throw new Error(`unknown option ${a}`);
  }
  return path.join(dataDir, 'kernels', KERNEL_NAME);
}

/** The kernel.json contents for this node and this checkout. */
export function kernelJson(): Record<string, unknown> {
  const template = JSON.parse(readFileSync(path.join(SPEC_SOURCE, 'kernel.json'), 'utf8')) as Record<string, unknown>;
  return {
    ...template,
    argv: [process.execPath, path.join(REPO, 'dist', 'kernel', 'main.js'), '-f', '{connection_file}'],
    display_name: 'Kiln',
    language: 'kiln',
    interrupt_mode: 'signal',
  };
}

/** `kiln install ...` (also `node dist/kernel/install.js ...`). Prints where the kernelspec went. */
export function install(args: string[]): void {
  if (args.includes('-h') || args.includes('--help')) {
    process.stdout.write('usage: kiln install [--user | --sys-prefix | --prefix DIR]\n');
    return;
  }
  const dir = kernelDir(args);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'kernel.json'), JSON.stringify(kernelJson(), null, 2) + '\n');
  for (const logo of LOGOS) copyFileSync(path.join(SPEC_SOURCE, logo), path.join(dir, logo));
  process.stdout.write(`Installed the Kiln kernelspec in ${dir}\n`);
}

if (require.main === module) {
  try {
    install(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`kiln install: ${(e as Error).message}\n`);
    process.exit(2);
  }
}
