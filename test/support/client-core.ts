// What a test's Jupyter client does whatever carries its frames: sign and build requests,
// verify and parse what the kernel sends, wait for replies and statuses. client.ts carries the
// frames over zeromq to a kernel process; in-process.ts hands them to a kernel in this process.
import { createHmac, createSecretKey, KeyObject, randomUUID } from 'crypto';

export type ClientChannel = 'shell' | 'control' | 'stdin';

export interface Msg {
  header: { msg_id: string; msg_type: string; session: string; [k: string]: unknown };
  parent_header: { msg_id?: string; msg_type?: string; [k: string]: unknown };
  metadata: Record<string, unknown>;
  content: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  channel: ClientChannel | 'iopub';
  frames: Buffer[];
}

const DELIM = Buffer.from('<IDS|MSG>');

export abstract class ClientCore {
  readonly session = randomUUID();
  /** Every message received, in arrival order. */
  readonly received: Msg[] = [];
  private readonly waiters: { pred: (m: Msg) => boolean; resolve: (m: Msg) => void }[] = [];
  /** The key made once: the bench's client checks tens of thousands of messages a second. */
  private readonly hmacKey: KeyObject | undefined;

  constructor(key: string) {
    this.hmacKey = key === '' ? undefined : createSecretKey(Buffer.from(key, 'utf8'));
  }

  /** Sends raw frames on a channel. */
  abstract sendFrames(channel: ClientChannel, frames: Buffer[]): Promise<void>;

  /** HMAC-SHA256 of the parts; an empty key means unsigned messages (an empty signature). */
  sign(parts: (string | Buffer)[]): string {
    if (!this.hmacKey) return '';
    const h = createHmac('sha256', this.hmacKey);
    for (const p of parts) h.update(p);
    return h.digest('hex');
  }

  /** The frames of a signed message (what jmp's Message._encode produces). */
  frames(msgType: string, content: object, parent: object = {}): { msgId: string; frames: Buffer[] } {
    const msgId = randomUUID();
    const header = JSON.stringify({ msg_id: msgId, msg_type: msgType, session: this.session, username: 'test', date: new Date().toISOString(), version: '5.3' });
    const parts = [header, JSON.stringify(parent), '{}', JSON.stringify(content)];
    return { msgId, frames: [DELIM, Buffer.from(this.sign(parts)), ...parts.map((p) => Buffer.from(p))] };
  }

  send(channel: ClientChannel, msgType: string, content: object = {}, parent: object = {}): string {
    const { msgId, frames } = this.frames(msgType, content, parent);
    void this.sendFrames(channel, frames);
    return msgId;
  }

  /** Takes frames the kernel sent on `channel`: checks the signature, records the message, wakes its waiters. */
  protected accept(channel: Msg['channel'], frames: Buffer[]): void {
    const d = frames.findIndex((f) => f.equals(DELIM));
    if (d < 0) return;
    const [sig, h, p, md, c] = frames.slice(d + 1, d + 6);
    if (sig.toString() !== this.sign([h, p, md, c])) throw new Error(`bad signature from kernel on ${channel}`);
    const m: Msg = {
      header: JSON.parse(h.toString()),
      parent_header: JSON.parse(p.toString()),
      metadata: JSON.parse(md.toString()),
      content: JSON.parse(c.toString()),
      channel,
      frames,
    };
    this.received.push(m);
    for (let i = 0; i < this.waiters.length; ) {
      const w = this.waiters[i];
      if (w.pred(m)) {
        this.waiters.splice(i, 1);
        w.resolve(m);
      } else i++;
    }
  }

  /** The first message (already received or future) matching pred. */
  waitFor(pred: (m: Msg) => boolean, timeoutMs = 10000, what = 'message'): Promise<Msg> {
    const have = this.received.find(pred);
    if (have) return Promise.resolve(have);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
      this.waiters.push({ pred, resolve: (m) => (clearTimeout(t), resolve(m)) });
    });
  }

  reply(msgId: string, timeoutMs = 10000): Promise<Msg> {
    return this.waitFor((m) => m.channel !== 'iopub' && m.header.msg_type.endsWith('_reply') && m.parent_header.msg_id === msgId, timeoutMs, `reply to ${msgId}`);
  }

  idle(msgId: string, timeoutMs = 10000): Promise<Msg> {
    return this.waitFor(
      (m) => m.channel === 'iopub' && m.parent_header.msg_id === msgId && m.header.msg_type === 'status' && m.content.execution_state === 'idle',
      timeoutMs,
      `idle for ${msgId}`,
    );
  }

  /** iopub messages whose parent is msgId, in order. */
  iopubFor(msgId: string): Msg[] {
    return this.received.filter((m) => m.channel === 'iopub' && m.parent_header.msg_id === msgId);
  }

  /** Sends a request and waits for both its reply and its idle status. */
  async request(channel: ClientChannel, msgType: string, content: object = {}, timeoutMs = 10000): Promise<{ reply: Msg; iopub: Msg[]; msgId: string }> {
    const msgId = this.send(channel, msgType, content);
    const [reply] = await Promise.all([this.reply(msgId, timeoutMs), this.idle(msgId, timeoutMs)]);
    return { reply, iopub: this.iopubFor(msgId), msgId };
  }

  execute(code: string, extra: object = {}, timeoutMs = 20000): Promise<{ reply: Msg; iopub: Msg[]; msgId: string }> {
    return this.request('shell', 'execute_request', { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true, ...extra }, timeoutMs);
  }
}
