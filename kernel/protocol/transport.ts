// The kernel's view of its transport (xeus's xserver): signed frames come in per channel and
// go to one receiver as verified messages; messages go out signed. zmq-transport.ts is the
// real one; tests run the kernel in-process on an in-memory one (test/support/in-process.ts).
// Both go through Framing, so signatures, replays and malformed frames are checked the same.
import type { Channel, Message, Outgoing } from './messages';
import type { Log } from './log';
import { RateLimitedLog } from './log';
import type { Frame } from './wire';
import { Codec, frame, RejectedMessage } from './wire';

export type Receiver = (channel: Channel, msg: Message) => void;

export interface Transport {
  /** Starts handing every verified message to `receive`. */
  start(receive: Receiver): Promise<void>;
  /** Sends a reply (to the requester's identities) or, on iopub, a broadcast; resolves once handed over. */
  send(channel: Channel, out: Outgoing): Promise<void>;
  /** Waits for every queued send (bounded by `ms`). */
  flush(ms?: number): Promise<void>;
  close(): Promise<void>;
}

/** Frames in and out, for any transport: verify and decode, sign and encode. */
export class Framing {
  readonly codec: Codec;
  /** Anyone who reaches a port can send junk: its rejections are logged once per kind a minute. */
  private readonly rejections: RateLimitedLog;
  private readonly topics = new Map<string, Frame>();

  constructor(
    key: string,
    private readonly log: Log,
  ) {
    this.codec = new Codec(key);
    this.rejections = new RateLimitedLog(log);
  }

  /** Hands the message in `frames` to `receive`; a refused message is logged (rate-limited), never thrown. */
  receive(channel: Channel, frames: Buffer[], receive: Receiver): void {
    let msg: Message;
    try {
      msg = this.codec.decode(frames);
    } catch (e) {
      if (e instanceof RejectedMessage) this.rejections.write(e.kind, `${channel}: refused message: ${e.message}`);
      else this.rejections.write('undecodable', `${channel}: could not decode message: ${(e as Error).message}`);
      return;
    }
    try {
      receive(channel, msg);
    } catch (e) {
      this.log(`${channel}: handler for ${msg.header.msg_type} threw: ${(e as Error).stack ?? e}`);
    }
  }

  /** The frames of an outgoing message: routing idents first (the requester's, or an iopub topic). */
  frames(channel: Channel, out: Outgoing): Frame[] {
    const idents = channel === 'iopub' ? [this.topic(out.msg_type)] : (out.parent?.idents ?? []);
    return this.codec.encode(out, idents);
  }

  /** iopub's topic frame for a msg_type, as ipykernel names it (made once per msg_type). */
  private topic(msgType: string): Frame {
    let topic = this.topics.get(msgType);
    if (topic === undefined) {
      topic = frame(`kernel.${this.codec.session}.${msgType}`);
      this.topics.set(msgType, topic);
    }
    return topic;
  }
}
