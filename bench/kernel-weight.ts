// Kernel weight (issue 16 item 3): the kernel process's RSS after start and after its first
// cell, Kiln against ipykernel (same client, same run), and where Kiln's goes, component by
// component. Reported, not asserted. Run: node dist/bench/kernel-weight.js [runs=3]
//
// How each figure is measured:
// - RSS and its anonymous part come from /proc/<pid>/smaps_rollup (kernel-weight-probe.ts
//   readRss). Anonymous is the process's own memory; the rest are clean pages of files (node,
//   the shared objects) held by the page cache and shared with other processes using them.
// - "at kernel_info_reply": the moment the client has the first kernel_info_reply (and
//   iopub is connected). Kiln's engine worker is still loading LLVM then, so this is not the
//   kernel's weight; it is given because it is the earliest point a client sees.
// - "after start": at least 3 s after that reply, once RSS has settled (kernel-weight-probe.ts
//   settledRss: 5 samples 100 ms apart within 0.25 MiB). Kiln's engine has then loaded and
//   warmed up; it is what an idle kernel weighs before the user's first cell. The 3 s make
//   sure work a kernel puts off is counted (Kiln used to start its chart renderer 2 s in).
// - "after the first cell": after `1 + 1`'s status idle, settled the same way.
// - The breakdown: kernel-weight-probe.js, one process that takes on the kernel's components
//   one at a time, in the kernel's order and thread layout, reading its settled RSS after each.
//   A row is the growth that component caused there: its marginal cost after everything
//   above it (a page shared with an earlier component, e.g. of libstdc++, is counted there).
//   The probe does not serve requests, so its total differs a little from the kernel's.
// Every figure is the median over `runs` fresh processes.
import { spawnSync } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import { KERNEL_ARGV, startBenchKernel } from './kernels';
import { PROBE_STEPS, type ProbeSample, readRss, settledRss } from './kernel-weight-probe';
import { BenchError, median, table } from './util';

export interface KernelWeightRow {
  kernel: string;
  atReplyMiB: number;
  afterStartMiB: number;
  afterStartAnonMiB: number;
  afterFirstCellMiB: number;
}

export interface BreakdownRow {
  component: string;
  /** Growth of RSS this component caused (median over runs). */
  rssMiB: number;
  /** Of which anonymous memory. */
  anonMiB: number;
  /** The probe's RSS once this component was in (median over runs). */
  totalMiB: number;
}

export interface KernelWeight {
  runs: number;
  loadAverage: number[];
  kernels: KernelWeightRow[];
  breakdown: BreakdownRow[];
  /** Markdown: the two tables. */
  table: string;
}

/** How long after kernel_info_reply "after start" is measured at the earliest. */
const START_WORK_MS = 3000;


export async function weighKernel(kernel: string): Promise<Omit<KernelWeightRow, 'kernel'>> {
  const k = await startBenchKernel(kernel);
  try {
    const pid = k.proc.pid!;
    const atReply = readRss(pid);
    const afterStart = await settledRss(pid, START_WORK_MS);
    const { reply } = await k.client.execute('1 + 1', {}, 60_000);
    if (reply.content.status !== 'ok') throw new BenchError(`${kernel}: 1 + 1 failed: ${JSON.stringify(reply.content)}`);
    const afterCell = await settledRss(pid);
    return { atReplyMiB: atReply.rssMiB, afterStartMiB: afterStart.rssMiB, afterStartAnonMiB: afterStart.anonMiB, afterFirstCellMiB: afterCell.rssMiB };
  } catch (e) {
    throw new BenchError(`kernel weight, ${kernel}: ${(e as Error).message}\n${k.stderr()}`);
  } finally {
    await k.stop();
  }
}

function runProbe(): Map<string, ProbeSample> {
  const r = spawnSync(process.execPath, [path.join(__dirname, 'kernel-weight-probe.js')], { encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) throw new BenchError(`kernel-weight-probe exited with ${r.status ?? r.signal}\n${r.stdout}\n${r.stderr}`);
  const samples = new Map<string, ProbeSample>();
  for (const line of r.stdout.trim().split('\n')) {
    const s = JSON.parse(line) as ProbeSample;
    samples.set(s.step, s);
  }
  if (samples.size !== PROBE_STEPS.length) throw new BenchError(`kernel-weight-probe reported ${samples.size} of ${PROBE_STEPS.length} steps\n${r.stdout}`);
  return samples;
}

const mib = (x: number) => x.toFixed(1);

/** Weighs Kiln and ipykernel `runs` times each (interleaved) and runs the probe `runs` times. */
export async function kernelWeight(runs = 3): Promise<KernelWeight> {
  const loadAverage = os.loadavg().map((x) => Number(x.toFixed(2)));
  const samples: Record<string, Omit<KernelWeightRow, 'kernel'>[]> = { kiln: [], ipykernel: [] };
  for (let r = 0; r < runs; r++) for (const kernel of Object.keys(KERNEL_ARGV)) samples[kernel].push(await weighKernel(kernel));
  const kernels = Object.entries(samples).map(([kernel, s]) => ({
    kernel,
    atReplyMiB: median(s.map((x) => x.atReplyMiB)),
    afterStartMiB: median(s.map((x) => x.afterStartMiB)),
    afterStartAnonMiB: median(s.map((x) => x.afterStartAnonMiB)),
    afterFirstCellMiB: median(s.map((x) => x.afterFirstCellMiB)),
  }));

  const probes = Array.from({ length: runs }, runProbe);
  const breakdown = PROBE_STEPS.map(([step, component], i) => {
    const at = (p: Map<string, ProbeSample>, j: number) => p.get(PROBE_STEPS[j][0])!;
    const growth = (key: 'rssMiB' | 'anonMiB') => median(probes.map((p) => at(p, i)[key] - (i > 0 ? at(p, i - 1)[key] : 0)));
    return { component, rssMiB: growth('rssMiB'), anonMiB: growth('anonMiB'), totalMiB: median(probes.map((p) => p.get(step)!.rssMiB)) };
  });

  const text = [
    `Kernel RSS (MiB, median of ${runs} start-ups; load average ${loadAverage.join(', ')}):\n`,
    table(
      ['kernel', 'at kernel_info_reply', 'after start (settled)', 'of which anonymous', 'after the first cell', 'after start ≤ 80'],
      kernels.map((k) => [k.kernel, mib(k.atReplyMiB), mib(k.afterStartMiB), mib(k.afterStartAnonMiB), mib(k.afterFirstCellMiB), k.kernel === 'kiln' ? (k.afterStartMiB <= 80 ? 'met' : '**MISSED**') : '']),
    ),
    `\nWhere Kiln's goes (MiB; growth as each component is added, median of ${runs} probe runs):\n`,
    table(
      ['component', 'RSS', 'of which anonymous', 'RSS so far'],
      breakdown.map((b) => [b.component, mib(b.rssMiB), mib(b.anonMiB), mib(b.totalMiB)]),
    ),
  ].join('\n');
  return { runs, loadAverage, kernels, breakdown, table: text };
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 3);
  const weight = await kernelWeight(runs);
  process.stdout.write(`${weight.table}\n`);
  process.exit(0);
}

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`kernel weight failed: ${e instanceof BenchError ? e.message : (e as Error).stack}\n`);
    process.exit(1);
  });
}
