// Shutdown and restart while a cell spins in `while true { }`: shutdown_request (restart:
// true, then a new kernel on the same ports, as Jupyter restarts) and SIGTERM. Each must end
// the process cleanly (exit 0, no forced kill of a stuck worker) within 1 s, leave no process
// behind, and free its ports for the next kernel.
import { spawn } from 'child_process';
import { Client, KERNEL_MAIN, startKernel } from '../../test/support/client';
import type { RunningKernel } from '../../test/support/client';
import { fail } from '../util';
import type { SoakFigure } from './figure';
import { alive, childrenOf, row, sleep } from './figure';

const ROUNDS = 5;
const SPIN = 'while true { }';

/** Starts a spinning cell, then ends the kernel with `stop`; returns ms from stop to exit. */
async function endWhileSpinning(k: RunningKernel, stop: () => void): Promise<{ ms: number; code: number | null; orphans: number }> {
  const run = k.client.send('shell', 'execute_request', { code: SPIN, silent: false, store_history: true, user_expressions: {}, allow_stdin: false });
  await k.client.waitFor((m) => m.header.msg_type === 'execute_input' && m.parent_header.msg_id === run, 30_000);
  await sleep(300); // compiled and spinning in JIT code
  const pid = k.proc.pid!;
  const children = childrenOf(pid);
  const t0 = Date.now();
  stop();
  const code = await Promise.race([k.exited, sleep(5000).then(() => 'hung' as const)]);
  if (code === 'hung') fail(`shutdown: the kernel did not exit within 5 s\n${k.stderr()}`);
  const ms = Date.now() - t0;
  return { ms, code, orphans: [pid, ...children].filter(alive).length };
}

export const shutdownWhileRunning: SoakFigure = {
  name: 'shutdown',
  title: `shutdown and restart while a cell runs \`${SPIN}\` (${ROUNDS} rounds each)`,
  async run(log) {
    const results: { how: string; ms: number; code: number | null; orphans: number; stuck: boolean }[] = [];
    let restartsAnswered = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const k = await startKernel();
      try {
        const r = await endWhileSpinning(k, () => k.client.send('control', 'shutdown_request', { restart: true }));
        results.push({ how: 'shutdown_request', ...r, stuck: /did not stop/.test(k.stderr()) });
        // Jupyter's restart: a new kernel on the same connection file, hence the same ports.
        const again = spawn(process.execPath, [KERNEL_MAIN, '-f', k.file], { stdio: 'ignore' });
        const client = new Client(k.info, 5);
        try {
          await client.ready(15_000);
          if ((await client.execute('6 * 7')).reply.content.status === 'ok') restartsAnswered++;
        } finally {
          client.close();
          again.kill('SIGKILL');
        }
      } finally {
        await k.stop();
      }
      const t = await startKernel();
      try {
        const r = await endWhileSpinning(t, () => t.proc.kill('SIGTERM'));
        results.push({ how: 'SIGTERM', ...r, stuck: /did not stop/.test(t.stderr()) });
      } finally {
        await t.stop();
      }
    }
    const worst = Math.max(...results.map((r) => r.ms));
    const clean = results.filter((r) => r.code === 0 && !r.stuck).length;
    const orphans = results.reduce((n, r) => n + r.orphans, 0);
    log(`  exit times (ms): ${results.map((r) => `${r.how} ${r.ms}`).join(', ')}`);
    return [
      row('shutdown: worst time from shutdown_request / SIGTERM to process exit', `${worst} ms`, '< 1000 ms', worst < 1000),
      row('shutdown: clean exits (code 0, worker stopped, not killed)', `${clean} of ${results.length}`, `${results.length} of ${results.length}`, clean === results.length),
      row('shutdown: processes left behind', String(orphans), '0', orphans === 0),
      row('restart: a new kernel on the same ports answers at once', `${restartsAnswered} of ${ROUNDS}`, `${ROUNDS} of ${ROUNDS}`, restartsAnswered === ROUNDS),
    ];
  },
};
