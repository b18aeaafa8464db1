// Kernel latency, Kiln vs ipykernel, same client, same run (reported, not asserted):
//   start-up     process spawn -> first kernel_info_reply (the client sends kernel_info at once;
//                its sockets retry the connection every 5 ms)
//   first cell   `1 + 1` right after start-up: execute_request sent -> status idle
//                (for Kiln this includes loading LLVM and the JIT in the engine worker)
//   warm cell    the same, over N more cells
//   first / next one-function cell   then, the kernel settled, a cell that defines a function
//                and calls it (Kiln compiles it at %opt 2), and a second such cell
//   complete     complete_request for `pri` (cursor at its end) -> complete_reply, which
//                must offer `print`
//   interrupt    an endless loop running for 100 ms: interrupt_request on control ->
//                the cell's execute_reply, which must be a KeyboardInterrupt; three per
//                start-up (ipykernel's first one also loads its traceback formatting)
// Run: node dist/bench/kernel-latency.js [rounds=5] [cells=50] [--json]
// (--json prints the results as one JSON line: bench/run.js reads it.)
import { spawn } from 'child_process';
import { Client, writeConnectionFile } from '../test/support/client';
import { KERNEL_ARGV, KERNEL_ENV } from './kernels';
import { fail, fmtMs, now, spread, type Spread, table } from './stats';

export interface KernelLatency {
  kernel: string;
  rounds: number;
  warmCellsPerRound: number;
  startupMs: Spread;
  firstCellMs: Spread;
  warmCellMs: Spread;
  completeMs: Spread;
  interruptMs: Spread;
  /** Issue 16 item 5: the first one-function cell once the kernel has settled, and the next. */
  firstFnCellMs?: Spread;
  nextFnCellMs?: Spread;
}

interface Sample {
  startup: number;
  firstCell: number;
  cells: number[];
  firstFnCell: number;
  nextFnCell: number;
  completes: number[];
  interrupts: number[];
}

/** A cell that defines a one-line function `name` and calls it, in each kernel's language. */
const FN_CELL: Record<string, (name: string) => string> = {
  kiln: (name) => `fn ${name}(x: int) -> int { return x + 1 }\n${name}(1)`,
  ipykernel: (name) => `def ${name}(x):\n    return x + 1\n${name}(1)`,
};

/** A cell that runs until interrupted, in each kernel's language. */
const ENDLESS_LOOP: Record<string, string> = { kiln: 'while true { }', ipykernel: 'while True: pass' };

const COMPLETES_PER_ROUND = 10;
const INTERRUPTS_PER_ROUND = 3;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function cell(client: Client, code: string): Promise<number> {
  const t0 = now();
  const id = client.send('shell', 'execute_request', { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false });
  await client.idle(id, 30_000);
  return now() - t0;
}

async function complete(client: Client, kernel: string): Promise<number> {
  const t0 = now();
  const id = client.send('shell', 'complete_request', { code: 'pri', cursor_pos: 3 });
  const reply = await client.reply(id, 30_000);
  const ms = now() - t0;
  if (!(reply.content.matches as string[] | undefined)?.includes('print')) fail(`${kernel} complete_request for "pri": ${JSON.stringify(reply.content)}`);
  return ms;
}

async function interrupt(client: Client, kernel: string, endlessLoop: string): Promise<number> {
  // stop_on_error false: else ipykernel aborts the requests that follow at once (the next interrupt's cell).
  const run = client.send('shell', 'execute_request', { code: endlessLoop, silent: false, store_history: false, user_expressions: {}, allow_stdin: false, stop_on_error: false });
  await client.waitFor((m) => m.channel === 'iopub' && m.parent_header.msg_id === run && m.header.msg_type === 'execute_input', 30_000, 'execute_input');
  await sleep(100);
  const t0 = now();
  client.send('control', 'interrupt_request');
  const reply = await client.reply(run, 30_000);
  const ms = now() - t0;
  if (reply.content.ename !== 'KeyboardInterrupt') fail(`${kernel} interrupt: the cell ended with ${JSON.stringify(reply.content)}`);
  await client.idle(run, 30_000);
  return ms;
}

async function once(kernel: string, cells: number): Promise<Sample> {
  const { file, info } = await writeConnectionFile();
  const t0 = now();
  const [cmd, ...args] = KERNEL_ARGV[kernel](file);
  const proc = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...KERNEL_ENV } });
  let err = '';
  proc.stderr.on('data', (d) => (err += d));
  const client = new Client(info, 5);
  try {
    const id = client.send('shell', 'kernel_info_request');
    await client.reply(id, 30_000);
    const startup = now() - t0;
    // iopub joins asynchronously (slow joiner): wait until it carries our status messages.
    await client.ready();
    const firstCell = await cell(client, '1 + 1');
    const warm: number[] = [];
    for (let i = 0; i < cells; i++) warm.push(await cell(client, '1 + 1'));
    const firstFnCell = await cell(client, FN_CELL[kernel]('first_fn'));
    const nextFnCell = await cell(client, FN_CELL[kernel]('next_fn'));
    const completes: number[] = [];
    for (let i = 0; i < COMPLETES_PER_ROUND; i++) completes.push(await complete(client, kernel));
    const interrupts: number[] = [];
    for (let i = 0; i < INTERRUPTS_PER_ROUND; i++) interrupts.push(await interrupt(client, kernel, ENDLESS_LOOP[kernel]));
    return { startup, firstCell, cells: warm, firstFnCell, nextFnCell, completes, interrupts };
  } catch (e) {
    throw new Error(`${kernel}: ${(e as Error).message}\n${err}`);
  } finally {
    client.close();
    proc.kill('SIGKILL');
  }
}

/** `rounds` start-ups of each kernel, interleaved so that machine noise hits both alike. */
export async function measureKernelLatency(rounds = 5, cells = 50): Promise<KernelLatency[]> {
  const samples: Record<string, Sample[]> = Object.fromEntries(Object.keys(KERNEL_ARGV).map((k) => [k, []]));
  for (let r = 0; r < rounds; r++) for (const kernel of Object.keys(KERNEL_ARGV)) samples[kernel].push(await once(kernel, cells));
  return Object.entries(samples).map(([kernel, s]) => ({
    kernel,
    rounds,
    warmCellsPerRound: cells,
    startupMs: spread(s.map((x) => x.startup)),
    firstCellMs: spread(s.map((x) => x.firstCell)),
    warmCellMs: spread(s.flatMap((x) => x.cells)),
    firstFnCellMs: spread(s.map((x) => x.firstFnCell)),
    nextFnCellMs: spread(s.map((x) => x.nextFnCell)),
    completeMs: spread(s.flatMap((x) => x.completes)),
    interruptMs: spread(s.flatMap((x) => x.interrupts)),
  }));
}

async function main(): Promise<void> {
  const [rounds = 5, cells = 50] = process.argv.slice(2).filter((a) => a !== '--json').map(Number);
  const results = await measureKernelLatency(rounds, cells);
  if (process.argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify(results)}\n`);
  } else {
    const m = (s: Spread) => `${fmtMs(s.median)} (${fmtMs(s.min)}–${fmtMs(s.max)})`;
    console.log(`kernel latency (ms, median (min–max)): ${rounds} start-ups each, ${cells} warm cells, ${COMPLETES_PER_ROUND} completes and ${INTERRUPTS_PER_ROUND} interrupts per start-up, 127.0.0.1`);
    console.log(
      table(
        ['kernel', 'start-up', 'first cell', 'warm cell', 'first fn cell', 'next fn cell', 'complete', 'interrupt'],
        results.map((r) => [r.kernel, m(r.startupMs), m(r.firstCellMs), m(r.warmCellMs), m(r.firstFnCellMs!), m(r.nextFnCellMs!), m(r.completeMs), m(r.interruptMs)]),
      ),
    );
  }
  process.exit(0);
}

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`kernel latency failed: ${e instanceof Error ? e.message : e}\n`);
    process.exit(1);
  });
}
