// Execution history, kept in memory for the kernel's lifetime (one session, numbered 1).
// Answers history_request: tail, range and search (glob pattern, as IPython's sqlite GLOB),
// with `unique` and `output`.

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

/** Glob (`*`, `?`, `[...]`) to an anchored RegExp, case-sensitive like sqlite GLOB. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') re += '[\\s\\S]*';
    else if (c === '?') re += '[\\s\\S]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        let body = glob.slice(i + 1, end);
        if (body.startsWith('^')) body = '\\^' + body.slice(1);
        re += `[${body.startsWith('!') ? '^' + body.slice(1) : body}]`;
        i = end;
      }
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
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
      const pattern = typeof q.pattern === 'string' ? q.pattern : '*';
      const re = globToRegExp(pattern);
      picked = this.entries.filter((e) => re.test(e.input));
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
