// `node dist/bench/kiln-runs.js` with a Kiln cell on stdin: runs it once in a fresh Session at
// %opt 2 (compiled first; only the run is timed) and prints one JSON line, { ms, compileMs,
// stdout }. The workloads measure Kiln in a process of its own, as C is measured, rather than
// in the bench's process: the bench starts a process for every C, node and CPython run, and a
// fork leaves the forking process's pages write-protected (copy-on-write) until each is
// written again, so Kiln in the bench's process paid a fault for every heap page it wrote
// after each of those starts (the sieve, 10 rounds of a 16 MB array: 85 ms, or 215 ms with one
// `spawnSync('/bin/true')` before each run). A kernel never forks. In a process of its own,
// Kiln's heap starts empty, as C's does.
import { readFileSync } from 'fs';
import { fail, runKilnCell, runProcess } from './util';

export interface KilnRun {
  ms: number;
  compileMs: number;
  stdout: string;
}

/** Runs `source` once in a child process (see above); fails loudly on any error. */
export function kilnRun(source: string, what: string): KilnRun {
  const out = runProcess(process.execPath, [__filename], 600_000, source);
  try {
    return JSON.parse(out.stdout.trim().split('\n').pop()!) as KilnRun;
  } catch {
    return fail(`${what}: the Kiln runner printed no result\n${out.stdout.slice(-400)}`);
  }
}

if (require.main === module) {
  const run: KilnRun = runKilnCell(readFileSync(0, 'utf8'), 'kiln run');
  process.stdout.write(`${JSON.stringify(run)}\n`);
}
