// The probe behind kernel-weight.ts's breakdown: one process that takes on the kernel's
// components one at a time, in the kernel's order and with its thread layout (main thread:
// the protocol modules and the zeromq sockets, the heartbeat's native thread; the engine worker:
// llvm-bindings, the addon, the engine), and prints after each its settled RSS as a JSON line
// {step, rssMiB, anonMiB}. Run: node dist/bench/kernel-weight-probe.js (kernel-weight.js
// runs it). The same file is the engine worker's script.
import { readFileSync } from 'fs';
import { Worker, isMainThread, parentPort, workerData } from 'worker_threads';
import { newInterruptWords } from '../kernel/engine/interrupt-word';

export interface ProbeSample {
  step: string;
  rssMiB: number;
  anonMiB: number;
}

/** Rss and Anonymous of /proc/<pid>/smaps_rollup, in MiB. Anonymous is the process's own
 *  memory (heaps, stacks, pages of a file it wrote to); the rest of Rss is clean pages of
 *  files (node, the shared objects) that the page cache holds and other processes share. */
export function readRss(pid: number | 'self' = 'self'): { rssMiB: number; anonMiB: number } {
  const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
  return { rssMiB: kb('Rss') / 1024, anonMiB: kb('Anonymous') / 1024 };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** RSS once it has settled: sampled every 100 ms, from `minMs` on, until 5 samples in a row
 *  lie within 0.25 MiB (threads that finish loading, a GC that gives memory back); at most
 *  `maxMs`. */
export async function settledRss(pid: number | 'self' = 'self', minMs = 0, maxMs = 10_000): Promise<{ rssMiB: number; anonMiB: number }> {
  const deadline = Date.now() + maxMs;
  await sleep(minMs);
  const window: { rssMiB: number; anonMiB: number }[] = [];
  for (;;) {
    window.push(readRss(pid));
    if (window.length > 5) window.shift();
    const rss = window.map((s) => s.rssMiB);
    if ((window.length === 5 && Math.max(...rss) - Math.min(...rss) <= 0.25) || Date.now() > deadline) return window[window.length - 1];
    await sleep(100);
  }
}

/** The workerData that makes this file the probe's engine worker (and not a module some
 *  other thread imports for readRss). */
const ENGINE_WORKER = 'kernel-weight-probe engine worker';

// ---- the engine worker's side: each message names a step, the reply is 'done' ----------------

type Step = 'llvm-bindings' | 'addon' | 'session' | 'release' | 'warm-up' | 'cell' | 'chart';

function engineWorker(): void {
  /* eslint-disable @typescript-eslint/no-require-imports */
  let session: import('../kernel/engine/session').Session | undefined;
  const steps: Record<Step, () => void> = {
    'llvm-bindings': () => require('llvm-bindings'),
    addon: () => require('../kernel/engine/native').loadNative(),
    session: () => {
      const { Session } = require('../kernel/engine/session') as typeof import('../kernel/engine/session');
      session = new Session({ output: () => undefined, input: () => '' }, { interruptFlag: newInterruptWords() });
    },
    release: () => session!.releaseLoadPages(),
    'warm-up': () => {
      for (const step of session!.warmUpSteps()) step();
    },
    cell: () => session!.execute('1 + 1', 1),
    chart: () => session!.execute('plot([1.0, 2.0, 3.0], [1.0, 4.0, 9.0], "squares")', 2),
  };
  parentPort!.on('message', (step: Step) => {
    steps[step]();
    parentPort!.postMessage('done');
  });
}

// ---- the main thread's side ---------------------------------------------------------------------

/** The steps and what each one adds, as kernel-weight.ts's table names them. */
export const PROBE_STEPS: [string, string][] = [
  ['node', 'node itself (an idle node process)'],
  ['main modules', 'main thread: kernel, protocol and zeromq modules'],
  ['sockets', 'zeromq sockets bound, the heartbeat\'s native thread'],
  ['engine worker', 'engine worker thread (an empty Node environment)'],
  ['llvm-bindings', 'llvm-bindings loaded (IR building; its own static LLVM)'],
  ['addon', 'Kiln addon loaded (ORC JIT and runtime; its own static LLVM)'],
  ['session', 'engine code, Session and its JIT'],
  ['release', 'the LLVM images\' load-time pages released (llvm-bindings, the addon)'],
  ['warm-up', 'warm-up (an anonymous function at %opt 2, `1 + 1` at %opt 0, node\'s start-up pages released) = the kernel after start'],
  ['cell', 'first cell `1 + 1`'],
  ['chart', 'first chart (vega and vega-lite on the plot worker)'],
];

async function probe(): Promise<void> {
  const report = async (step: string) => {
    const { rssMiB, anonMiB } = await settledRss();
    process.stdout.write(`${JSON.stringify({ step, rssMiB, anonMiB } satisfies ProbeSample)}\n`);
  };
  await report('node');
  // Everything beyond node itself is required only here, step by step.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { writeConnectionFile } = require('../test/support/client') as typeof import('../test/support/client');
  const { ZmqTransport } = require('../kernel/protocol/zmq-transport') as typeof import('../kernel/protocol/zmq-transport');
  require('../kernel/kernel');
  require('../kernel/worker/engine-client');
  await report('main modules');
  const { info } = await writeConnectionFile();
  const transport = new ZmqTransport(info, () => undefined);
  await transport.start(() => undefined);
  await report('sockets');
  // As EngineClient starts the engine worker.
  const worker = new Worker(__filename, { workerData: ENGINE_WORKER, resourceLimits: { stackSizeMb: 256 }, stdout: false, stderr: false });
  const run = (step: Step) => new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
    worker.postMessage(step);
  });
  await new Promise((r) => worker.once('online', r));
  await report('engine worker');
  for (const step of ['llvm-bindings', 'addon', 'session', 'release', 'warm-up', 'cell', 'chart'] as const) {
    await run(step);
    await report(step);
  }
  await transport.close();
  process.exit(0);
}

if (isMainThread && require.main === module) void probe();
else if (!isMainThread && workerData === ENGINE_WORKER) engineWorker();
