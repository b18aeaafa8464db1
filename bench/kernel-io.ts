// Through the real kernels: print and display throughput to iopub (Kiln vs ipykernel, the
// same client for both), and bench/kernel-latency.js run as a child process (its JSON line
// kept in results.json).
import { execFile, spawnSync } from 'child_process';
import * as path from 'path';
import { promisify } from 'util';
import { REPO } from '../test/support/client';
import { startBenchKernel } from './kernels';
import type { KernelLatency } from './kernel-latency';
import { fail, median, now } from './util';
import { PYTHON } from './workloads';

const execFileAsync = promisify(execFile);

export interface KernelPrintResult {
  kernel: string;
  lines: number;
  messages: number;
  bestMs: number;
  runs: number[];
  perSec: number;
}

const KERNELS: Record<string, { code: (n: number) => string; warm: string }> = {
  kiln: { code: (n) => `for i in 0..${n} { print(i) }`, warm: '1 + 1' },
  ipykernel: { code: (n) => `for i in range(${n}): print(i)`, warm: '1 + 1' },
};

/** execute_request sent -> status idle, counting the stdout lines that arrived on iopub before idle. */
export async function kernelPrint(kernel: string, lines = 200_000, runs = 3): Promise<KernelPrintResult> {
  const spec = KERNELS[kernel];
  const k = await startBenchKernel(kernel);
  try {
    await k.client.execute(spec.warm, {}, 60_000);
    const times: number[] = [];
    let messages = 0;
    for (let r = 0; r < runs; r++) {
      const t0 = now();
      const { iopub, reply } = await k.client.execute(spec.code(lines), {}, 300_000);
      times.push(now() - t0);
      if (reply.content.status !== 'ok') fail(`${kernel} print: ${JSON.stringify(reply.content)}`);
      const streams = iopub.filter((m) => m.header.msg_type === 'stream' && m.content.name === 'stdout');
      const text = streams.map((m) => m.content.text as string).join('');
      const got = text.split('\n').length - 1;
      if (got !== lines || !text.startsWith('0\n1\n') || !text.endsWith(`\n${lines - 1}\n`)) {
        fail(`${kernel} print: ${got} of ${lines} lines reached iopub before idle`);
      }
      messages = streams.length;
      k.client.received.length = 0; // keep the client's log small between runs
    }
    const bestMs = Math.min(...times);
    return { kernel, lines, messages, bestMs, runs: times.map((x) => Math.round(x)), perSec: (lines / bestMs) * 1000 };
  } catch (e) {
    throw new Error(`${(e as Error).message}\n${k.stderr()}`);
  } finally {
    await k.stop();
  }
}

export interface KernelDisplayResult {
  kernel: string;
  displays: number;
  bestMs: number;
  medianMs: number;
  runs: number[];
  /** display_data messages per second reaching the client, best run. */
  perSec: number;
  medianPerSec: number;
}

const DISPLAY_CODE: Record<string, string> = {
  kiln: 'for i in 0..{n} { html("<b>" + str(i) + "</b>") }',
  ipykernel: 'from IPython.display import display, HTML\nfor i in range({n}): display(HTML("<b>" + str(i) + "</b>"))',
};

const DISPLAY_CLIENT = path.join(REPO, 'bench', 'display-client.py');

/**
 * execute_request sent -> status idle for a cell showing `displays` HTML outputs, read by
 * bench/display-client.py (pyzmq): all must arrive, in order, exact. Our node client only
 * starts the kernel; its iopub unsubscribes first so that the kernel publishes to one reader.
 */
export async function kernelDisplay(kernel: string, displays = 50_000, runs = 5): Promise<KernelDisplayResult> {
  const k = await startBenchKernel(kernel);
  try {
    await k.client.execute(KERNELS[kernel].warm, {}, 60_000);
    k.client.iopub.unsubscribe();
    const { stdout } = await execFileAsync(PYTHON, [DISPLAY_CLIENT, k.file, DISPLAY_CODE[kernel], String(displays), String(runs)], { timeout: 600_000 });
    const times = (JSON.parse(stdout.trim().split('\n').pop()!) as { runs_ms: number[] }).runs_ms;
    if (times.length !== runs) fail(`${kernel} display: ${times.length} of ${runs} runs reported`);
    const bestMs = Math.min(...times);
    const medianMs = median(times);
    return { kernel, displays, bestMs, medianMs, runs: times.map((x) => Math.round(x)), perSec: (displays / bestMs) * 1000, medianPerSec: (displays / medianMs) * 1000 };
  } catch (e) {
    const stderr = (e as { stderr?: string }).stderr ?? '';
    throw new Error(`${(e as Error).message}\n${stderr}\n${k.stderr()}`);
  } finally {
    await k.stop();
  }
}

/** Runs node dist/bench/kernel-latency.js ROUNDS CELLS --json in a child process (a client
 *  process of its own, not this one with its large heap) and reads its JSON line. */
export function kernelLatency(rounds = 10, cells = 50): KernelLatency[] {
  const script = path.join(__dirname, 'kernel-latency.js');
  const r = spawnSync(process.execPath, [script, String(rounds), String(cells), '--json'], { encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) fail(`kernel-latency exited with ${r.status ?? r.signal}\n${r.stdout}\n${r.stderr}`);
  const rows = JSON.parse(r.stdout.trim().split('\n').pop()!) as KernelLatency[];
  if (rows.map((x) => x.kernel).join() !== 'kiln,ipykernel') fail(`kernel-latency: unexpected output\n${r.stdout}`);
  return rows;
}

// node dist/bench/kernel-io.js display [kiln|ipykernel|both] [displays] [runs]: the display figure alone.
if (require.main === module && process.argv[2] === 'display') {
  const which = process.argv[3] ?? 'both';
  const kernels = which === 'both' ? ['kiln', 'ipykernel'] : [which];
  void (async () => {
    for (const kernel of kernels) {
      const r = await kernelDisplay(kernel, Number(process.argv[4] ?? 50_000), Number(process.argv[5] ?? 5));
      console.log(`${kernel}: ${r.displays} display_data, runs ${r.runs.join(' ')} ms; best ${Math.round(r.perSec)}/s, median ${Math.round(r.medianPerSec)}/s`);
    }
    process.exit(0);
  })().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
