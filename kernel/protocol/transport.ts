// zeromq@6 sockets for one kernel: ROUTER shell/control/stdin, PUB iopub, ROUTER heartbeat
// echo. Every send goes through a per-socket queue and is awaited (zeromq 6 refuses a send
// while another one is pending: "Socket is busy writing").
import * as zmq from 'zeromq';
import type { ConnectionInfo, PortName } from './connection';
import { bindEndpoint, portOf } from './connection';
import type { Channel, Message, Outgoing } from './messages';
import { Codec, RejectedMessage } from './wire';

import type { Log } from './log';
import { RateLimitedLog, stderrLog } from './log';

/** Serializes sends on one socket; each send is awaited before the next starts. */
export class SendQueue {
  private tail: Promise<void> = Promise.resolve();
  private pending = 0;
  constructor(
    private readonly socket: zmq.Writable,
    private readonly name: string,
    private readonly log: Log,
  ) {}

  send(frames: Buffer[]): Promise<void> {
    this.pending++;
    const next = this.tail.then(async () => {
      try {
        await this.socket.send(frames);
      } catch (e) {
        this.log(`send on ${this.name} failed: ${(e as Error).message}`);
      } finally {
        this.pending--;
      }
    });
    this.tail = next;
    return next;
  }

  /** Resolves once everything queued so far has been handed to zeromq. */
  drain(): Promise<void> {
    return this.tail;
  }

  get size(): number {
    return this.pending;
  }
}

export type Receiver = (channel: Channel, msg: Message) => void;

export class KernelTransport {
  readonly codec: Codec;
  private readonly shell = new zmq.Router();
  private readonly control = new zmq.Router();
  private readonly stdin = new zmq.Router();
  private readonly iopub = new zmq.Publisher();
  private readonly hb = new zmq.Router();
  private readonly queues: Record<Channel, SendQueue>;
  /** Anyone who reaches a port can send junk: its rejections are logged once per kind a minute. */
  private readonly rejections: RateLimitedLog;
  private closed = false;

  constructor(
    private readonly info: ConnectionInfo,
    private readonly log: Log = stderrLog,
  ) {
    this.codec = new Codec(info.key);
    this.rejections = new RateLimitedLog(log);
    for (const s of [this.shell, this.control, this.stdin, this.iopub, this.hb]) s.linger = 0;
    // A PUB socket silently drops messages once a subscriber's queue is full (1,000 by
    // default): a slow front end would lose output. No limit: every message is queued.
    this.iopub.sendHighWaterMark = 0;
    this.queues = {
      shell: new SendQueue(this.shell, 'shell', log),
      control: new SendQueue(this.control, 'control', log),
      stdin: new SendQueue(this.stdin, 'stdin', log),
      iopub: new SendQueue(this.iopub, 'iopub', log),
    };
  }

  /** Binds every socket and starts the receive loops; returns the connection as bound (port 0 replaced). */
  async start(receive: Receiver): Promise<ConnectionInfo> {
    const binds: [zmq.Socket, PortName][] = [
      [this.shell, 'shell_port'],
      [this.control, 'control_port'],
      [this.stdin, 'stdin_port'],
      [this.iopub, 'iopub_port'],
      [this.hb, 'hb_port'],
    ];
    const bound: ConnectionInfo = { ...this.info };
    for (const [socket, port] of binds) {
      const where = bindEndpoint(this.info, port);
      try {
        await socket.bind(where);
      } catch (e) {
        throw new Error(`cannot listen on ${where} (${port} in the connection file): ${(e as Error).message}`);
      }
      bound[port] = portOf(socket.lastEndpoint ?? where);
    }
    void this.heartbeat();
    void this.receiveLoop('control', this.control, receive);
    void this.receiveLoop('shell', this.shell, receive);
    void this.receiveLoop('stdin', this.stdin, receive);
    return bound;
  }

  /** Sends a reply (to the requester's identities) or, on iopub, a broadcast. */
  send(channel: Channel, out: Outgoing): Promise<void> {
    if (this.closed) return Promise.resolve();
    const idents =
      channel === 'iopub' ? [Buffer.from(`kernel.${this.codec.session}.${out.msg_type}`)] : (out.parent?.idents ?? []);
    return this.queues[channel].send(this.codec.encode(out, idents));
  }

  /** Waits for every queued send (bounded by `ms`). */
  async flush(ms = 500): Promise<void> {
    const all = Promise.all(Object.values(this.queues).map((q) => q.drain()));
    await Promise.race([all, new Promise((r) => setTimeout(r, ms).unref())]);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of [this.shell, this.control, this.stdin, this.iopub, this.hb]) {
      try {
        s.close();
      } catch {
        /* already closed */
      }
    }
  }

  private async receiveLoop(channel: Channel, socket: zmq.Router, receive: Receiver): Promise<void> {
    try {
      for await (const frames of socket) {
        let msg: Message;
        try {
          msg = this.codec.decode(frames);
        } catch (e) {
          if (e instanceof RejectedMessage) this.rejections.write(e.kind, `${channel}: refused message: ${e.message}`);
          else this.rejections.write('undecodable', `${channel}: could not decode message: ${(e as Error).message}`);
          continue;
        }
        try {
          receive(channel, msg);
        } catch (e) {
          this.log(`${channel}: handler for ${msg.header.msg_type} threw: ${(e as Error).stack ?? e}`);
        }
      }
    } catch (e) {
      if (!this.closed) this.log(`${channel}: receive loop ended: ${(e as Error).message}`);
    }
  }

  /** Echoes every heartbeat as is (works with REQ and DEALER clients). */
  private async heartbeat(): Promise<void> {
    const q = new SendQueue(this.hb, 'heartbeat', this.log);
    try {
      for await (const frames of this.hb) void q.send(frames);
    } catch (e) {
      if (!this.closed) this.log(`heartbeat ended: ${(e as Error).message}`);
    }
  }
}
