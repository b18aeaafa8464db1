// The IR text of each cell that defines functions, kept for %ir name and %asm name:
// deflated (a long session defines thousands), in batches. One zlib call costs more to set
// up than deflating one small cell's IR (an eval of a one-line function paid 0.15 ms), so
// texts wait, as they are, until a batch is full, and a batch is deflated in one call.
import { constants as zlibConstants, deflateRawSync, inflateRawSync } from 'node:zlib';

/** Texts deflated together. */
const BATCH = 32;

interface Batch {
  deflated: Buffer;
  /** Each text's length, in order (the batch is their concatenation). */
  lengths: number[];
}

/** One kept text: as it is until its batch is deflated, then its batch and place in it. */
export interface KeptText {
  text?: string;
  batch?: Batch;
  index?: number;
}

export class KeptIR {
  private pending: KeptText[] = [];

  add(text: string): KeptText {
    const kept: KeptText = { text };
    this.pending.push(kept);
    if (this.pending.length >= BATCH) this.deflatePending();
    return kept;
  }

  read(kept: KeptText): string {
    if (kept.text !== undefined) return kept.text;
    const { deflated, lengths } = kept.batch!;
    const all = inflateRawSync(deflated).toString();
    let start = 0;
    for (let i = 0; i < kept.index!; i++) start += lengths[i];
    return all.slice(start, start + lengths[kept.index!]);
  }

  /** Forgets the texts still waiting (%reset; kept texts already handed out stay readable). */
  clear(): void {
    this.pending = [];
  }

  private deflatePending(): void {
    const texts = this.pending.map((kept) => kept.text!);
    // (A copy: zlib's result is a view of a 16 KB chunk. The quickest level: half the
    // time of the default for a result about a tenth larger.)
    const batch: Batch = {
      deflated: Buffer.from(deflateRawSync(texts.join(''), { level: zlibConstants.Z_BEST_SPEED })),
      lengths: texts.map((text) => text.length),
    };
    this.pending.forEach((kept, index) => Object.assign(kept, { text: undefined, batch, index }));
    this.pending = [];
  }
}
