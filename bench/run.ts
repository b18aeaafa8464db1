// Kiln's benchmark suite, one run (npm run bench): workloads vs C, node and CPython; compile
// time; JIT -> JS callbacks; print and display throughput (in-process and through the kernel vs
// ipykernel);
// eval rate; kernel latency; memory. Writes bench/results.json, docs/benchmarks.md (the
// report, bench/report.ts) and docs/benchmarks.svg (bench/chart.ts), and prints the report.
// With --report-only it writes the page and chart again from bench/results.json.
// Wrong answers or errors fail the run (exit 1); missed targets are reported, not fatal.
import { spawnSync } from 'child_process';
import { existsSync, readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import { renderBenchmarkChart } from './chart';
import { runDataWorkloads } from './data-workloads';
import { kernelDisplay, kernelLatency, kernelPrint } from './kernel-io';
import { kernelWeight } from './kernel-weight';
import { compileTime, compileTimeMany, engineInputCallbacks, engineVoidCallbacks, evalRates, mapIntRate, printInProcess, rawCallbacks, valueCallRate } from './micro';
import { loadAverage, machine } from './machine';
import { composePage, renderPage } from './report';
import type { BenchResults, MemoryResult } from './results';
import { BenchError, now } from './util';
import { BENCH_DIR, PYTHON, pinRunsToOneCpu, RUNS, runWorkloads, WORKLOAD_CPU } from './workloads';

const log = (s: string) => process.stdout.write(`${s}\n`);

async function main(): Promise<void> {
  const started = now();
  const m = machine(PYTHON);
  log(`Kiln benchmarks — ${m.date}\n${m.cores} cores (${m.cpu}), ${m.memGB} GB, ${m.os}; load ${m.loadAvgAtStart.join(' ')}; Kiln ${m.kiln}; node ${m.node}; ${m.gcc}; LLVM ${m.llvm}; ${m.python}\n`);

  log(`[1/8] workloads (best of ${RUNS}; outputs checked; on CPU ${WORKLOAD_CPU})`);
  const workloads = pinRunsToOneCpu(() => runWorkloads(log));
  log(`[2/8] data workloads (best of ${RUNS}; outputs of Kiln, CPython and node must agree; on CPU ${WORKLOAD_CPU})`);
  const dataWorkloads = pinRunsToOneCpu(() => runDataWorkloads(log));

  log(`[3/8] compile time (on CPU ${WORKLOAD_CPU})`);
  const [compile, compileMany] = pinRunsToOneCpu(() => [
    [compileTime(0), compileTime(2)],
    [compileTimeMany(0), compileTimeMany(2)],
  ]);
  log('[4/8] callbacks');
  const callbacks = [rawCallbacks(), engineVoidCallbacks(), engineInputCallbacks()];
  log(`[5/8] print throughput, eval rate (on CPU ${WORKLOAD_CPU}), maps`);
  const printLocal = printInProcess();
  const evals = pinRunsToOneCpu(() => evalRates());
  const maps = mapIntRate();
  const valueCalls = valueCallRate();

  log('[6/8] memory (child process)');
  const memRun = spawnSync(process.execPath, [path.join(__dirname, 'memory.js')], { encoding: 'utf8', timeout: 300_000 });
  if (memRun.status !== 0) throw new BenchError(`memory benchmark failed (${memRun.status ?? memRun.signal})\n${memRun.stderr}`);
  const memory = JSON.parse(memRun.stdout.trim().split('\n').pop()!) as MemoryResult;

  log('[7/8] print and display through the kernels (200k lines; 50k / 10k displays)');
  const kernelPrints = [await kernelPrint('kiln'), await kernelPrint('ipykernel')];
  const kernelDisplays = [await kernelDisplay('kiln'), await kernelDisplay('ipykernel', 10_000, 3)];
  log('[8/8] kernel latency, Kiln and ipykernel (bench/kernel-latency.js 10 50)');
  const latency = kernelLatency(10, 50);
  log('[+] kernel weight (bench/kernel-weight.js 3)');
  const weight = await kernelWeight(3);

  const results: BenchResults = {
    machine: m,
    totalSeconds: (now() - started) / 1000,
    workloadCpu: WORKLOAD_CPU,
    loadAvgAtEnd: loadAverage(),
    runs: RUNS,
    workloads,
    dataWorkloads,
    compile,
    compileManyFunctions: compileMany,
    callbacks,
    printInProcess: printLocal,
    kernelPrint: kernelPrints,
    kernelDisplay: kernelDisplays,
    eval: evals,
    maps,
    valueCalls,
    memory,
    latency,
    kernelWeight: weight,
  };
  writeReport(results);
  process.exit(0);
}

/** bench/results.json, docs/benchmarks.md (keeping the text after its generated part) and docs/benchmarks.svg. */
function writeReport(results: BenchResults, writeJson = true): void {
  const written = (file: string) => log(`wrote ${path.relative(process.cwd(), file)}`);
  if (writeJson) {
    const json = path.join(BENCH_DIR, 'results.json');
    writeFileSync(json, JSON.stringify(results, null, 2) + '\n');
    written(json);
  }
  const docs = path.join(BENCH_DIR, '..', 'docs');
  const page = path.join(docs, 'benchmarks.md');
  const generated = renderPage(results);
  writeFileSync(page, composePage(generated, existsSync(page) ? readFileSync(page, 'utf8') : undefined));
  written(page);
  const chart = path.join(docs, 'benchmarks.svg');
  writeFileSync(chart, renderBenchmarkChart(results));
  written(chart);
  log(`\n${generated}`);
  log(`total bench time: ${results.totalSeconds.toFixed(0)} s; 1-min load average at start ${results.machine.loadAvgAtStart[0]}, at end ${results.loadAvgAtEnd[0]}`);
}

/** `node dist/bench/run.js --report-only`: the page and chart again from bench/results.json, measuring nothing. */
function reportOnly(): void {
  const results = JSON.parse(readFileSync(path.join(BENCH_DIR, 'results.json'), 'utf8')) as BenchResults;
  writeReport(results, false);
  process.exit(0);
}

(process.argv.includes('--report-only') ? Promise.resolve().then(reportOnly) : main()).catch((e) => {
  process.stderr.write(`\nBENCHMARK FAILED: ${e instanceof Error ? (e instanceof BenchError ? e.message : e.stack) : e}\n`);
  process.exit(1);
});
