// Slow front end: the only iopub subscriber reads at a few MB/s while a cell prints 10 M
// lines. The kernel must hold its memory (back-pressure to the engine worker, not an
// unbounded backlog), lose no line, and end with status idle.
import type * as zmq from 'zeromq';
import { startKernel } from '../../test/support/client';
import { fail } from '../util';
import type { SoakFigure } from './figure';
import { row, rssMB, sleep } from './figure';

const LINES = Number(process.env.SOAK_LINES ?? 10_000_000);
const READ_BYTES_PER_SEC = Number(process.env.SOAK_READ_MBS ?? 4) * 2 ** 20;
/**
 * Kernel RSS growth over the idle kernel allowed while the cell runs. By design the kernel
 * holds at most 32 outputs of the worker (~2 MB) and 100 iopub messages (~6 MB); the rest
 * of the growth is garbage not yet collected under a high allocation rate: it falls back
 * at a major collection and levels off near +100 MB for 30 M lines too (not a backlog:
 * the main thread's old-space limit or glibc's arenas do not change it).
 */
const RSS_GROWTH_TARGET_MB = 150;
/**
 * Output between the kernel and the reader when the cell ended: the kernel's queues plus the
 * sockets' buffers and the reader's own queue. Without back-pressure it is all of the output
 * not yet read (86 MB for these 10 M lines at 4 MB/s), growing with the output.
 */
const BACKLOG_TARGET_MB = 32;
const DELIM = Buffer.from('<IDS|MSG>');

export const slowFrontEnd: SoakFigure = {
  name: 'slow',
  title: `slow front end: a cell prints ${LINES / 1e6} M lines, iopub read at ${READ_BYTES_PER_SEC / 2 ** 20} MB/s`,
  async run(log) {
    const k = await startKernel();
    let reader: zmq.Subscriber | undefined;
    try {
      const c = k.client;
      await c.execute('1 + 1', {}, 60_000); // engine loaded: the idle figure includes it
      reader = await c.separateIopubReader(100);
      const idleMB = rssMB(k.proc.pid!);
      let peakMB = idleMB;
      const samples: number[] = [];
      const sampler = setInterval(() => {
        samples.push(rssMB(k.proc.pid!) || 0);
        peakMB = Math.max(peakMB, samples[samples.length - 1]);
      }, 100);

      const t0 = Date.now();
      const msgId = c.send('shell', 'execute_request', { code: `for i in 0..${LINES} { print(i) }`, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true });
      let replyAt = NaN;
      void c.reply(msgId, 600_000).then(() => (replyAt = (Date.now() - t0) / 1000));
      let next = 0; // the next line number expected
      let partial = '';
      let sawIdle = false;
      let bad = '';
      while (!sawIdle) {
        const frames = await reader.receive();
        const d = frames.findIndex((f) => f.equals(DELIM));
        const header = JSON.parse(frames[d + 2].toString());
        const parent = JSON.parse(frames[d + 3].toString());
        if (parent.msg_id !== msgId) continue;
        const content = JSON.parse(frames[d + 5].toString());
        if (header.msg_type === 'status' && content.execution_state === 'idle') sawIdle = true;
        if (header.msg_type === 'stream' && content.name === 'stdout') {
          const lines = (partial + content.text).split('\n');
          partial = lines.pop()!;
          for (const l of lines) if (l !== String(next++) && !bad) bad = `line ${next - 1} read as ${JSON.stringify(l.slice(0, 20))}`;
          await sleep((frames[d + 5].length / READ_BYTES_PER_SEC) * 1000);
        }
      }
      clearInterval(sampler);
      const seconds = (Date.now() - t0) / 1000;
      const reply = (await c.reply(msgId, 10_000)).content;
      // Without back-pressure the cell ends long before the reader is done (its output waits
      // in the kernel's memory); with it, the kernel stays a bounded distance ahead.
      const backlogMB = ((seconds - replyAt) * READ_BYTES_PER_SEC) / 2 ** 20;
      log(`  ${next.toLocaleString('en')} lines in ${seconds.toFixed(1)} s; the cell's reply came at ${replyAt.toFixed(1)} s; kernel RSS idle ${idleMB.toFixed(0)} MB, peak ${peakMB.toFixed(0)} MB`);
      log(`  kernel RSS every 2 s (MB): ${samples.filter((_, i) => i % 20 === 0).map((x) => x.toFixed(0)).join(' ')}`);
      if (reply.status !== 'ok') fail(`slow front end: the cell failed: ${JSON.stringify(reply)}`);
      const growth = peakMB - idleMB;
      return [
        row('slow front end: lines received, in order', `${next.toLocaleString('en')}${bad ? ` (${bad})` : ''}${partial ? ' + a partial line' : ''}`, LINES.toLocaleString('en'), next === LINES && !bad && !partial),
        row('slow front end: status idle after the last line', sawIdle ? 'yes' : 'no', 'yes', sawIdle),
        row('slow front end: output not yet read when the cell ended (≈ read rate × time left)', `${backlogMB.toFixed(1)} MB`, `< ${BACKLOG_TARGET_MB} MB`, backlogMB < BACKLOG_TARGET_MB),
        row('slow front end: kernel RSS growth over idle (peak)', `${growth.toFixed(0)} MB (idle ${idleMB.toFixed(0)} MB, peak ${peakMB.toFixed(0)} MB)`, `< ${RSS_GROWTH_TARGET_MB} MB`, growth < RSS_GROWTH_TARGET_MB),
      ];
    } finally {
      reader?.close();
      await k.stop();
    }
  },
};
