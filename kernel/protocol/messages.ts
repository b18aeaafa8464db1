// Jupyter message shapes (protocol 5.3), written once for the kernel, its tests and the bench.

export const PROTOCOL_VERSION = '5.3';

export type Channel = 'shell' | 'control' | 'stdin' | 'iopub';

export interface Header {
  msg_id: string;
  msg_type: string;
  session: string;
  username: string;
  date: string;
  version: string;
  [extra: string]: unknown;
}

export type JsonObject = Record<string, unknown>;

/** A decoded, verified message. `idents` are the ZMQ routing frames of the requester. */
export interface Message<C extends JsonObject = JsonObject> {
  idents: Buffer[];
  header: Header;
  /** Empty object when there is no parent. */
  parent_header: Partial<Header>;
  metadata: JsonObject;
  content: C;
  buffers: Buffer[];
}

/** What the kernel asks the transport to send; header and signature are added there. */
export interface Outgoing {
  msg_type: string;
  /** Preset msg_id, for a message whose answer must be matched to it; otherwise a fresh one. */
  msg_id?: string;
  content: JsonObject;
  metadata?: JsonObject;
  /** The request this message answers or belongs to (parent header, requester identities). */
  parent?: Message;
}
