// Wire format: frames <-> messages. Decoding uses jmp's Message; verification is ours
// (constant time, before any JSON is parsed) and so is the replay check. Encoding is ours too:
// jmp's re-serialises the parent header (a cell's outputs all share one) and copies every part
// into a Buffer for each message, a large share of a display's cost in a loop.
import { createHmac, createSecretKey, KeyObject, randomUUID, timingSafeEqual } from 'crypto';
import type { JsonObject, Message, Outgoing } from './messages';
import { PROTOCOL_VERSION } from './messages';

// jmp ships no types; we use only its decoder (see NATIVE-NOTES.md).
interface JmpMessageClass {
  _decode(frames: Buffer[], scheme: string, key: string): Message | null;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const JmpMessage: JmpMessageClass = require('jmp').Message;

export const DELIMITER = '<IDS|MSG>';
const DELIMITER_BYTES = Buffer.from(DELIMITER);

/** A frame as zeromq takes it: a string is sent as its UTF-8 bytes. */
export type Frame = string | Buffer;

/**
 * zeromq.js copies a Buffer of up to 128 bytes into the message (none allocated up to 33);
 * a longer one it sends in place but releases through the main thread's event loop, and a
 * string it converts with three allocations. Short frames therefore go as Buffers, long
 * ones as strings: the cheapest way for each at tens of thousands of messages a second.
 */
const COPIED_FRAME_BYTES = 128;
const EMPTY_OBJECT = '{}';
const EMPTY_OBJECT_BYTES = Buffer.from(EMPTY_OBJECT);

export function frame(text: string): Frame {
  if (text.length > COPIED_FRAME_BYTES) return text;
  const bytes = Buffer.from(text, 'utf8');
  return bytes.length <= COPIED_FRAME_BYTES ? bytes : text;
}

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
  private readonly hmacKey: KeyObject | undefined;
  /** Per msg_type, the header JSON between its msg_id and its date (see headerJson). */
  private readonly headerMiddles = new Map<string, string>();
  /** The JSON of each parent header sent so far (a cell's outputs all name the same parent). */
  private readonly parentJson = new WeakMap<object, string>();
  private dateMs = NaN;
  private dateIso = '';

  constructor(private readonly key: string) {
    this.hmacKey = key ? createSecretKey(Buffer.from(key, 'utf8')) : undefined;
  }

  /** HMAC-SHA256 (hex) of the parts; '' when the key is empty (signing disabled). */
  sign(parts: Frame[]): string {
    if (!this.hmacKey) return '';
    const h = createHmac('sha256', this.hmacKey);
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

  /** Frames for an outgoing message: routing idents first (requester's, or an iopub topic). */
  encode(out: Outgoing, idents: Frame[]): Frame[] {
    const header = this.headerJson(out.msg_type, out.msg_id ?? randomUUID());
    const parent = out.parent ? this.parentHeaderJson(out.parent.header) : EMPTY_OBJECT;
    const metadata = out.metadata ? JSON.stringify(out.metadata) : EMPTY_OBJECT;
    const content = JSON.stringify(out.content);
    const signature = Buffer.from(this.sign([header, parent, metadata, content]), 'latin1');
    return [
      ...idents,
      DELIMITER_BYTES,
      signature,
      frame(header),
      frame(parent),
      metadata === EMPTY_OBJECT ? EMPTY_OBJECT_BYTES : frame(metadata),
      frame(content),
    ];
  }

  /** The header (a Header: msg_id, msg_type, session, username, date, version) as JSON, from cached parts. */
  private headerJson(msgType: string, msgId: string): string {
    let middle = this.headerMiddles.get(msgType);
    if (middle === undefined) {
      middle = `,"msg_type":${JSON.stringify(msgType)},"session":"${this.session}","username":"kiln","date":"`;
      this.headerMiddles.set(msgType, middle);
    }
    return `{"msg_id":${JSON.stringify(msgId)}${middle}${this.isoDate()}","version":"${PROTOCOL_VERSION}"}`;
  }

  /** The time now as an ISO string, made once a millisecond (a flood of outputs sends dozens in one). */
  private isoDate(): string {
    const ms = Date.now();
    if (ms !== this.dateMs) {
      this.dateMs = ms;
      this.dateIso = new Date(ms).toISOString();
    }
    return this.dateIso;
  }

  private parentHeaderJson(header: object): string {
    let json = this.parentJson.get(header);
    if (json === undefined) {
      json = JSON.stringify(header);
      this.parentJson.set(header, json);
    }
    return json;
  }
}

function isObject(v: unknown): v is JsonObject & Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
