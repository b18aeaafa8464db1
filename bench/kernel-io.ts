// Through the real kernels: print throughput to iopub (Kiln vs ipykernel, same client), and
// bench/kernel-latency.js run as a child process (its table parsed for results.json).
import { spawnSync } from 'child_process';
import * as path from 'path';
import { startKernel } from '../test/support/client';
import { fail, now } from './util';

export interface KernelPrintResult {
  kernel: string;
  lines: number;
  messages: number;
  bestMs: number;
  runs: number[];
  perSec: number;
}

const KERNELS: Record<string, { argv?: (f: string) => string[]; code: (n: number) => string; warm: string }> = {
  kiln: { code: (n) => `for i in 0..${n} { print(i) }`, warm: '1 + 1' },
  ipykernel: {
    argv: (f) => ['/usr/bin/python3', '-m', 'ipykernel_launcher', '-f', f],
    code: (n) => `for i in range(${n}): print(i)`,
    warm: '1 + 1',
  },
};

/** execute_request sent -> status idle, counting the stdout lines that arrived on iopub before idle. */
export async function kernelPrint(kernel: string, lines = 200_000, runs = 3): Promise<KernelPrintResult> {
  const spec = KERNELS[kernel];
  const k = await startKernel({ argv: spec.argv, env: { PYDEVD_DISABLE_FILE_VALIDATION: '1' } });
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

export interface LatencyRow {
  kernel: string;
  startupMs: number;
  firstCellMs: number;
  warmMedianMs: number;
  warmP90Ms: number;
  /** The first and the next cell that defines and calls a one-line function, the kernel settled. */
  firstFnCellMs: number;
  nextFnCellMs: number;
}

/** Runs node dist/bench/kernel-latency.js ROUNDS CELLS and parses its console.table. */
export function kernelLatency(rounds = 10, cells = 50): { text: string; rows: LatencyRow[] } {
  const script = path.join(__dirname, 'kernel-latency.js');
  const r = spawnSync(process.execPath, [script, String(rounds), String(cells)], { encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) fail(`kernel-latency exited with ${r.status ?? r.signal}\n${r.stdout}\n${r.stderr}`);
  const rows: LatencyRow[] = [];
  for (const line of r.stdout.split('\n')) {
    const cells = line.split('│').map((c) => c.trim().replace(/^'|'$/g, ''));
    if (cells.length < 9 || !/^(kiln|ipykernel)$/.test(cells[2])) continue;
    const [startupMs, firstCellMs, warmMedianMs, warmP90Ms, firstFnCellMs, nextFnCellMs] = cells.slice(3, 9).map(Number);
    rows.push({ kernel: cells[2], startupMs, firstCellMs, warmMedianMs, warmP90Ms, firstFnCellMs, nextFnCellMs });
  }
  if (rows.length !== 2 || rows.some((x) => Object.values(x).some((v) => typeof v === 'number' && !Number.isFinite(v)))) {
    fail(`kernel-latency: could not read its table\n${r.stdout}`);
  }
  return { text: r.stdout, rows };
}
