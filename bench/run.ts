// Kiln's benchmark suite, one run (npm run bench): workloads vs C, node and CPython; compile
// time; JIT -> JS callbacks; print throughput (in-process and through the kernel vs ipykernel);
// eval rate; kernel latency; memory. Prints Markdown tables and writes bench/results.json.
// Wrong answers or errors fail the run (exit 1); missed targets are reported, not fatal.
import { execSync, spawnSync } from 'child_process';
import { readFileSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runDataWorkloads } from './data-workloads';
import { kernelLatency, kernelPrint } from './kernel-io';
import { kernelWeight } from './kernel-weight';
import { compileTime, engineInputCallbacks, engineVoidCallbacks, evalRate, mapIntRate, printInProcess, rawCallbacks, valueCallRate } from './micro';
import { BENCH_DIR, PYTHON, RUNS, runWorkloads } from './workloads';
import { BenchError, fmtMs, fmtRate, now, ratio, table } from './util';

const log = (s: string) => process.stdout.write(`${s}\n`);
const mark = (ok: boolean) => (ok ? 'met' : '**MISSED**');

function version(cmd: string): string {
  try {
    return execSync(cmd, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n')[0].trim();
  } catch {
    return 'unknown';
  }
}

function machine() {
  let distro = 'unknown';
  try {
    distro = /PRETTY_NAME="([^"]+)"/.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? distro;
  } catch { /* not Linux */ }
  return {
    date: new Date().toISOString(),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memGB: Math.round(os.totalmem() / 2 ** 30),
    os: `${distro}, Linux ${os.release()}`,
    node: process.version,
    gcc: version('gcc --version'),
    llvm: version('llvm-config-14 --version'),
    python: version(`${PYTHON} --version`),
    loadAvgAtStart: os.loadavg().map((x) => Number(x.toFixed(2))),
  };
}

async function main(): Promise<void> {
  const started = now();
  const m = machine();
  log(`Kiln benchmarks — ${m.date}\n${m.cores} cores (${m.cpu}), ${m.memGB} GB, ${m.os}; node ${m.node}; ${m.gcc}; LLVM ${m.llvm}; ${m.python}\n`);

  log(`[1/8] workloads (best of ${RUNS}; outputs checked)`);
  const workloads = runWorkloads(log);
  log(`[2/8] data workloads (best of ${RUNS}; outputs of Kiln, CPython and node must agree)`);
  const dataWorkloads = runDataWorkloads(log);

  log('[3/8] compile time');
  const compile = [compileTime(0), compileTime(2)];
  log('[4/8] callbacks');
  const callbacks = [rawCallbacks(), engineVoidCallbacks(), engineInputCallbacks()];
  log('[5/8] print throughput, eval rate, maps');
  const printLocal = printInProcess();
  const evals = evalRate();
  const maps = mapIntRate();
  const valueCalls = valueCallRate();

  log('[6/8] memory (child process)');
  const memRun = spawnSync(process.execPath, [path.join(__dirname, 'memory.js')], { encoding: 'utf8', timeout: 300_000 });
  if (memRun.status !== 0) throw new BenchError(`memory benchmark failed (${memRun.status ?? memRun.signal})\n${memRun.stderr}`);
  const memory = JSON.parse(memRun.stdout.trim().split('\n').pop()!);

  log('[7/8] print through the kernels (200k lines)');
  const kernelPrints = [await kernelPrint('kiln'), await kernelPrint('ipykernel')];
  log('[8/8] kernel latency (bench/kernel-latency.js 10 50)');
  const latency = kernelLatency(10, 50);
  log('[+] kernel weight (bench/kernel-weight.js 3)');
  const weight = await kernelWeight(3);

  // ---- report ---------------------------------------------------------------------------
  const out: string[] = [];
  out.push(`### Workloads, run time only (ms, best of ${RUNS}; Kiln at %opt 2, compile excluded)\n`);
  out.push(
    table(
      ['workload', 'Kiln', 'C gcc -O2', 'node', 'Kiln/C', 'Kiln/node', 'Kiln compile', 'Kiln/C ≤ 1.5', 'C clang-14 -O2 (ref.)'],
      workloads.map((w) => [
        w.full.label,
        fmtMs(w.full.kiln.best),
        fmtMs(w.full.c.best),
        fmtMs(w.full.node.best),
        ratio(w.full.kiln.best, w.full.c.best),
        ratio(w.full.kiln.best, w.full.node.best),
        fmtMs(w.full.compileMs),
        mark(w.full.kiln.best / w.full.c.best <= 1.5),
        fmtMs(w.full.clang.best),
      ]),
    ),
  );
  out.push(`\n### Reduced sizes, for CPython (ms, best of ${RUNS})\n`);
  out.push(
    table(
      ['workload (reduced)', 'Kiln', 'CPython', 'C gcc -O2', 'CPython/Kiln'],
      workloads.map((w) => [w.reduced.label, fmtMs(w.reduced.kiln.best), fmtMs(w.reduced.cpython.best), fmtMs(w.reduced.c.best), ratio(w.reduced.cpython.best, w.reduced.kiln.best)]),
    ),
  );
  out.push(`\n### Data workloads (ms, best of ${RUNS}; file reading and parsing included)\n`);
  out.push(
    table(
      ['workload', 'Kiln', 'CPython', 'node', 'CPython/Kiln', 'CPython/Kiln ≥ 3', 'Kiln/node'],
      dataWorkloads.map((d) => [d.label, fmtMs(d.kiln), fmtMs(d.cpython), fmtMs(d.node), ratio(d.cpython, d.kiln), mark(d.cpython / d.kiln >= 3), ratio(d.kiln, d.node)]),
    ),
  );
  out.push('\n### Engine\n');
  const raw = callbacks[0];
  out.push(
    table(
      ['measure', 'result', 'target'],
      [
        ...compile.map((c) => [
          `compile, one-function cell, %opt ${c.optLevel} (median of ${c.samples}; p90)`,
          `${fmtMs(c.medianMs)} ms; p90 ${fmtMs(c.p90Ms)} ms (addModule ${fmtMs(c.addModuleMs)}, lookup ${fmtMs(c.lookupMs)}, front end + lowering ${fmtMs(c.restMs)})`, c.optLevel === 0 ? `< 5 ms: ${mark(c.medianMs < 5)}` : '']),
        ...callbacks.map((c, i) => [`callbacks, ${c.path} (${c.calls / 1e6} M calls)`, fmtRate(c.perSec), i === 0 ? `≥ 1 M/s: ${mark(raw.perSec >= 1e6)}` : '']),
        [`print(i) lines to an in-process host (${printLocal.lines / 1e6} M lines)`, fmtRate(printLocal.perSec), ''],
        ...kernelPrints.map((k) => [`print lines through ${k.kernel} to iopub (${k.lines / 1e3}k lines, ${k.messages} stream msgs; best of ${k.runs.length})`, fmtRate(k.perSec), '']),
        [
          `eval of a one-function source at %opt ${evals.optLevel} (${evals.evals} evals in a loop)`,
          `${fmtRate(evals.perSec)} (per eval: addModule ${fmtMs(evals.addModuleMs)} ms, lookup ${fmtMs(evals.lookupMs)} ms, rest ${fmtMs(evals.restMs)} ms)`, `≥ 300/s: ${mark(evals.perSec >= 300)}`],
        [
          `memory: ${memory.arrays / 1e6} M short-lived arrays of ${memory.elementsPerArray} ints (≈ ${memory.allocatedMB.toFixed(0)} MB allocated in all)`,
          `peak RSS ${memory.peakMB.toFixed(0)} MB (session before the cell ${memory.baselineMB.toFixed(0)} MB); GC heap ${memory.gcHeapMB.toFixed(1)} MB, ${memory.collections} collections, ${fmtMs(memory.ms)} ms`,
          '',
        ],
        [
          `map {int: int}: ${maps.entries / 1e6} M inserts, then ${maps.entries / 1e6} M lookups`,
          `${fmtMs(maps.insertMs)} ms + ${fmtMs(maps.lookupMs)} ms`,
          `< 1 s: ${mark(maps.insertMs + maps.lookupMs < 1000)}`,
        ],
        [
          `calls of a one-line fn (${valueCalls.calls / 1e6} M): direct / through its value / through a non-capturing anonymous fn's value`,
          `${fmtMs(valueCalls.directMs)} / ${fmtMs(valueCalls.namedValueMs)} / ${fmtMs(valueCalls.anonymousValueMs)} ms; ${valueCalls.allocatedBytes} bytes allocated by the value calls`,
          `allocates nothing: ${mark(valueCalls.allocatedBytes === 0)}`,
        ],
      ],
    ),
  );
  out.push('\n### Kernel latency (ms; 10 start-ups each, 50 warm cells per start-up)\n');
  out.push(
    table(
      ['kernel', 'start-up → kernel_info_reply', 'first cell `1 + 1`', 'warm cell median', 'warm cell p90'],
      latency.rows.map((r) => [r.kernel, fmtMs(r.startupMs), fmtMs(r.firstCellMs), fmtMs(r.warmMedianMs), fmtMs(r.warmP90Ms)]),
    ),
  );
  out.push(`\n### Kernel weight\n\n${weight.table}`);
  const report = out.join('\n');
  log(`\n${report}\n`);
  const totalS = (now() - started) / 1000;
  log(`total bench time: ${totalS.toFixed(0)} s; 1-min load average at start ${m.loadAvgAtStart[0]}, at end ${os.loadavg()[0].toFixed(2)}`);

  const results = { machine: m, totalSeconds: totalS, workloads, dataWorkloads, compile, callbacks, printInProcess: printLocal, kernelPrint: kernelPrints, eval: evals, maps, valueCalls, memory, latency: latency.rows, kernelWeight: weight, report };
  const file = path.join(BENCH_DIR, 'results.json');
  writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
  log(`wrote ${path.relative(process.cwd(), file)}`);
  process.exit(0);
}

main().catch((e) => {
  process.stderr.write(`\nBENCHMARK FAILED: ${e instanceof Error ? (e instanceof BenchError ? e.message : e.stack) : e}\n`);
  process.exit(1);
});
