// A long notebook session in one engine (issue 12): every cell defines a new function,
// redefines a shared helper and calls both. Prints the per-cell time of the last 10 % of
// cells against the first 10 % (wall clock, and this process's CPU time, which a busy
// machine disturbs less), and the RSS growth over the run, each beside its target.
// node dist/bench/soak/long-session.js [cells=10000]
import { readFileSync } from 'node:fs';
import { executeOrFail, fail, kilnSession, now } from '../util';
import { verdict } from './engine-figures';

const cells = Number(process.argv[2] ?? 10_000);
const rssMB = (): number => process.memoryUsage().rss / 2 ** 20;
/** Memory mappings of this process (Linux caps them at vm.max_map_count, 65,530). */
const mapCount = (): number => readFileSync('/proc/self/maps', 'utf8').split('\n').length - 1;
const cpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
/** The engine worker returns to its event loop between cells (N-API finalizers of the
 *  LLVM bindings' wrappers run there): so does this loop. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function cellSource(i: number): string {
  return `fn helper(x: int) -> int { return x + ${i} }
fn cell${i}(x: int) -> int {
    let total = 0
    for k in 0..x { total += helper(k) }
    return total
}
cell${i}(3)`;
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

async function main(): Promise<void> {
  const { session } = kilnSession();
  // Warm up (LLVM, the JIT, the collector) so the baseline is a session ready to work.
  for (let i = 0; i < 20; i++) executeOrFail(session, cellSource(i), i + 1, 'warm-up');
  const startRss = rssMB();
  const startMaps = mapCount();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < cells; i++) {
    const n = i + 20;
    const [t0, c0] = [now(), cpuMs()];
    const result = executeOrFail(session, cellSource(n), n + 1, 'long session');
    wall.push(now() - t0);
    cpu.push(cpuMs() - c0);
    await nextTurn();
    if (result !== String(3 * n + 3)) fail(`cell ${n} gave ${result}, expected ${3 * n + 3}`);
    if (process.env.KILN_SOAK_VERBOSE && (i + 1) % 1000 === 0) {
      console.error(`${i + 1} cells: ${rssMB().toFixed(0)} MB, ${mapCount()} maps, ${mean(wall.slice(-1000)).toFixed(2)} ms a cell over the last 1,000`);
    }
  }
  const endRss = rssMB();
  const tenth = Math.max(1, Math.floor(cells / 10));
  const label = `${cells.toLocaleString('en-US')}-cell session`;
  for (const [what, xs] of [['time', wall], ['CPU time', cpu]] as const) {
    const first = mean(xs.slice(0, tenth));
    const last = mean(xs.slice(-tenth));
    console.log(`${label}: per-cell ${what} first 10% ${first.toFixed(2)} ms, last 10% ${last.toFixed(2)} ms: last/first ${(last / first).toFixed(2)}x (target <= 1.2x)${verdict(last / first <= 1.2)}`);
  }
  const growth = endRss - startRss;
  console.log(`${label}: RSS ${startRss.toFixed(0)} -> ${endRss.toFixed(0)} MB, growth ${growth.toFixed(0)} MB, ${((growth * 1024) / cells).toFixed(1)} KB a cell (target < 100 MB over 10,000 cells)${verdict(growth < (100 * cells) / 10000)}`);
  const modules = session.code.sizes().modules;
  console.log(`${label}: completed; memory maps ${startMaps} -> ${mapCount()}, ${modules.toLocaleString('en-US')} modules live in the JIT (target: completes, maps far below 65,530)${verdict(mapCount() < 10000)}`);
}

void main();
