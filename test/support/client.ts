// A Jupyter client for tests and the bench over zeromq@6 (signing and waiting: client-core.ts),
// and helpers that start a kernel process with a fresh connection file on 127.0.0.1.
import { ChildProcess, spawn } from 'child_process';
import { randomBytes, randomUUID } from 'crypto';
import { mkdtempSync, writeFileSync } from 'fs';
import * as net from 'net';
import { tmpdir } from 'os';
import * as path from 'path';
import * as zmq from 'zeromq';
import type { ConnectionInfo } from '../../kernel/protocol/connection';
import type { ClientChannel, Msg } from './client-core';
import { ClientCore } from './client-core';

export const REPO = path.resolve(__dirname, '..', '..').replace(/[\\/]dist$/, '');
export const KERNEL_MAIN = path.join(REPO, 'dist', 'kernel', 'main.js');
export const FAKE_ENGINE = path.join(REPO, 'test', 'support', 'fake-engine.js');

export type { ClientChannel, Msg } from './client-core';

/** A connection file as the kernel reads it (the type is the kernel's own). */
export type Connection = ConnectionInfo & { kernel_name: string };

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Writes a connection file with five free ports on 127.0.0.1 (or ipc files in a temp dir);
 * `edit` may change the connection before it is written.
 */
export async function writeConnectionFile(transport: 'tcp' | 'ipc' = 'tcp', edit?: (info: Connection) => void): Promise<{ file: string; info: Connection }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kiln-conn-'));
  const ports: number[] = [];
  if (transport === 'tcp') while (ports.length < 5) { const p = await freePort(); if (!ports.includes(p)) ports.push(p); }
  else ports.push(1, 2, 3, 4, 5);
  const info: Connection = {
    transport,
    ip: transport === 'tcp' ? '127.0.0.1' : path.join(dir, 'kernel'),
    shell_port: ports[0],
    control_port: ports[1],
    stdin_port: ports[2],
    iopub_port: ports[3],
    hb_port: ports[4],
    key: randomBytes(16).toString('hex'),
    signature_scheme: 'hmac-sha256',
    kernel_name: 'kiln',
  };
  edit?.(info);
  const file = path.join(dir, 'kernel.json');
  writeFileSync(file, JSON.stringify(info));
  return { file, info };
}

function url(info: Connection, port: number): string {
  return info.transport === 'tcp' ? `tcp://${info.ip}:${port}` : `ipc://${info.ip}-${port}`;
}

export class Client extends ClientCore {
  readonly shell: zmq.Dealer;
  readonly control: zmq.Dealer;
  readonly stdin: zmq.Dealer;
  readonly iopub = new zmq.Subscriber({ receiveHighWaterMark: 0 });
  readonly hb = new zmq.Request();
  private closed = false;
  private sendTail: Record<string, Promise<void>> = {};

  /** `reconnectInterval` (ms, zeromq's default 100) bounds how soon a socket finds a kernel that binds late. */
  constructor(
    readonly info: Connection,
    reconnectInterval = 100,
  ) {
    super(info.key);
    // jupyter_client gives shell and stdin the same identity: input_request is routed by it.
    this.shell = new zmq.Dealer({ routingId: this.session, linger: 0, reconnectInterval });
    this.stdin = new zmq.Dealer({ routingId: this.session, linger: 0, reconnectInterval });
    this.control = new zmq.Dealer({ linger: 0, reconnectInterval });
    for (const s of [this.iopub, this.hb]) {
      s.linger = 0;
      s.reconnectInterval = reconnectInterval;
    }
    this.shell.connect(url(info, info.shell_port));
    this.control.connect(url(info, info.control_port));
    this.stdin.connect(url(info, info.stdin_port));
    this.iopub.connect(url(info, info.iopub_port));
    this.iopub.subscribe();
    this.hb.connect(url(info, info.hb_port));
    for (const [ch, s] of [['shell', this.shell], ['control', this.control], ['stdin', this.stdin], ['iopub', this.iopub]] as const) {
      void this.loop(ch, s);
    }
  }

  /** Sends raw frames on a channel (queued: zeromq 6 allows one pending send per socket). */
  sendFrames(channel: ClientChannel, frames: Buffer[]): Promise<void> {
    const s = this[channel];
    const next = (this.sendTail[channel] ?? Promise.resolve()).then(() => s.send(frames));
    this.sendTail[channel] = next.catch(() => undefined);
    return next;
  }

  private async loop(channel: Msg['channel'], s: zmq.Dealer | zmq.Subscriber): Promise<void> {
    try {
      for await (const frames of s) this.accept(channel, frames);
    } catch (e) {
      if (!this.closed) throw e;
    }
  }

  /** Waits until the kernel answers kernel_info and iopub is connected (its status arrives). */
  async ready(timeoutMs = 15000): Promise<Msg> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const msgId = this.send('shell', 'kernel_info_request');
      try {
        const reply = await this.reply(msgId, Math.max(100, deadline - Date.now()));
        await this.idle(msgId, 300);
        return reply;
      } catch (e) {
        if (Date.now() > deadline) throw e;
      }
    }
  }

  /**
   * Stands in for a slow front end: the client's own iopub reader (which reads everything at
   * once) unsubscribes, and the returned subscriber, with a small queue, is the only reader.
   * It reads only when the caller receives from it; close it, then resubscribe `iopub`.
   */
  async separateIopubReader(receiveHighWaterMark = 10): Promise<zmq.Subscriber> {
    this.iopub.unsubscribe();
    const reader = new zmq.Subscriber({ receiveHighWaterMark, linger: 0 });
    reader.connect(url(this.info, this.info.iopub_port));
    reader.subscribe();
    await new Promise((r) => setTimeout(r, 300)); // subscriptions reach the kernel
    return reader;
  }

  async heartbeat(timeoutMs = 2000): Promise<boolean> {
    const payload = Buffer.from(randomUUID());
    await this.hb.send(payload);
    let timer: NodeJS.Timeout | undefined;
    const got = await Promise.race([this.hb.receive(), new Promise<null>((r) => (timer = setTimeout(() => r(null), timeoutMs)))]);
    clearTimeout(timer);
    return got !== null && got[0].equals(payload);
  }

  close(): void {
    this.closed = true;
    for (const s of [this.shell, this.control, this.stdin, this.iopub, this.hb]) s.close();
  }
}

export interface RunningKernel {
  proc: ChildProcess;
  client: Client;
  file: string;
  info: Connection;
  stderr: () => string;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** Starts `node dist/kernel/main.js -f <file>` (or another argv) and connects a client. */
export async function startKernel(
  opts: { env?: NodeJS.ProcessEnv; argv?: (file: string) => string[]; transport?: 'tcp' | 'ipc'; ready?: boolean; connection?: (info: Connection) => void } = {},
): Promise<RunningKernel> {
  const { file, info } = await writeConnectionFile(opts.transport, opts.connection);
  const argv = opts.argv ? opts.argv(file) : [process.execPath, KERNEL_MAIN, '-f', file];
  const proc = spawn(argv[0], argv.slice(1), { env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr!.on('data', (d) => (err += d));
  proc.stdout!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  const client = new Client(info);
  const k: RunningKernel = {
    proc,
    client,
    file,
    info,
    stderr: () => err,
    exited,
    async stop() {
      client.close();
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGKILL');
        await exited;
      }
    },
  };
  if (opts.ready !== false) await client.ready();
  return k;
}
