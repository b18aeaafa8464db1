// The four workloads in Kiln (a process of its own per run, kiln-runs.ts; %opt 2, run time
// of the compiled cell only),
// C (gcc -O2, process time), node and CPython (their own timing of the computation,
// interpreter start-up excluded). Every run's output is checked against the known answer.
import { mkdtempSync, readFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { kilnRun } from './kiln-runs';
import { fail, now, runProcess } from './util';

/** bench/ in the source tree (this file runs from dist/bench/). */
export const BENCH_DIR = path.resolve(__dirname, '..', '..', 'bench');
export const PYTHON = '/usr/bin/python3';
/** Runs per language and workload: five, since this VM's speed moves by tens of percent within
 *  minutes and the best of three could miss a quick phase for one language. */
export const RUNS = 5;
/** The CPU the workloads run on (pinRunsToOneCpu). */
export const WORKLOAD_CPU = 0;

export interface Size {
  label: string;
  args: number[];
  expected: string[];
}

export interface Workload {
  name: string;
  full: Size;
  reduced: Size;
  /** Substitutes the size into the Kiln source (bench/workloads/NAME.kiln). */
  kiln(src: string, args: number[]): string;
  /** Normalises output lines before comparison (floats: 9 digits). */
  norm?: (line: string) => string;
}

/** Replaces `from` (which must occur exactly once) by `to`. */
function subst(src: string, from: string, to: string): string {
  const parts = src.split(from);
  if (parts.length !== 2) fail(`workload source: expected exactly one \`${from}\``);
  return parts.join(to);
}

export const WORKLOADS: Workload[] = [
  {
    name: 'fib',
    full: { label: 'fib(38)', args: [38], expected: ['39088169'] },
    reduced: { label: 'fib(30)', args: [30], expected: ['832040'] },
    kiln: (src, [n]) => subst(src, 'print(fib(38))', `print(fib(${n}))`),
  },
  {
    name: 'mandelbrot',
    full: { label: 'mandelbrot 1200×800, 400 iters', args: [1200, 800, 400], expected: ['69002448'] },
    reduced: { label: 'mandelbrot 300×200, 400 iters', args: [300, 200, 400], expected: ['4336163'] },
    kiln: (src, [w, h, it]) => subst(src, 'print(mandelbrot(1200, 800, 400))', `print(mandelbrot(${w}, ${h}, ${it}))`),
  },
  {
    name: 'sieve',
    full: { label: 'sieve 2M ×10', args: [2000000, 10], expected: ['148933'] },
    reduced: { label: 'sieve 2M ×1', args: [2000000, 1], expected: ['148933'] },
    kiln: (src, [n, rounds]) => subst(subst(src, 'for round in 0..10 {', `for round in 0..${rounds} {`), 'sieve(2000000)', `sieve(${n})`),
  },
  {
    name: 'nbody',
    full: { label: 'n-body 2M steps', args: [2000000], expected: ['-0.169075164', '-0.169026286'] },
    reduced: { label: 'n-body 100k steps', args: [100000], expected: ['-0.169075164', '-0.169079859'] },
    kiln: (src, [steps]) => subst(src, 'advance(bodies, 0.01, 2000000)', `advance(bodies, 0.01, ${steps})`),
    norm: (line) => Number(line).toFixed(9),
  },
];

export type Lang = 'kiln' | 'c' | 'clang' | 'node' | 'cpython';

export interface Timing {
  best: number;
  runs: number[];
}

function check(w: Workload, size: Size, lang: Lang, stdout: string): void {
  const lines = stdout.trim().split('\n').map((l) => (w.norm ? w.norm(l.trim()) : l.trim()));
  if (lines.join('\n') !== size.expected.join('\n')) {
    fail(`WRONG ANSWER: ${lang} ${size.label}: got ${JSON.stringify(stdout.trim())}, expected ${JSON.stringify(size.expected.join('\n'))}`);
  }
}

function bestOf(runs: number[]): Timing {
  return { best: Math.min(...runs), runs: runs.map((x) => Math.round(x * 100) / 100) };
}

/** One Kiln run in a process of its own, as a C run has (kiln-runs.ts): a fresh session at
 *  %opt 2, the cell compiled first and only its run timed. */
export function kilnOnce(w: Workload, size: Size): { ms: number; compileMs: number } {
  const src = w.kiln(readFileSync(path.join(BENCH_DIR, 'workloads', `${w.name}.kiln`), 'utf8'), size.args);
  const { ms, compileMs, stdout } = kilnRun(src, `kiln ${size.label}`);
  check(w, size, 'kiln', stdout);
  return { ms, compileMs };
}

let cBinDir: string | undefined;

/** Compiles bench/c/*.c with gcc -O2 (NAME) and, for reference, clang-14 -O2 (NAME.clang) into a temporary directory (once). */
export function buildC(): string {
  if (cBinDir) return cBinDir;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kiln-bench-c-'));
  for (const w of WORKLOADS) {
    const src = path.join(BENCH_DIR, 'c', `${w.name}.c`);
    runProcess('gcc', ['-O2', '-o', path.join(dir, w.name), src, '-lm']);
    runProcess('clang-14', ['-O2', '-o', path.join(dir, `${w.name}.clang`), src, '-lm']);
  }
  cBinDir = dir;
  return dir;
}

/** One run of C (process wall time), node or CPython (the program's own timing of its computation). */
export function externalOnce(w: Workload, size: Size, lang: Exclude<Lang, 'kiln'>): number {
  const args = size.args.map(String);
  const [cmd, argv] =
    lang === 'c' || lang === 'clang'
      ? [path.join(buildC(), lang === 'c' ? w.name : `${w.name}.clang`), args]
      : lang === 'node'
        ? [process.execPath, [path.join(BENCH_DIR, 'js', `${w.name}.js`), ...args]]
        : [PYTHON, [path.join(BENCH_DIR, 'py', `${w.name}.py`), ...args]];
  const out = runProcess(cmd, argv);
  check(w, size, lang, out.stdout);
  if (lang !== 'c' && lang !== 'clang' && out.selfMs === undefined) fail(`${lang} ${size.label}: no "#time" line on stderr`);
  return lang === 'c' || lang === 'clang' ? out.wallMs : out.selfMs!;
}

/** Best of RUNS for each language, the languages interleaved run by run so that load from
 *  elsewhere on the machine hits them alike. */
function measure<L extends Lang>(w: Workload, size: Size, langs: L[]): Record<L, Timing> & { compileMs: number } {
  const runs = Object.fromEntries(langs.map((l) => [l, [] as number[]])) as Record<L, number[]>;
  let compileMs = Infinity;
  for (let r = 0; r < RUNS; r++) {
    for (const lang of langs) {
      if (lang === 'kiln') {
        const k = kilnOnce(w, size);
        compileMs = Math.min(compileMs, k.compileMs);
        runs[lang].push(k.ms);
      } else runs[lang].push(externalOnce(w, size, lang as Exclude<Lang, 'kiln'>));
    }
  }
  const out = Object.fromEntries(langs.map((l) => [l, bestOf(runs[l])])) as Record<L, Timing>;
  return { ...out, compileMs };
}

export interface WorkloadResult {
  name: string;
  full: { label: string; kiln: Timing; c: Timing; clang: Timing; node: Timing; compileMs: number };
  reduced: { label: string; kiln: Timing; cpython: Timing; c: Timing };
}

/**
 * Runs `measureAll` with this thread and the processes it starts pinned to WORKLOAD_CPU
 * (`taskset`; children inherit the mask of the thread that forks them). On a shared VM one
 * virtual CPU can run at about half the other's speed for minutes: gcc's fib(38) took 54 ms
 * on one and 94 on the other within the same minute. Unpinned, Kiln (in this thread) and a C
 * process could land on different ones, and the ratio measured the CPUs.
 */
export function pinRunsToOneCpu<T>(measureAll: () => T): T {
  const pid = String(process.pid);
  // "pid N's current affinity list: 0,1": the CPUs to give back afterwards.
  const cpus = runProcess('taskset', ['-cp', pid]).stdout.trim().split(': ').pop()!;
  runProcess('taskset', ['-cp', String(WORKLOAD_CPU), pid]);
  try {
    return measureAll();
  } finally {
    runProcess('taskset', ['-cp', cpus, pid]);
  }
}

export function runWorkloads(log: (s: string) => void): WorkloadResult[] {
  buildC();
  const results: WorkloadResult[] = [];
  for (const w of WORKLOADS) {
    const t0 = now();
    const full = { label: w.full.label, ...measure(w, w.full, ['kiln', 'c', 'clang', 'node']) };
    const { compileMs: _unused, ...reducedTimes } = measure(w, w.reduced, ['kiln', 'cpython', 'c']);
    const reduced = { label: w.reduced.label, ...reducedTimes };
    results.push({ name: w.name, full, reduced });
    log(`  ${w.name}: kiln ${full.kiln.best.toFixed(1)} ms, C ${full.c.best.toFixed(1)} ms, node ${full.node.best.toFixed(1)} ms; ` +
      `${reduced.label}: kiln ${reduced.kiln.best.toFixed(1)} ms, CPython ${reduced.cpython.best.toFixed(1)} ms (${((now() - t0) / 1000).toFixed(1)} s)`);
  }
  return results;
}
