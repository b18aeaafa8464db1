// The kernel's real transport (see transport.ts): zeromq@6 ROUTER shell/control/stdin, XPUB
// iopub; the heartbeat echo runs in a native thread (../heartbeat.ts). Every send goes through a
// per-socket queue and is awaited (zeromq 6 refuses a send while another one is pending: "Socket is busy writing").
import * as zmq from 'zeromq';
import { startHeartbeat, type Heartbeat } from '../heartbeat';
import type { ConnectionInfo, PortName } from './connection';
import { bindEndpoint, portOf } from './connection';
import type { Channel, Outgoing } from './messages';
import type { Log } from './log';
import { stderrLog } from './log';
import type { Receiver, Transport } from './transport';
import { Framing } from './transport';
import type { Frame } from './wire';

/**
 * Sends one socket's messages in order, each handed to zeromq before the next starts. Sending
 * starts on the next turn of the event loop, so the outputs the engine posted meanwhile go
 * out back to back: zeromq's I/O thread then writes many in one system call instead of
 * waking for each (and so does the front end's).
 */
export class SendQueue {
  private readonly waiting: { frames: Frame[]; handed: () => void }[] = [];
  /** Runs while messages wait; ends when the queue is empty. */
  private pumping: Promise<void> | undefined;
  constructor(
    private readonly socket: zmq.Writable,
    private readonly name: string,
    private readonly log: Log,
  ) {}

  /** Resolves once the message has been handed to zeromq (or its send failed, logged). */
  send(frames: Frame[]): Promise<void> {
    return new Promise((handed) => {
      this.waiting.push({ frames, handed });
      this.pumping ??= this.pump();
    });
  }

  private async pump(): Promise<void> {
    await new Promise((r) => setImmediate(r));
    for (let next = this.waiting.shift(); next; next = this.waiting.shift()) {
      try {
        await sendWhenRoom(this.socket, next.frames);
      } catch (e) {
        this.log(`send on ${this.name} failed: ${(e as Error).message}`);
      }
      next.handed();
    }
    this.pumping = undefined;
  }

  /** Resolves once everything queued so far has been handed to zeromq. */
  drain(): Promise<void> {
    return this.pumping ?? Promise.resolve();
  }
}

/**
 * How long a send waits before it tries again when a slow subscriber's queue is full. An
 * XPUB reports room to write even then (libzmq's POLLOUT ignores no-drop), so there is
 * nothing to wait on; 1 ms lets zeromq's I/O thread move a full queue on to the socket.
 */
const FULL_QUEUE_RETRY_MS = 1;

/**
 * Sends, waiting while the socket refuses with EAGAIN: iopub (XPUB, no-drop) refuses while
 * a subscriber's queue is full, and zeromq.js reports that at once instead of waiting.
 */
async function sendWhenRoom(socket: zmq.Writable, frames: Frame[]): Promise<void> {
  for (;;) {
    try {
      await socket.send(frames);
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      await new Promise((r) => setTimeout(r, FULL_QUEUE_RETRY_MS));
    }
  }
}

/**
 * A PUB socket silently drops messages once a subscriber's queue is full: a slow front end
 * would lose output. iopub is an XPUB with no-drop instead: past this many queued messages
 * a send waits, the main thread's queue grows, and the engine worker waits for room (see
 * MAX_OUTPUTS_IN_FLIGHT). Memory stays bounded and no message is lost.
 */
const IOPUB_HIGH_WATER_MARK = 100;

export class ZmqTransport implements Transport {
  private readonly framing: Framing;
  private readonly shell = new zmq.Router();
  private readonly control = new zmq.Router();
  private readonly stdin = new zmq.Router();
  private readonly iopub = new zmq.XPublisher({ noDrop: true, sendHighWaterMark: IOPUB_HIGH_WATER_MARK });
  /** The heartbeat echo runs in a native thread (../heartbeat.ts). */
  private heartbeat: Heartbeat | undefined;
  private readonly queues: Record<Channel, SendQueue>;
  private closed = false;
  /** The connection as bound by start(): a port 0 in the file replaced by the one chosen. */
  bound: ConnectionInfo;

  constructor(
    private readonly info: ConnectionInfo,
    private readonly log: Log = stderrLog,
  ) {
    if (info.key === '') log('the connection file has an empty key: message signing is disabled. This is insecure and not recommended!');
    this.framing = new Framing(info.key, log);
    this.bound = { ...info };
    for (const s of [this.shell, this.control, this.stdin, this.iopub]) s.linger = 0;
    this.queues = {
      shell: new SendQueue(this.shell, 'shell', log),
      control: new SendQueue(this.control, 'control', log),
      stdin: new SendQueue(this.stdin, 'stdin', log),
      iopub: new SendQueue(this.iopub, 'iopub', log),
    };
  }

  /** Binds every socket and starts the receive loops; `bound` then holds the ports chosen. */
  async start(receive: Receiver): Promise<void> {
    const binds: [PortName, (endpoint: string) => Promise<string>][] = [
      ['shell_port', (where) => bindSocket(this.shell, where)],
      ['control_port', (where) => bindSocket(this.control, where)],
      ['stdin_port', (where) => bindSocket(this.stdin, where)],
      ['iopub_port', (where) => bindSocket(this.iopub, where)],
      ['hb_port', async (where) => (this.heartbeat = startHeartbeat(where)).endpoint],
    ];
    for (const [port, bind] of binds) {
      const where = bindEndpoint(this.info, port);
      try {
        this.bound[port] = portOf(await bind(where));
      } catch (e) {
        throw new Error(`cannot listen on ${where} (${port} in the connection file): ${(e as Error).message}`);
      }
    }
    void this.receiveLoop('control', this.control, receive);
    void this.receiveLoop('shell', this.shell, receive);
    void this.receiveLoop('stdin', this.stdin, receive);
    void this.drainSubscriptions();
  }

  /** Sends a reply (to the requester's identities) or, on iopub, a broadcast. */
  send(channel: Channel, out: Outgoing): Promise<void> {
    if (this.closed) return Promise.resolve();
    return this.queues[channel].send(this.framing.frames(channel, out));
  }

  /** Waits for every queued send (bounded by `ms`). */
  async flush(ms = 500): Promise<void> {
    const all = Promise.all(Object.values(this.queues).map((q) => q.drain()));
    await Promise.race([all, new Promise((r) => setTimeout(r, ms).unref())]);
  }

  /** Closes every socket, the heartbeat's too (its thread has ended when this resolves). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.heartbeat?.stop();
    for (const s of [this.shell, this.control, this.stdin, this.iopub]) {
      try {
        s.close();
      } catch {
        /* already closed */
      }
    }
  }

  /** An XPUB queues each (un)subscription for the application: read and drop them. */
  private async drainSubscriptions(): Promise<void> {
    try {
      // eslint-disable-next-line @typescript-eslint/no-unused-vars
      for await (const _subscription of this.iopub) {
        // nothing to do: every subscriber gets every message
      }
    } catch {
      /* closed */
    }
  }

  private async receiveLoop(channel: Channel, socket: zmq.Router, receive: Receiver): Promise<void> {
    try {
      for await (const frames of socket) this.framing.receive(channel, frames, receive);
    } catch (e) {
      if (!this.closed) this.log(`${channel}: receive loop ended: ${(e as Error).message}`);
    }
  }
}

async function bindSocket(socket: zmq.Socket, endpoint: string): Promise<string> {
  await socket.bind(endpoint);
  return socket.lastEndpoint ?? endpoint;
}
