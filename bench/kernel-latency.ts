// Kernel latency, Kiln vs ipykernel, same client, same run (reported, not asserted):
//   start-up  process spawn -> first kernel_info_reply (the client sends kernel_info at once;
//             its sockets retry the connection every 5 ms)
//   first cell   `1 + 1` right after start-up: execute_request sent -> status idle
//                (for Kiln this includes loading LLVM and the JIT in the engine worker)
//   warm cell    the same, median and p90 over N more cells
//   first / next one-function cell   then, the kernel settled, a cell that defines a function
//                and calls it (Kiln compiles it at %opt 2), and a second such cell
// Run: node dist/bench/kernel-latency.js [rounds=5] [cells=50]
import { spawn } from 'child_process';
import * as path from 'path';
import { Client, REPO, writeConnectionFile } from '../test/support/client';

interface Sample {
  startup: number;
  firstCell: number;
  cells: number[];
  firstFnCell: number;
  nextFnCell: number;
}

/** A cell that defines a one-line function `name` and calls it, in each kernel's language. */
const FN_CELL: Record<string, (name: string) => string> = {
  kiln: (name) => `fn ${name}(x: int) -> int { return x + 1 }\n${name}(1)`,
  ipykernel: (name) => `def ${name}(x):\n    return x + 1\n${name}(1)`,
};

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

async function once(kernel: string, argv: (file: string) => string[], cells: number): Promise<Sample> {
  const { file, info } = await writeConnectionFile();
  const t0 = process.hrtime.bigint();
  const [cmd, ...args] = argv(file);
  const proc = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, PYDEVD_DISABLE_FILE_VALIDATION: '1' } });
  let err = '';
  proc.stderr.on('data', (d) => (err += d));
  const client = new Client(info, 5);
  try {
    const id = client.send('shell', 'kernel_info_request');
    await client.reply(id, 30000);
    const startup = ms(t0);
    // iopub joins asynchronously (slow joiner): wait until it carries our status messages.
    await client.ready();
    const run = async (code = '1 + 1') => {
      const t = process.hrtime.bigint();
      const m = client.send('shell', 'execute_request', { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false });
      await client.idle(m, 30000);
      return ms(t);
    };
    const firstCell = await run();
    const times: number[] = [];
    for (let i = 0; i < cells; i++) times.push(await run());
    const firstFnCell = await run(FN_CELL[kernel]('first_fn'));
    const nextFnCell = await run(FN_CELL[kernel]('next_fn'));
    return { startup, firstCell, cells: times, firstFnCell, nextFnCell };
  } catch (e) {
    throw new Error(`${(e as Error).message}\n${err}`);
  } finally {
    client.close();
    proc.kill('SIGKILL');
  }
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 5);
  const cells = Number(process.argv[3] ?? 50);
  const kernels: [string, (f: string) => string[]][] = [
    ['kiln', (f) => [process.execPath, path.join(REPO, 'dist', 'kernel', 'main.js'), '-f', f]],
    ['ipykernel', (f) => ['/usr/bin/python3', '-m', 'ipykernel_launcher', '-f', f]],
  ];
  const results: Record<string, Sample[]> = { kiln: [], ipykernel: [] };
  // Interleave the kernels so that machine noise hits both alike.
  for (let r = 0; r < rounds; r++) for (const [name, argv] of kernels) results[name].push(await once(name, argv, cells));
  const rows = Object.entries(results).map(([name, s]) => {
    const all = s.flatMap((x) => x.cells);
    return {
      kernel: name,
      'start-up ms (median)': quantile(s.map((x) => x.startup), 0.5).toFixed(1),
      'first cell ms (median)': quantile(s.map((x) => x.firstCell), 0.5).toFixed(2),
      'warm cell ms (median)': quantile(all, 0.5).toFixed(2),
      'warm cell ms (p90)': quantile(all, 0.9).toFixed(2),
      'first fn cell ms (median)': quantile(s.map((x) => x.firstFnCell), 0.5).toFixed(2),
      'next fn cell ms (median)': quantile(s.map((x) => x.nextFnCell), 0.5).toFixed(2),
    };
  });
  console.log(`kernel latency: ${rounds} start-ups each, ${cells} warm cells per start-up, 127.0.0.1`);
  console.table(rows);
  process.exit(0);
}

void main();
