// The targets the report checks, one row each, built from a run's results. A figure absent
// from the results (an item not merged yet, an older results.json) is "not measured".
// To add a figure: add its field to BenchResults (results.ts) and one entry below.
import type { BenchResults } from './results';
import { fmtMs, fmtRate } from './stats';
import type { WorkloadResult } from './workloads';

export type Verdict = 'met' | 'MISSED' | 'reported' | 'not measured';

export interface TargetRow {
  figure: string;
  measured: string;
  target: string;
  verdict: Verdict;
}

interface Target {
  figure: string;
  target: string;
  /** What was measured, as shown, and whether it meets the target (undefined: reported only); undefined if not measured. */
  measure(r: BenchResults): { value: string; met?: boolean } | undefined;
}

/** Issue 16: Kiln's run time over the faster C compiler's, per workload. */
export const WORKLOAD_LIMITS: Record<string, number> = { fib: 1.1, mandelbrot: 1.0, sieve: 1.0, nbody: 1.0 };

/** Kiln against the faster of gcc -O2 and clang-14 -O2 (best of the runs each). */
export function workloadVsC(w: WorkloadResult): { compiler: string; cMs: number; kilnMs: number; ratio: number; limit?: number } {
  const [compiler, cMs] = w.full.clang.best < w.full.c.best ? ['clang-14 -O2', w.full.clang.best] : ['gcc -O2', w.full.c.best];
  return { compiler, cMs, kilnMs: w.full.kiln.best, ratio: w.full.kiln.best / cMs, limit: WORKLOAD_LIMITS[w.name] };
}

const times = (x: number) => `${x.toFixed(2)}×`;
const kilnLatency = (r: BenchResults) => r.latency.find((k) => k.kernel === 'kiln');
const compileAt = (r: BenchResults, optLevel: number) => r.compile.find((c) => c.optLevel === optLevel);
/** ", median of 5 runs (min 980 /s, max 1.1 k/s)" for the rates of several runs; nothing for one. */
export const rateSpread = (runs?: number[]) =>
  runs && runs.length > 1 ? `, median of ${runs.length} runs (min ${fmtRate(Math.min(...runs))}, max ${fmtRate(Math.max(...runs))})` : '';

function workloadTarget(name: string, label: string): Target {
  const limit = WORKLOAD_LIMITS[name];
  return {
    figure: `${label}: Kiln / faster of gcc -O2, clang-14 -O2 (best of runs)`,
    target: `≤ ${limit.toFixed(1)}×`,
    measure(r) {
      const w = r.workloads.find((x) => x.name === name);
      if (!w) return undefined;
      const v = workloadVsC(w);
      return { value: `${times(v.ratio)} (Kiln ${fmtMs(v.kilnMs)} ms, ${v.compiler} ${fmtMs(v.cMs)} ms)`, met: v.ratio <= limit };
    },
  };
}

function compileBudget(optLevel: number, limitMs: number): Target {
  return {
    figure: `compile, one-function cell, %opt ${optLevel} (median)`,
    target: `≤ ${limitMs} ms`,
    measure(r) {
      const c = compileAt(r, optLevel);
      return c && { value: `${fmtMs(c.medianMs)} ms (p90 ${fmtMs(c.p90Ms)})`, met: c.medianMs <= limitMs };
    },
  };
}

/** Issue 16's targets. */
export const SPEED_TARGETS: Target[] = [
  workloadTarget('fib', 'fib(38)'),
  workloadTarget('mandelbrot', 'mandelbrot'),
  workloadTarget('sieve', 'sieve'),
  workloadTarget('nbody', 'n-body'),
  {
    figure: 'kernel RSS after start (Kiln)',
    target: '≤ 80 MiB',
    measure(r) {
      const kiln = r.kernelWeight?.kernels.find((k) => k.kernel === 'kiln');
      const ipykernel = r.kernelWeight?.kernels.find((k) => k.kernel === 'ipykernel');
      return kiln && { value: `${kiln.afterStartMiB.toFixed(0)} MiB (ipykernel ${ipykernel?.afterStartMiB.toFixed(0) ?? '?'} MiB; median of ${r.kernelWeight!.runs})`, met: kiln.afterStartMiB <= 80 };
    },
  },
  {
    figure: '`display_data` messages reaching a pyzmq client, none lost',
    target: '≥ 25 k/s',
    measure(r) {
      const k = r.kernelDisplay?.find((d) => d.kernel === 'kiln');
      return k && { value: `${fmtRate(k.perSec)} best, ${fmtRate(k.medianPerSec)} median of ${k.runs.length} runs of ${k.displays / 1000}k`, met: k.perSec >= 25_000 };
    },
  },
  compileBudget(0, 5),
  compileBudget(2, 30),
  {
    figure: 'compile, 50-function cell (median)',
    target: 'reported',
    measure: (r) => r.compileManyFunctions && { value: r.compileManyFunctions.map((c) => `${fmtMs(c.medianMs)} ms (p90 ${fmtMs(c.p90Ms)}) at %opt ${c.optLevel}`).join(', ') },
  },
  {
    figure: 'first cell `1 + 1` of a fresh kernel (median of start-ups)',
    target: '≤ 15 ms',
    measure(r) {
      const k = kilnLatency(r);
      return k && { value: `${fmtMs(k.firstCellMs.median)} ms`, met: k.firstCellMs.median <= 15 };
    },
  },
  {
    figure: 'first one-function cell of a fresh kernel, once settled (median of start-ups)',
    target: '≤ 15 ms',
    measure(r) {
      const k = kilnLatency(r);
      const first = k?.firstFnCellMs;
      return first && { value: `${fmtMs(first.median)} ms (the next one ${fmtMs(k!.nextFnCellMs!.median)} ms)`, met: first.median <= 15 };
    },
  },
  {
    figure: '`eval` of a one-function source, %opt 0',
    target: '≥ 1,000 /s',
    measure: (r) => ({ value: `${fmtRate(r.eval.perSec)}${rateSpread(r.eval.runs)}`, met: r.eval.perSec >= 1000 }),
  },
];

/** Targets of earlier issues, still checked. */
export const EARLIER_TARGETS: Target[] = [
  ...['wordcount', 'sales'].map((name) => ({
    figure: `data workload ${name}: CPython / Kiln`,
    target: '≥ 3×',
    measure(r: BenchResults) {
      const d = r.dataWorkloads.find((x) => x.name === name);
      return d && { value: `${times(d.cpython / d.kiln)} (Kiln ${fmtMs(d.kiln)} ms, CPython ${fmtMs(d.cpython)} ms)`, met: d.cpython / d.kiln >= 3 };
    },
  })),
  {
    figure: 'JIT → JS callbacks, raw path',
    target: '≥ 1 M/s',
    measure: (r) => r.callbacks[0] && { value: fmtRate(r.callbacks[0].perSec), met: r.callbacks[0].perSec >= 1e6 },
  },
  {
    figure: `map {int: int}: inserts + lookups`,
    target: '< 1 s',
    measure: (r) => ({ value: `${fmtMs(r.maps.insertMs + r.maps.lookupMs)} ms for ${r.maps.entries / 1e6} M each`, met: r.maps.insertMs + r.maps.lookupMs < 1000 }),
  },
  {
    figure: 'calls through a function value allocate',
    target: 'nothing',
    measure: (r) => ({ value: `${r.valueCalls.allocatedBytes} bytes`, met: r.valueCalls.allocatedBytes === 0 }),
  },
];

export function targetRows(r: BenchResults, targets: Target[]): TargetRow[] {
  return targets.map((t) => {
    const m = t.measure(r);
    const verdict: Verdict = !m ? 'not measured' : m.met === undefined ? 'reported' : m.met ? 'met' : 'MISSED';
    return { figure: t.figure, measured: m ? m.value : 'not measured', target: t.target, verdict };
  });
}
