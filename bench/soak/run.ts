// Kiln's soak run (npm run soak): each figure starts the real kernel on 127.0.0.1, pushes it
// (malformed wire traffic, a slow front end, shutdown and interrupt at bad moments) and
// prints what it measured beside its target. A failed correctness check exits 1; a missed
// target is only marked.
//
// Adding a figure: write bench/soak/<name>.ts exporting a SoakFigure (see figure.ts), or an
// in-process script wrapped by engine-figures.ts, and append it to FIGURES below. `npm run soak -- <name> ...` runs only the named figures.
import * as os from 'os';
import { table } from '../util';
import type { FigureRow, SoakFigure } from './figure';
import { errorsInARow, interruptEngine, longSession } from './engine-figures';
import { interruptAtBadMoments } from './interrupt';
import { shutdownWhileRunning } from './shutdown';
import { slowFrontEnd } from './slow-frontend';
import { wireFuzz } from './wire-fuzz';

const FIGURES: SoakFigure[] = [
  wireFuzz,
  slowFrontEnd,
  shutdownWhileRunning,
  interruptAtBadMoments,
  longSession,
  errorsInARow,
  interruptEngine,
];

const log = (s: string) => process.stdout.write(`${s}\n`);

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => !FIGURES.some((f) => f.name === w));
  if (unknown.length > 0) throw new Error(`unknown figure(s) ${unknown.join(', ')}; known: ${FIGURES.map((f) => f.name).join(', ')}`);
  const chosen = wanted.length > 0 ? FIGURES.filter((f) => wanted.includes(f.name)) : FIGURES;
  log(`Kiln soak — ${new Date().toISOString()}; ${os.cpus().length} cores, 1-min load average ${os.loadavg()[0].toFixed(2)}\n`);
  const rows: FigureRow[] = [];
  for (const [i, f] of chosen.entries()) {
    log(`[${i + 1}/${chosen.length}] ${f.title}`);
    rows.push(...(await f.run(log)));
  }
  log(`\n${table(['figure', 'measured', 'target', ''], rows.map((r) => [r.figure, r.value, r.target, r.met ? 'met' : '**MISSED**']))}\n`);
  log(`1-min load average at the end: ${os.loadavg()[0].toFixed(2)}`);
  process.exit(0);
}

main().catch((e) => {
  process.stderr.write(`\nSOAK FAILED: ${e instanceof Error ? e.message : e}\n`);
  process.exit(1);
});
