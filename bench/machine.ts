// The machine and the versions a run was measured with, for the report.
import { execSync } from 'child_process';
import { readFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';

export interface Machine {
  date: string;
  cpu: string;
  cores: number;
  memGB: number;
  os: string;
  /** Kiln's commit (short hash, `+` if the work tree had changes). */
  kiln: string;
  node: string;
  gcc: string;
  clang: string;
  llvm: string;
  python: string;
  ipykernel: string;
  /** 1, 5 and 15-minute load averages. */
  loadAvgAtStart: number[];
}

function firstLine(cmd: string): string {
  try {
    return execSync(cmd, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], cwd: path.resolve(__dirname, '..', '..') }).split('\n')[0].trim();
  } catch {
    return 'unknown';
  }
}

export const loadAverage = (): number[] => os.loadavg().map((x) => Number(x.toFixed(2)));

export function machine(python: string): Machine {
  let distro = 'unknown';
  try {
    distro = /PRETTY_NAME="([^"]+)"/.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? distro;
  } catch { /* not Linux */ }
  const commit = firstLine('git rev-parse --short HEAD');
  const status = firstLine('git status --porcelain --untracked-files=no');
  const dirty = status !== '' && status !== 'unknown';
  return {
    date: new Date().toISOString(),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memGB: Math.round(os.totalmem() / 2 ** 30),
    os: `${distro}, Linux ${os.release()}`,
    kiln: `${commit}${dirty ? '+' : ''}`,
    node: process.version,
    gcc: firstLine('gcc --version'),
    clang: firstLine('clang-14 --version'),
    llvm: firstLine('llvm-config-14 --version'),
    python: firstLine(`${python} --version`),
    ipykernel: firstLine(`${python} -c "import ipykernel; print(ipykernel.__version__)"`),
    loadAvgAtStart: loadAverage(),
  };
}
