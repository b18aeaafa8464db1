// Turns one cell's engine outputs into iopub messages, all with that cell's request as
// parent. Stream text is coalesced for a few ms (per stream name, in order with the rest).
import type { EngineOutput } from '../engine/api';
import type { Message, Outgoing } from './messages';

export type Publish = (out: Outgoing) => void;

export const STREAM_BATCH_MS = 5;

export class CellOutput {
  private streamName: 'stdout' | 'stderr' | undefined;
  private streamText = '';
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly parent: Message,
    private readonly publish: Publish,
  ) {}

  add(out: EngineOutput): void {
    if (out.type === 'stream') {
      if (this.streamName !== undefined && this.streamName !== out.name) this.flush();
      this.streamName = out.name;
      this.streamText += out.text;
      if (!this.timer) this.timer = setTimeout(() => this.flush(), STREAM_BATCH_MS);
      return;
    }
    this.flush();
    switch (out.type) {
      case 'display':
        this.send('display_data', {
          data: out.data,
          metadata: {},
          transient: out.displayId !== undefined ? { display_id: out.displayId } : {},
        });
        return;
      case 'update_display':
        this.send('update_display_data', { data: out.data, metadata: {}, transient: { display_id: out.displayId } });
        return;
      case 'clear_output':
        this.send('clear_output', { wait: out.wait });
        return;
    }
  }

  /** Sends any buffered stream text now. */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.streamName !== undefined && this.streamText !== '') {
      this.send('stream', { name: this.streamName, text: this.streamText });
    }
    this.streamName = undefined;
    this.streamText = '';
  }

  send(msg_type: string, content: Record<string, unknown>): void {
    this.publish({ msg_type, content, parent: this.parent });
  }
}
