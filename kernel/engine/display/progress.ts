// The builtin `progress(done, total)` (LANGUAGE.md): one progress bar per cell, shown as
// a display_data (text/html bar + text/plain such as `[#####     ] 50% 1.2s left`) and
// updated in place by update_display_data. This file is the pure logic: the caller owns
// one ProgressBar per cell, calls update() on every `progress` call, and sends what it
// returns (display_data with a display id when `first`, update_display_data after).
//
// Decisions:
//  - total <= 0 → ValueError `progress: total must be positive, got 0`. `done` is clamped
//    to [0, total].
//  - A redraw is due on the first call, whenever `done` reaches `total` (once: repeated
//    calls at 100 % draw nothing more), and otherwise at most every MIN_INTERVAL_MS
//    (10 a second) and only if the text changed. Everything else returns undefined, so a
//    call costs a clock read and a few comparisons.
//  - text/plain: `[` + 10 cells (`#` per full tenth, floor) + `] N%` (N = floor of the
//    percentage, so 100% means done), then ` X.Ys left` when done < total and there are
//    two points to estimate from (the rate so far: elapsed / units done since the first
//    call), or ` done in X.Ys` at 100 %. Times: `12.3s` below a minute, `4m05s` below an
//    hour, `1h02m` above.
//  - The clock starts at the first call. If `total` changes or `done` goes back (a new
//    loop in the same cell), the estimate starts over from that call.
//  - When the cell ends, finish() gives the last state if it was not drawn (a loop that
//    stops before 100 % would otherwise show an old frame).
//  - text/html: a self-contained <progress> element and the same text after it.

export const MIN_INTERVAL_MS = 100;
export const CELLS = 10;

export type ProgressUpdate = { first: boolean; bundle: Record<string, unknown> };

function valueError(message: string): Error {
  const e = new Error(message);
  e.name = 'ValueError';
  return e;
}

/** `12.3s`, `4m05s`, `1h02m`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  if (s < 59.95) return `${s.toFixed(1)}s`;
  const total = Math.round(s);
  if (total < 3600) return `${Math.floor(total / 60)}m${String(total % 60).padStart(2, '0')}s`;
  const minutes = Math.round(s / 60);
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** The text/plain of a bar: `[#####     ] 50% 1.2s left`. */
/** `startDone` is where the clock started: no estimate until `done` has moved past it. */
export function progressText(done: number, total: number, elapsedMs: number, startDone = 0): string {
  const frac = done / total;
  const cells = Math.min(CELLS, Math.floor(frac * CELLS));
  const pct = Math.min(100, Math.floor(frac * 100));
  let text = `[${'#'.repeat(cells)}${' '.repeat(CELLS - cells)}] ${pct}%`;
  if (done >= total) text += ` done in ${formatDuration(elapsedMs)}`;
  else if (done > startDone) text += ` ${formatDuration((elapsedMs / (done - startDone)) * (total - done))} left`;
  return text;
}

const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function progressHtml(done: number, total: number, text: string): string {
  // The text after the bar repeats what the bar shows: the part after `] `.
  const label = text.slice(text.indexOf(']') + 2);
  return (
    `<div style="display:flex;align-items:center;gap:0.5em;font-family:monospace">` +
    `<progress value="${done}" max="${total}" style="width:20em">${escapeHtml(label)}</progress>` +
    `<span>${escapeHtml(label)}</span></div>`
  );
}

export class ProgressBar {
  private start = 0;
  private startDone = 0;
  private lastUpdate = 0;
  private lastDraw = -Infinity;
  private lastText: string | undefined;
  private lastDone = -1;
  private lastTotal = -1;
  private drawn = false;
  private drawnComplete = false;

  /** `clock` returns milliseconds from any fixed origin (performance.now, a fake clock). */
  constructor(private readonly clock: () => number) {}

  /** Records progress; returns the bundle to show when a redraw is due, else undefined. */
  update(done: number, total: number): ProgressUpdate | undefined {
    if (!(total > 0)) throw valueError(`progress: total must be positive, got ${total}`);
    if (!(done > 0)) done = 0; // also NaN
    if (done > total) done = total;
    const now = this.clock();
    this.record(done, total, now);
    const complete = done === total;
    if (this.drawn) {
      if (complete) {
        if (this.drawnComplete) return undefined;
      } else if (now - this.lastDraw < MIN_INTERVAL_MS) {
        return undefined;
      }
    }
    const text = progressText(done, total, now - this.start, this.startDone);
    if (this.drawn && !complete && text === this.lastText) return undefined;
    return this.draw(done, total, text, now);
  }

  private record(done: number, total: number, now: number): void {
    if (total !== this.lastTotal || done < this.lastDone) {
      this.start = now;
      this.startDone = done;
    }
    this.lastTotal = total;
    this.lastDone = done;
    this.lastUpdate = now;
  }

  /** The last state, if it differs from what was drawn (for the end of the cell).
   *  `skipped` is a later call that never reached update() (done, total, its time). */
  finish(skipped?: [done: number, total: number, at: number]): ProgressUpdate | undefined {
    if (skipped) this.record(skipped[0], skipped[1], skipped[2]);
    else if (!this.drawn) return undefined;
    const { lastDone: done, lastTotal: total } = this;
    const text = progressText(done, total, this.lastUpdate - this.start, this.startDone);
    if (this.drawn && text === this.lastText) return undefined;
    return this.draw(done, total, text, this.lastUpdate);
  }

  private draw(done: number, total: number, text: string, now: number): ProgressUpdate {
    const complete = done === total;
    const first = !this.drawn;
    this.drawn = true;
    this.lastDraw = now;
    this.lastText = text;
    this.drawnComplete = complete;
    return { first, bundle: { 'text/html': progressHtml(done, total, text), 'text/plain': text } };
  }
}
