// Turns one cell's engine outputs into iopub messages, all with that cell's request as
// parent. Stream text is coalesced for a few ms (per stream name, in order with the rest).
// Each output's `sent` callback runs once the message carrying it has been handed to zeromq.
import type { EngineOutput } from '../engine/api';
import type { Message, Outgoing } from './messages';

export type Publish = (out: Outgoing) => Promise<void>;

export const STREAM_BATCH_MS = 5;
/** A stream message is sent at once when its text reaches this size. */
export const STREAM_BATCH_CHARS = 64 << 10;

const nothing = () => undefined;

export class CellOutput {
  private streamName: 'stdout' | 'stderr' | undefined;
  private streamText = '';
  private streamSent: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly parent: Message,
    private readonly publish: Publish,
  ) {}

  add(out: EngineOutput, sent: () => void = nothing): void {
    if (out.type === 'stream') {
      if (this.streamName !== undefined && this.streamName !== out.name) this.flush();
      this.streamName = out.name;
      this.streamText += out.text;
      this.streamSent.push(sent);
      if (this.streamText.length >= STREAM_BATCH_CHARS) this.flush();
      else if (!this.timer) this.timer = setTimeout(() => this.flush(), STREAM_BATCH_MS);
      return;
    }
    this.flush();
    switch (out.type) {
      case 'display':
        this.send('display_data', {
          data: out.data,
          metadata: {},
          transient: out.displayId !== undefined ? { display_id: out.displayId } : {},
        }).then(sent);
        return;
      case 'update_display':
        this.send('update_display_data', { data: out.data, metadata: {}, transient: { display_id: out.displayId } }).then(sent);
        return;
      case 'clear_output':
        this.send('clear_output', { wait: out.wait }).then(sent);
        return;
    }
  }

  /** Sends any buffered stream text now. */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const sent = this.streamSent;
    if (this.streamName !== undefined && this.streamText !== '') {
      void this.send('stream', { name: this.streamName, text: this.streamText }).then(() => sent.forEach((f) => f()));
    } else sent.forEach((f) => f());
    this.streamName = undefined;
    this.streamText = '';
    this.streamSent = [];
  }

  send(msg_type: string, content: Record<string, unknown>): Promise<void> {
    return this.publish({ msg_type, content, parent: this.parent });
  }
}
