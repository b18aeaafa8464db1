// The kernel in this process (no sockets, no child process): an in-memory transport that still
// signs, verifies and decodes every message through the kernel's own Framing, a client with
// the API of the zeromq one (client.ts), and by default the worker-backed EngineClient running
// the engine double (fake-engine.js). The real engine stays out of this process's worker
// threads: llvm-bindings works in one Node environment per process, and the engine tests load
// it on jest's main thread (NATIVE-NOTES.md).
import { randomBytes } from 'crypto';
import * as path from 'path';
import { Kernel } from '../../kernel/kernel';
import type { KernelEngine } from '../../kernel/worker/engine-client';
import { EngineClient } from '../../kernel/worker/engine-client';
import type { Channel, Outgoing } from '../../kernel/protocol/messages';
import type { Log } from '../../kernel/protocol/log';
import type { Receiver, Transport } from '../../kernel/protocol/transport';
import { Framing } from '../../kernel/protocol/transport';
import type { ClientChannel } from './client-core';
import { ClientCore } from './client-core';
import { FAKE_ENGINE, REPO } from './client';

/** Frames are handed over on a later turn of the event loop, in order, as a socket would. */
function later(deliver: () => void): Promise<void> {
  return new Promise((resolve) => setImmediate(() => (deliver(), resolve())));
}

export class MemoryTransport implements Transport {
  private readonly framing: Framing;
  private receiver: Receiver | undefined;
  private closed = false;

  constructor(
    key: string,
    log: Log,
    /** Where the kernel's frames go: the in-process client. */
    private readonly toClient: (channel: Channel, frames: Buffer[]) => void,
  ) {
    this.framing = new Framing(key, log);
  }

  async start(receive: Receiver): Promise<void> {
    this.receiver = receive;
  }

  /** Frames a client sent on `channel`, with its identity first as a ROUTER socket reads them. */
  fromClient(channel: Channel, identity: string, frames: Buffer[]): Promise<void> {
    return later(() => {
      if (!this.closed && this.receiver) this.framing.receive(channel, [Buffer.from(identity), ...frames], this.receiver);
    });
  }

  send(channel: Channel, out: Outgoing): Promise<void> {
    if (this.closed) return Promise.resolve();
    const frames = this.framing.frames(channel, out).map((f) => (typeof f === 'string' ? Buffer.from(f) : f));
    return later(() => this.toClient(channel, frames));
  }

  async flush(): Promise<void> {
    await later(() => undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

export class InProcessClient extends ClientCore {
  transport!: MemoryTransport;

  sendFrames(channel: ClientChannel, frames: Buffer[]): Promise<void> {
    return this.transport.fromClient(channel, this.session, frames);
  }

  /** The kernel's frames on `channel`. */
  take(channel: Channel, frames: Buffer[]): void {
    this.accept(channel, frames);
  }
}

export interface InProcessKernel {
  kernel: Kernel;
  client: InProcessClient;
  /** Everything the kernel logged, as its stderr would show it. */
  stderr(): string;
  /** The codes the kernel exited with (it calls this instead of process.exit). */
  exits: number[];
  stop(): Promise<void>;
}

/** The engine client over the worker in dist/ (build first), running `engineModule`. */
export function workerEngine(log: Log, engineModule = FAKE_ENGINE): EngineClient {
  return new EngineClient({
    log,
    workerScript: path.join(REPO, 'dist', 'kernel', 'worker', 'worker.js'),
    env: { ...process.env, KILN_ENGINE_MODULE: engineModule },
  });
}

export async function startInProcessKernel(opts: { key?: string; engine?: (log: Log) => KernelEngine } = {}): Promise<InProcessKernel> {
  let stderr = '';
  const log: Log = (text) => (stderr += `[kiln] ${text}\n`);
  const exits: number[] = [];
  const key = opts.key ?? randomBytes(16).toString('hex');
  const client = new InProcessClient(key);
  const transport = new MemoryTransport(key, log, (channel, frames) => client.take(channel, frames));
  client.transport = transport;
  const kernel = new Kernel(transport, (opts.engine ?? workerEngine)(log), {
    log,
    exit: (code) => exits.push(code),
    kill: () => exits.push(-1),
  });
  await kernel.start();
  return { kernel, client, stderr: () => stderr, exits, stop: () => kernel.shutdown() };
}

/**
 * An engine double with no worker: each request does what the test scripts, and whatever is
 * not scripted fails as a dead engine would. For the kernel's paths no real engine takes.
 */
export function scriptedEngine(script: Partial<KernelEngine>): KernelEngine {
  const notScripted = (what: string) => () => Promise.reject(new Error(`${what} is not scripted`));
  return {
    awaitingInput: false,
    provideInput: () => undefined,
    interrupt: () => undefined,
    stop: async () => undefined,
    execute: notScripted('execute'),
    complete: notScripted('complete'),
    inspect: notScripted('inspect'),
    isComplete: notScripted('is_complete'),
    ...script,
  };
}
