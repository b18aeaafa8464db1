// Interrupt at awkward moments: while input() waits for the front end, while a cell prints
// 10 M lines to a reader that keeps up, and while the same loop is held by a reader that
// stopped reading (the worker waits for iopub room). Each must end the cell with
// KeyboardInterrupt within 1 s and leave the session intact.
import type * as zmq from 'zeromq';
import type { Client } from '../../test/support/client';
import { startKernel } from '../../test/support/client';
import { fail } from '../util';
import type { FigureRow, SoakFigure } from './figure';
import { row, sleep } from './figure';

const PRINT_LOOP = 'for i in 0..10000000 { print(i) }';

/**
 * Sends interrupt_request once `started` resolved; returns ms to the cell's KeyboardInterrupt
 * reply (then waits for its idle status unless iopub is not being read).
 */
async function interruptAfter(c: Client, run: string, started: Promise<unknown>, waitIdle = true): Promise<number> {
  await started;
  const t0 = Date.now();
  c.send('control', 'interrupt_request');
  const reply = (await c.reply(run, 10_000)).content;
  const ms = Date.now() - t0;
  if (reply.ename !== 'KeyboardInterrupt') fail(`interrupt: the cell ended with ${JSON.stringify(reply)}`);
  if (waitIdle) await c.idle(run, 10_000);
  return ms;
}

async function sessionIntact(c: Client): Promise<boolean> {
  const { iopub } = await c.execute('kept + 1', {}, 30_000);
  return iopub.find((m) => m.header.msg_type === 'execute_result')?.content.data['text/plain'] === '42';
}

export const interruptAtBadMoments: SoakFigure = {
  name: 'interrupt',
  title: 'interrupt during input(), during a 10 M-line print loop, and during that loop held by a stalled reader',
  async run(log) {
    const k = await startKernel();
    let stalled: zmq.Subscriber | undefined;
    try {
      const c = k.client;
      await c.execute('let kept = 41', {}, 60_000);
      const rows: FigureRow[] = [];
      const record = async (what: string, ms: number) => {
        const intact = await sessionIntact(c);
        log(`  ${what}: KeyboardInterrupt after ${ms} ms; session intact: ${intact}`);
        rows.push(row(`interrupt ${what}: time to KeyboardInterrupt`, `${ms} ms`, '< 1000 ms', ms < 1000));
        rows.push(row(`interrupt ${what}: session intact afterwards`, intact ? 'yes' : 'no', 'yes', intact));
      };

      const ask = c.send('shell', 'execute_request', { code: 'let answer = input("name? ")', allow_stdin: true });
      await record('during input()', await interruptAfter(c, ask, c.waitFor((m) => m.header.msg_type === 'input_request' && m.parent_header.msg_id === ask, 30_000)));

      const loop = c.send('shell', 'execute_request', { code: PRINT_LOOP, allow_stdin: false });
      const printing = c.waitFor((m) => m.header.msg_type === 'stream' && m.parent_header.msg_id === loop, 30_000).then(() => sleep(200));
      await record('during the print loop', await interruptAfter(c, loop, printing));
      c.received.length = 0; // drop the millions of lines kept by the client

      stalled = await c.separateIopubReader();
      const held = c.send('shell', 'execute_request', { code: PRINT_LOOP, allow_stdin: false });
      // The reader never reads: after a second the worker is waiting for iopub room.
      const ms = await interruptAfter(c, held, sleep(1000), false);
      stalled.close();
      c.iopub.subscribe();
      await sleep(300);
      await record('during the print loop, reader stalled', ms);
      return rows;
    } finally {
      stalled?.close();
      await k.stop();
    }
  },
};
