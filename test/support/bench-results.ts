// A fixed results object for the report and chart tests (figures of the 2026-12-02 run,
// bench/results.json's shape). The figures of items not merged yet are absent.
import type { BenchResults } from '../../bench/results';
import type { Spread } from '../../bench/stats';

const timing = (...runs: number[]) => ({ best: Math.min(...runs), runs });
const s = (min: number, median: number, max: number, n = 10): Spread => ({ n, min, p10: min, median, p90: max, max });

export function benchResults(): BenchResults {
  return {
    machine: {
      date: '2026-12-02T04:30:00.000Z',
      cpu: 'AMD EPYC 7B13',
      cores: 2,
      memGB: 24,
      os: 'Debian GNU/Linux 12 (bookworm), Linux 6.1.0',
      kiln: '48d4494',
      node: 'v20.20.2',
      gcc: 'gcc (Debian 12.2.0-14+deb12u1) 12.2.0',
      clang: 'Debian clang version 14.0.6',
      llvm: '14.0.6',
      python: 'Python 3.11.2',
      ipykernel: '6.17.0',
      loadAvgAtStart: [1.61, 1.2, 1.1],
    },
    totalSeconds: 95.2,
    loadAvgAtEnd: [1.35, 1.3, 1.1],
    runs: 3,
    workloads: [
      {
        name: 'fib',
        full: { label: 'fib(38)', kiln: timing(306, 310, 340), c: timing(56.2, 60, 61), clang: timing(108, 110, 115), node: timing(371, 380, 390), compileMs: 9.44 },
        reduced: { label: 'fib(30)', kiln: timing(6.71, 7, 8), cpython: timing(94.8, 95, 99), c: timing(4.17, 4.2, 4.3) },
      },
      {
        name: 'mandelbrot',
        full: { label: 'mandelbrot 1200×800, 400 iters', kiln: timing(184, 185, 190), c: timing(188, 190, 200), clang: timing(182, 183, 185), node: timing(188, 189, 190), compileMs: 19.4 },
        reduced: { label: 'mandelbrot 300×200, 400 iters', kiln: timing(11.9, 12, 13), cpython: timing(430, 431, 440), c: timing(15, 15.1, 15.2) },
      },
      {
        name: 'sieve',
        full: { label: 'sieve 2M ×10', kiln: timing(108, 110, 120), c: timing(90.3, 92, 95), clang: timing(97.3, 98, 99), node: timing(171, 172, 180), compileMs: 17.7 },
        reduced: { label: 'sieve 2M ×1', kiln: timing(15, 15.5, 16), cpython: timing(191, 192, 195), c: timing(19.5, 19.6, 20) },
      },
      {
        name: 'nbody',
        full: { label: 'n-body 2M steps', kiln: timing(125, 126, 130), c: timing(237, 240, 250), clang: timing(121, 122, 125), node: timing(184, 185, 190), compileMs: 86 },
        reduced: { label: 'n-body 100k steps', kiln: timing(6.39, 6.5, 7), cpython: timing(449, 450, 460), c: timing(16, 16.1, 16.5) },
      },
    ],
    dataWorkloads: [
      { name: 'wordcount', label: 'word count, 50 MB text, top 100', kiln: 740, cpython: 2718, node: 2360, runs: { kiln: [740, 800, 760], cpython: [2718, 2800, 2750], node: [2360, 2400, 2380] } },
      { name: 'sales', label: 'CSV 1M rows: parse, float column, group by', kiln: 387, cpython: 2018, node: 1033 },
    ],
    compile: [
      { optLevel: 0, medianMs: 3.14, p90Ms: 3.67, samples: 50, addModuleMs: 0.35, lookupMs: 1.4, restMs: 1.38 },
      { optLevel: 2, medianMs: 24.7, p90Ms: 35.3, samples: 50, addModuleMs: 7.92, lookupMs: 15.1, restMs: 1.75 },
    ],
    callbacks: [
      { path: 'raw: JIT loop → kiln_clear_output() → no-op JS host (addon only)', calls: 3e6, ms: 380, perSec: 7.88e6 },
      { path: 'engine: Kiln loop of clear_output() → Session → host.output', calls: 2e6, ms: 393, perSec: 5.09e6 },
      { path: 'engine: Kiln loop of input("?") → Session → host.input → "ab"', calls: 1e6, ms: 214, perSec: 4.68e6 },
    ],
    printInProcess: { lines: 2e6, ms: 181, perSec: 11.04e6 },
    kernelPrint: [
      { kernel: 'kiln', lines: 200_000, messages: 20, bestMs: 30.2, runs: [30, 35, 40], perSec: 6.62e6 },
      { kernel: 'ipykernel', lines: 200_000, messages: 400, bestMs: 694, runs: [694, 700, 720], perSec: 288e3 },
    ],
    eval: { evals: 500, ms: 1330, perSec: 376, optLevel: 0, addModuleMs: 0.4, lookupMs: 1.5, restMs: 0.76 },
    maps: { entries: 1e6, insertMs: 120, lookupMs: 60 },
    valueCalls: { calls: 50e6, directMs: 85.3, namedValueMs: 70.6, anonymousValueMs: 70.8, allocatedBytes: 0 },
    memory: { arrays: 10e6, elementsPerArray: 4, ms: 900, baselineMB: 121, peakMB: 135, gcHeapMB: 8.2, collections: 60, allocatedMB: 534 },
    latency: [
      {
        kernel: 'kiln',
        rounds: 10,
        warmCellsPerRound: 50,
        startupMs: s(150, 164, 200),
        firstCellMs: s(30, 38.5, 45),
        warmCellMs: { n: 500, min: 2.9, p10: 3.1, median: 3.59, p90: 4.88, max: 9 },
        completeMs: { n: 100, min: 1, p10: 1.1, median: 1.3, p90: 2, max: 4 },
        interruptMs: s(4, 5, 8),
      },
      {
        kernel: 'ipykernel',
        rounds: 10,
        warmCellsPerRound: 50,
        startupMs: s(420, 454, 500),
        firstCellMs: s(12, 13, 16),
        warmCellMs: { n: 500, min: 5.5, p10: 5.7, median: 5.98, p90: 7.15, max: 12 },
        completeMs: { n: 100, min: 30, p10: 35, median: 40, p90: 50, max: 600 },
        interruptMs: s(12, 15, 20),
      },
    ],
  };
}
