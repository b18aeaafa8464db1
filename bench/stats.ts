// Timing, statistics, the run's error and formatting for the bench modules and the report.
// No engine here: the kernel-latency client and the report load this without loading LLVM.

export const now = (): number => Number(process.hrtime.bigint()) / 1e6;

export class BenchError extends Error {}

/** Fails the whole run (wrong answers, errors): the figures would mean nothing. */
export function fail(message: string): never {
  throw new BenchError(message);
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

/** The distribution of a figure's runs: what the report shows beside a median. */
export interface Spread {
  n: number;
  min: number;
  p10: number;
  median: number;
  p90: number;
  max: number;
}

/** The spread of `xs`, rounded to a thousandth (of a ms, for times) to keep results.json short. */
export function spread(xs: number[]): Spread {
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return { n: xs.length, min: r(Math.min(...xs)), p10: r(quantile(xs, 0.1)), median: r(median(xs)), p90: r(quantile(xs, 0.9)), max: r(Math.max(...xs)) };
}

export function fmtMs(ms: number): string {
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 10) return ms.toFixed(1);
  if (ms >= 1) return ms.toFixed(2);
  return ms.toFixed(3);
}

export function fmtRate(perSec: number): string {
  if (perSec >= 1e6) return `${(perSec / 1e6).toFixed(2)} M/s`;
  if (perSec >= 1e3) return `${(perSec / 1e3).toFixed(1)} k/s`;
  return `${perSec.toFixed(0)} /s`;
}

export const ratio = (a: number, b: number): string => (a / b).toFixed(2);

/** A Markdown table (also readable on a terminal): columns padded to their widths. */
export function table(header: string[], rows: string[][]): string {
  const w = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (c ?? '').padEnd(w[i])).join(' | ')} |`;
  return [line(header), `|${w.map((n) => '-'.repeat(n + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}
