// docs/benchmarks.md from a run's results: the machine, the chart, the targets with what was
// measured beside each, Kiln against ipykernel, then the tables of every figure. The page is
// the generated part followed by whatever text follows GENERATED_END in the previous page
// (the method, notes, earlier runs), which a run keeps.
import type { DataResult } from './data-workloads';
import type { KernelLatency } from './kernel-latency';
import type { BenchResults } from './results';
import { fmtMs, fmtRate, ratio, type Spread, spread, table } from './stats';
import { EARLIER_TARGETS, rateSpread, SPEED_TARGETS, type TargetRow, targetRows, workloadVsC } from './targets';

export const GENERATED_END = '<!-- End of the part written by `npm run bench` (bench/report.ts): the text below is kept. -->';

/** "median (min–max)" for a few runs, "median (p10 a, p90 b)" for many. */
export function fmtSpread(s: Spread): string {
  if (s.n <= 10) return `${fmtMs(s.median)} (${fmtMs(s.min)}–${fmtMs(s.max)})`;
  return `${fmtMs(s.median)} (p10 ${fmtMs(s.p10)}, p90 ${fmtMs(s.p90)})`;
}

const runsOf = (t: { runs: number[] }) => fmtSpread(spread(t.runs));

/** How Kiln compares, in words: `kilnFactor` > 1 means Kiln is better by that factor. */
function faster(kilnFactor: number): string {
  return kilnFactor >= 1 ? `${kilnFactor.toFixed(1)}× faster` : `${(1 / kilnFactor).toFixed(1)}× slower`;
}

function verdictCell(v: TargetRow['verdict']): string {
  return v === 'MISSED' ? '**MISSED**' : v;
}

function targetTable(rows: TargetRow[]): string {
  return table(['figure', 'measured', 'target', 'verdict'], rows.map((t) => [t.figure, t.measured, t.target, verdictCell(t.verdict)]));
}

function header(r: BenchResults, chartFile: string): string {
  const m = r.machine;
  const load = m.loadAvgAtStart.join(' / ');
  return [
    '# Benchmarks',
    '',
    `Written by \`npm run bench\` from its run of ${m.date.slice(0, 16).replace('T', ' ')} UTC (every figure is in \`bench/results.json\`).`,
    'Any wrong answer or error fails the run; a missed target is only marked. The method, notes and earlier runs follow the generated part.',
    '',
    `- **Machine**: ${m.cpu}, ${m.cores} cores, ${m.memGB} GB; ${m.os}.`,
    `- **Load average** (1 / 5 / 15 min) at the start: ${load}; at the end (1 min): ${r.loadAvgAtEnd[0]}. A load near the number of cores means other work shared the machine: read a ratio near its target as "about at the target".`,
    `- **Versions**: Kiln ${m.kiln}, node ${m.node}, ${m.gcc}, ${m.clang}, LLVM ${m.llvm}, ${m.python}, ipykernel ${m.ipykernel}.`,
    `- **Workloads** (and data workloads): every language's runs on one CPU, ${r.workloadCpu ?? 'unpinned'} (\`taskset\`): this VM's two CPUs can differ in speed by about 1.7× for minutes, and a ratio must compare like with like.`,
    `- **Duration**: ${r.totalSeconds.toFixed(0)} s. Times are in ms; "median (min–max)" over the runs, or "(p10, p90)" when there are more than 10.`,
    '',
    `![Kiln's run time over the faster C compiler's, per workload, with its target](${chartFile})`,
  ].join('\n');
}

function targets(r: BenchResults): string {
  return [
    '## Targets',
    '',
    '### Issue 16 (speed)',
    '',
    targetTable(targetRows(r, SPEED_TARGETS)),
    '',
    '### Earlier targets',
    '',
    targetTable(targetRows(r, EARLIER_TARGETS)),
  ].join('\n');
}

function versusIpykernel(r: BenchResults): string {
  const kiln = r.latency.find((k) => k.kernel === 'kiln');
  const ipy = r.latency.find((k) => k.kernel === 'ipykernel');
  const rows: string[][] = [];
  if (kiln && ipy) {
    const row = (what: string, pick: (k: KernelLatency) => Spread) => [what, fmtSpread(pick(kiln)), fmtSpread(pick(ipy)), faster(pick(ipy).median / pick(kiln).median)];
    rows.push(
      row(`start-up → \`kernel_info_reply\` (${kiln.rounds} start-ups)`, (k) => k.startupMs),
      row('first cell `1 + 1` after start-up', (k) => k.firstCellMs),
      row(`warm cell \`1 + 1\` (${kiln.warmCellsPerRound} per start-up)`, (k) => k.warmCellMs),
      row('`complete_request` for `pri`', (k) => k.completeMs),
      row('interrupt of an endless loop → `KeyboardInterrupt` reply', (k) => k.interruptMs),
    );
  }
  const kp = r.kernelPrint.find((k) => k.kernel === 'kiln');
  const ip = r.kernelPrint.find((k) => k.kernel === 'ipykernel');
  if (kp && ip) rows.push([`\`print\` of ${kp.lines / 1000}k lines to iopub, lines/s (best of ${kp.runs.length})`, fmtRate(kp.perSec), fmtRate(ip.perSec), faster(kp.perSec / ip.perSec)]);
  const kd = r.kernelDisplay?.find((k) => k.kernel === 'kiln');
  const id = r.kernelDisplay?.find((k) => k.kernel === 'ipykernel');
  if (kd && id) rows.push([`HTML \`display_data\` to a pyzmq client, msgs/s (best of ${kd.runs.length} × ${kd.displays / 1000}k; ${id.runs.length} × ${id.displays / 1000}k)`, fmtRate(kd.perSec), fmtRate(id.perSec), faster(kd.perSec / id.perSec)]);
  return [
    '## Kiln and ipykernel: the same client, the same run',
    '',
    'The kernels are started in turn by one Jupyter client over ZeroMQ on 127.0.0.1 (`bench/kernel-latency.ts`, `bench/kernel-io.ts`; the displays are read by `bench/display-client.py`, pyzmq, for both kernels); times in ms from the request sent to the reply or idle status received.',
    '',
    rows.length ? table(['figure', 'Kiln', 'ipykernel', 'Kiln is'], rows) : 'not measured',
  ].join('\n');
}

function workloads(r: BenchResults): string {
  const full = table(
    ['workload', 'Kiln', 'gcc -O2', 'clang-14 -O2', 'node', 'Kiln / faster C', 'Kiln / node', 'Kiln compile'],
    r.workloads.map((w) => [
      w.full.label,
      runsOf(w.full.kiln),
      runsOf(w.full.c),
      runsOf(w.full.clang),
      runsOf(w.full.node),
      ratio(w.full.kiln.best, workloadVsC(w).cMs),
      ratio(w.full.kiln.best, w.full.node.best),
      fmtMs(w.full.compileMs),
    ]),
  );
  const reduced = table(
    ['workload (reduced)', 'Kiln', 'CPython', 'gcc -O2', 'CPython / Kiln'],
    r.workloads.map((w) => [w.reduced.label, runsOf(w.reduced.kiln), runsOf(w.reduced.cpython), runsOf(w.reduced.c), ratio(w.reduced.cpython.best, w.reduced.kiln.best)]),
  );
  const dataRuns = (d: DataResult, lang: 'kiln' | 'cpython' | 'node') => (d.runs ? fmtSpread(spread(d.runs[lang])) : fmtMs(d[lang]));
  const data = table(
    ['workload', 'Kiln', 'CPython', 'node', 'CPython / Kiln', 'Kiln / node'],
    r.dataWorkloads.map((d) => [d.label, dataRuns(d, 'kiln'), dataRuns(d, 'cpython'), dataRuns(d, 'node'), ratio(d.cpython, d.kiln), ratio(d.kiln, d.node)]),
  );
  return [
    `## Workloads: Kiln, C, node (ms, median (min–max) of ${r.runs} runs; ratios of the best runs)`,
    '',
    'Each run is a process of its own, for every language. Kiln runs the cell at `%opt 2` in a fresh process (its heap empty, as a C program\'s is), compile excluded (its own column); C is the process wall time; node and CPython time their own computation.',
    '',
    full,
    '',
    `### Reduced sizes, for CPython (ms, median (min–max) of ${r.runs} runs)`,
    '',
    reduced,
    '',
    `### Data workloads (ms, median (min–max) of ${r.runs} runs; ratios of the best runs; reading and parsing the file included)`,
    '',
    data,
  ].join('\n');
}

function engine(r: BenchResults): string {
  const e = r.eval;
  const mem = r.memory;
  const rows: string[][] = [
    ...[...r.compile, ...(r.compileManyFunctions ?? [])].map((c) => [
      `compile, ${c.cell ?? 'one-function cell'}, %opt ${c.optLevel} (median of ${c.samples}; p90)`,
      `${fmtMs(c.medianMs)} ms; p90 ${fmtMs(c.p90Ms)} ms (addModule ${fmtMs(c.addModuleMs)}, lookup ${fmtMs(c.lookupMs)}, front end + lowering ${fmtMs(c.restMs)})`,
    ]),
    ...r.callbacks.map((c) => [`callbacks, ${c.path} (${c.calls / 1e6} M calls)`, fmtRate(c.perSec)]),
    [`\`print(i)\` lines to an in-process host (${r.printInProcess.lines / 1e6} M lines)`, fmtRate(r.printInProcess.perSec)],
    [
      `\`eval\` of a one-function source at %opt ${e.optLevel} (${e.evals} evals in a loop)`,
      `${fmtRate(e.perSec)}${rateSpread(e.runs)} (per eval: addModule ${fmtMs(e.addModuleMs)} ms, lookup ${fmtMs(e.lookupMs)} ms, rest ${fmtMs(e.restMs)} ms)`,
    ],
    [
      `memory: ${mem.arrays / 1e6} M short-lived arrays of ${mem.elementsPerArray} ints (≈ ${mem.allocatedMB.toFixed(0)} MB allocated in all)`,
      `peak RSS ${mem.peakMB.toFixed(0)} MB (session before the cell ${mem.baselineMB.toFixed(0)} MB); GC heap ${mem.gcHeapMB.toFixed(1)} MB, ${mem.collections} collections, ${fmtMs(mem.ms)} ms`,
    ],
    [`map {int: int}: ${r.maps.entries / 1e6} M inserts, then ${r.maps.entries / 1e6} M lookups`, `${fmtMs(r.maps.insertMs)} ms + ${fmtMs(r.maps.lookupMs)} ms`],
    [
      `calls of a one-line fn (${r.valueCalls.calls / 1e6} M): direct / through its value / through a non-capturing anonymous fn's value`,
      `${fmtMs(r.valueCalls.directMs)} / ${fmtMs(r.valueCalls.namedValueMs)} / ${fmtMs(r.valueCalls.anonymousValueMs)} ms; ${r.valueCalls.allocatedBytes} bytes allocated by the value calls`,
    ],
  ];
  return ['## Engine (in-process)', '', table(['measure', 'result'], rows)].join('\n');
}

/** Where the kernel's memory goes (bench/kernel-weight.ts): its tables as measured. */
function kernelWeight(r: BenchResults): string {
  if (!r.kernelWeight) return '## Kernel weight\n\nnot measured';
  return ['## Kernel weight (RSS, MiB)', '', r.kernelWeight.table].join('\n');
}

/** The sections of the generated part, in order (a section may add itself here in one line). */
const SECTIONS: ((r: BenchResults) => string)[] = [targets, versusIpykernel, workloads, engine, kernelWeight];

/** The generated part of docs/benchmarks.md, ending with GENERATED_END. */
export function renderPage(r: BenchResults, chartFile = 'benchmarks.svg'): string {
  return [header(r, chartFile), ...SECTIONS.map((s) => s(r)), GENERATED_END].join('\n\n') + '\n';
}

/** The new page: the generated part, then what followed GENERATED_END in the previous page (if any). */
export function composePage(generated: string, previous: string | undefined): string {
  const at = previous?.indexOf(GENERATED_END) ?? -1;
  if (at < 0) return generated;
  return generated + previous!.slice(at + GENERATED_END.length).replace(/^\n/, '');
}
