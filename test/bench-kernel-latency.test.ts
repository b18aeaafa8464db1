// bench/kernel-latency.ts against the real kernels, Kiln and ipykernel, with one client: every
// figure is there for both (complete_request answered with `print`, each interrupt ending its
// cell with KeyboardInterrupt: the script fails otherwise). No timing is asserted.
// Needs the build: npx tsc -p tsconfig.json.
import { execFile } from 'child_process';
import * as path from 'path';
import type { KernelLatency } from '../bench/kernel-latency';

const SCRIPT = path.join(__dirname, '..', 'dist', 'bench', 'kernel-latency.js');

function run(args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(process.execPath, [SCRIPT, ...args], { timeout: 150_000 }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout))),
  );
}

test('one start-up of each kernel: start-up, first cell, warm cells, completes and interrupts, as one JSON line', async () => {
  const lines = (await run(['1', '2', '--json'])).trim().split('\n');
  expect(lines).toHaveLength(1);
  const results = JSON.parse(lines[0]) as KernelLatency[];
  expect(results.map((k) => [k.kernel, k.rounds, k.warmCellsPerRound])).toEqual([
    ['kiln', 1, 2],
    ['ipykernel', 1, 2],
  ]);
  for (const k of results) {
    const counts = [k.startupMs, k.firstCellMs, k.warmCellMs, k.completeMs, k.interruptMs].map((s) => s.n);
    expect(counts).toEqual([1, 1, 2, 10, 3]);
    for (const s of [k.startupMs, k.firstCellMs, k.warmCellMs, k.completeMs, k.interruptMs]) {
      expect(s.min).toBeGreaterThan(0);
      expect([s.min <= s.p10, s.p10 <= s.median, s.median <= s.p90, s.p90 <= s.max]).toEqual([true, true, true, true]);
    }
  }
}, 180_000);
