// Wire fuzz: malformed frames on shell, control and stdin while a separate process pings the
// heartbeat every 10 ms. Checks that the kernel stays alive, that nothing unsigned or
// replayed runs, and that each kind of rejection is logged once (rate-limited), and measures
// the heartbeat's worst latency under the flood.
import { randomBytes } from 'crypto';
import type { ClientChannel } from '../../test/support/client';
import { startKernel } from '../../test/support/client';
import { fail } from '../util';
import type { FigureRow, SoakFigure } from './figure';
import { row, startHeartbeatPinger } from './figure';

const FRAMES = 21_000;
const CHANNELS: ClientChannel[] = ['shell', 'control', 'stdin'];
const DELIM = Buffer.from('<IDS|MSG>');

/** The kinds of bad frame lists sent, in turn; each names the rejection the kernel should log. */
const KINDS = ['garbage frame', 'garbage multipart', 'wrong signature', 'unsigned', 'replayed', 'truncated multipart', 'bad JSON', 'header without msg_type'] as const;

export const wireFuzz: SoakFigure = {
  name: 'fuzz',
  title: `wire fuzz: ${FRAMES.toLocaleString('en')} malformed frames on shell, control and stdin, heartbeat pinged every 10 ms`,
  async run(log) {
    const k = await startKernel();
    try {
      const c = k.client;
      if ((await c.execute('let fuzz_runs = 0')).reply.content.status !== 'ok') fail('fuzz: set-up cell failed');
      // The one legitimate run of this cell; every copy below is unsigned, mis-signed or replayed.
      const marker = c.frames('execute_request', { code: 'fuzz_runs = fuzz_runs + 1', silent: false, store_history: false, user_expressions: {}, allow_stdin: false, stop_on_error: false });
      await c.sendFrames('shell', marker.frames);
      await c.idle(marker.msgId, 30_000);

      const pinger = await startHeartbeatPinger(`tcp://${k.info.ip}:${k.info.hb_port}`, 10);
      const stderrBefore = k.stderr().split('\n').length;
      const t0 = Date.now();
      const sends: Promise<void>[] = [];
      for (let i = 0; i < FRAMES; i++) {
        const channel = CHANNELS[i % CHANNELS.length];
        sends.push(c.sendFrames(channel, badFrames(KINDS[i % KINDS.length], marker.frames, (p) => c.sign(p))));
        if (sends.length >= 500) await Promise.all(sends.splice(0)); // keep the client's queues short
      }
      await Promise.all(sends);
      const sendMs = Date.now() - t0;
      // Everything sent is queued in the kernel: a request behind it on each channel has been
      // preceded by every bad frame on that channel.
      for (const ch of ['shell', 'control'] as const) {
        const { reply } = await c.request(ch, 'kernel_info_request', {}, 60_000);
        if (reply.content.status !== 'ok') fail(`fuzz: kernel_info on ${ch} failed after the flood`);
      }
      const hb = await pinger.stop();
      const runs = (await c.execute('fuzz_runs')).iopub.find((m) => m.header.msg_type === 'execute_result')?.content.data['text/plain'];
      const rejectionLines = k.stderr().split('\n').slice(stderrBefore - 1).filter((l) => /refused message|could not decode/.test(l));
      log(`  ${FRAMES} frame lists sent in ${sendMs} ms; ${hb.pings} heartbeats (${hb.lost} lost), worst ${hb.worstMs.toFixed(1)} ms`);
      for (const l of rejectionLines.slice(0, 12)) log(`  kernel: ${l}`);
      if (k.proc.exitCode !== null) fail(`fuzz: the kernel died (exit ${k.proc.exitCode})\n${k.stderr()}`);
      return [
        row('fuzz: kernel alive and answering after the flood', 'yes', 'yes', true),
        row('fuzz: runs of the marker cell (1 signed send + unsigned, mis-signed, replayed copies)', String(runs), '1', runs === '1'),
        row('fuzz: heartbeat worst latency (p99; median)', `${hb.worstMs.toFixed(1)} ms (${hb.p99Ms.toFixed(1)}; ${hb.medianMs.toFixed(1)})`, '< 50 ms', hb.worstMs < 50),
        row('fuzz: heartbeats without an echo within 1 s', String(hb.lost), '0', hb.lost === 0),
        row(`fuzz: rejection log lines (${KINDS.length} kinds of bad frames sent)`, String(rejectionLines.length), `≤ one per kind of rejection`, rejectionLines.length <= KINDS.length),
      ] satisfies FigureRow[];
    } finally {
      await k.stop();
    }
  },
};

function badFrames(kind: (typeof KINDS)[number], marker: Buffer[], sign: (parts: string[]) => string): Buffer[] {
  const [, , header, parent, metadata, content] = marker;
  switch (kind) {
    case 'garbage frame':
      return [randomBytes(1 + (randomBytes(1)[0] % 200))];
    case 'garbage multipart':
      return Array.from({ length: 2 + (randomBytes(1)[0] % 4) }, () => randomBytes(1 + (randomBytes(1)[0] % 64)));
    case 'wrong signature':
      return [DELIM, Buffer.from(randomBytes(32).toString('hex')), header, parent, metadata, content];
    case 'unsigned':
      return [DELIM, Buffer.alloc(0), header, parent, metadata, content];
    case 'replayed':
      return marker;
    case 'truncated multipart':
      return marker.slice(0, 2 + (randomBytes(1)[0] % 4));
    case 'bad JSON': {
      const parts = [`{"msg_id": "${randomBytes(8).toString('hex')}", "msg_type": `, '{}', '{}', '{}'];
      return [DELIM, Buffer.from(sign(parts)), ...parts.map((p) => Buffer.from(p))];
    }
    case 'header without msg_type': {
      const parts = [JSON.stringify({ msg_id: randomBytes(8).toString('hex') }), '{}', '{}', '{}'];
      return [DELIM, Buffer.from(sign(parts)), ...parts.map((p) => Buffer.from(p))];
    }
  }
}
