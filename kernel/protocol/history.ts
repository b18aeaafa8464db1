// Execution history, kept in memory for the kernel's lifetime (one session, numbered 1).
// Answers history_request: tail, range and search (glob pattern with fnmatch semantics, see
// glob.ts), with `unique` and `output`.
import { globMatcher } from './glob';

export interface HistoryEntry {
  line: number;
  input: string;
  output?: string;
}

export type HistoryItem = [number, number, string] | [number, number, [string, string | null]];

export const SESSION = 1;

export interface HistoryQuery {
  hist_access_type?: unknown;
  output?: unknown;
  session?: unknown;
  start?: unknown;
  stop?: unknown;
  n?: unknown;
  pattern?: unknown;
  unique?: unknown;
}

export class History {
  private readonly entries: HistoryEntry[] = [];

  add(line: number, input: string): HistoryEntry {
    const e: HistoryEntry = { line, input };
    this.entries.push(e);
    return e;
  }

  query(q: HistoryQuery): HistoryItem[] {
    const output = q.output === true;
    const type = typeof q.hist_access_type === 'string' ? q.hist_access_type : 'tail';
    const n = typeof q.n === 'number' && q.n >= 0 ? Math.floor(q.n) : undefined;
    let picked: HistoryEntry[];
    if (type === 'range') {
      const session = typeof q.session === 'number' ? q.session : 0;
      // 0 (or our own number) is the current session; other sessions are not kept.
      if (session !== 0 && session !== SESSION) return [];
      const start = typeof q.start === 'number' ? q.start : 0;
      const stop = typeof q.stop === 'number' && q.stop > 0 ? q.stop : Infinity;
      picked = this.entries.filter((e) => e.line >= start && e.line < stop);
    } else if (type === 'search') {
      if (q.pattern !== undefined && typeof q.pattern !== 'string') {
        throw new TypeError(`pattern must be a string (got ${JSON.stringify(q.pattern)})`);
      }
      const pattern = q.pattern ?? '*';
      const matches = globMatcher(pattern);
      picked = this.entries.filter((e) => matches(e.input));
      if (q.unique === true) picked = unique(picked);
      if (n !== undefined) picked = n === 0 ? [] : picked.slice(-n);
    } else {
      picked = q.unique === true ? unique(this.entries) : this.entries;
      picked = n === undefined ? picked.slice() : n === 0 ? [] : picked.slice(-n);
    }
    return picked.map((e) => (output ? [SESSION, e.line, [e.input, e.output ?? null]] : [SESSION, e.line, e.input]));
  }
}

/** Keeps the last occurrence of each input, in order. */
function unique(entries: HistoryEntry[]): HistoryEntry[] {
  const last = new Map<string, number>();
  entries.forEach((e, i) => last.set(e.input, i));
  return entries.filter((e, i) => last.get(e.input) === i);
}
