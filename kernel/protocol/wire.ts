// Wire format: frames <-> messages. Signing and encoding use jmp's Message; verification is
// ours (constant time, before any JSON is parsed) and so is the replay check.
import { createHmac, randomUUID, timingSafeEqual } from 'crypto';
import type { Header, JsonObject, Message, Outgoing } from './messages';
import { PROTOCOL_VERSION } from './messages';

// jmp ships no types; we use only these two functions (see NATIVE-NOTES.md).
interface JmpMessageCtor {
  new (props: {
    idents: Buffer[];
    header: object;
    parent_header: object;
    metadata: object;
    content: object;
    buffers?: Buffer[];
  }): { _encode(scheme: string, key: string): (string | Buffer)[] };
  _decode(frames: Buffer[], scheme: string, key: string): Message | null;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const JmpMessage: JmpMessageCtor = require('jmp').Message;

export const DELIMITER = '<IDS|MSG>';
const DELIMITER_BYTES = Buffer.from(DELIMITER);

/** Why a frame list was refused: `kind` names the rule broken (logs are rate-limited per kind). */
export class RejectedMessage extends Error {
  constructor(
    readonly kind: string,
    detail?: string,
  ) {
    super(detail === undefined ? kind : `${kind}: ${detail}`);
  }
}

/** Signatures seen so far, as jupyter_client's Session.digest_history (bounded, culled 10%). */
class DigestHistory {
  private readonly seen = new Set<string>();
  constructor(private readonly max = 65536) {}
  /** False if the digest was seen before; otherwise records it. */
  add(digest: string): boolean {
    if (this.seen.has(digest)) return false;
    this.seen.add(digest);
    if (this.seen.size > this.max) {
      let drop = Math.ceil(this.max / 10);
      for (const d of this.seen) {
        if (drop-- <= 0) break;
        this.seen.delete(d);
      }
    }
    return true;
  }
}

export class Codec {
  readonly session = randomUUID();
  private readonly history = new DigestHistory();
  private readonly keyBytes: Buffer;

  constructor(private readonly key: string) {
    this.keyBytes = Buffer.from(key, 'utf8');
  }

  sign(parts: Buffer[]): string {
    if (!this.key) return '';
    const h = createHmac('sha256', this.keyBytes);
    for (const p of parts) h.update(p);
    return h.digest('hex');
  }

  /** Verifies and decodes the frames of a received message; throws RejectedMessage. */
  decode(frames: Buffer[]): Message {
    const d = frames.findIndex((f) => f.equals(DELIMITER_BYTES));
    if (d < 0) throw new RejectedMessage('no <IDS|MSG> delimiter');
    if (frames.length - d < 6) throw new RejectedMessage('too few frames', `${frames.length - d - 1} after the delimiter`);
    const [sig, header, parent, metadata, content] = frames.slice(d + 1, d + 6);
    if (this.key) {
      const expected = Buffer.from(this.sign([header, parent, metadata, content]), 'ascii');
      if (sig.length === 0) throw new RejectedMessage('unsigned message');
      if (sig.length !== expected.length || !timingSafeEqual(sig, expected)) {
        throw new RejectedMessage('invalid signature');
      }
      if (!this.history.add(sig.toString('ascii'))) throw new RejectedMessage('replayed message', 'signature seen before');
    }
    let msg: Message | null;
    try {
      // The signature is checked above; jmp only parses (empty key: no second check).
      msg = JmpMessage._decode(frames, 'sha256', '');
    } catch (e) {
      throw new RejectedMessage('malformed JSON', (e as Error).message);
    }
    if (!msg) throw new RejectedMessage('undecodable frames');
    const h = msg.header as unknown;
    if (!isObject(h) || typeof h.msg_type !== 'string' || typeof h.msg_id !== 'string') {
      throw new RejectedMessage('header without msg_id/msg_type');
    }
    if (!isObject(msg.content)) throw new RejectedMessage('content is not an object');
    if (!isObject(msg.parent_header)) msg.parent_header = {};
    if (!isObject(msg.metadata)) msg.metadata = {};
    return msg;
  }

  header(msgType: string, msgId: string = randomUUID()): Header {
    return {
      msg_id: msgId,
      msg_type: msgType,
      session: this.session,
      username: 'kiln',
      date: new Date().toISOString(),
      version: PROTOCOL_VERSION,
    };
  }

  /** Frames for an outgoing message: routing idents first (requester's, or an iopub topic). */
  encode(out: Outgoing, idents: Buffer[]): Buffer[] {
    const m = new JmpMessage({
      idents,
      header: this.header(out.msg_type, out.msg_id),
      parent_header: out.parent ? out.parent.header : {},
      metadata: out.metadata ?? {},
      content: out.content,
    });
    return m._encode('sha256', this.key).map((f) => (Buffer.isBuffer(f) ? f : Buffer.from(f, 'utf8')));
  }
}

function isObject(v: unknown): v is JsonObject & Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
