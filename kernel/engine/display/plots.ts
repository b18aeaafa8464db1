// Charts for the builtins `plot`, `scatter`, `hist` and `bar` (LANGUAGE.md): each chart
// is one display_data carrying
//   application/vnd.vegalite.v5+json  the Vega-Lite spec (JupyterLab draws it natively),
//   image/svg+xml                     the same chart rendered here, by vega in Node,
//   text/plain                        one line, e.g. `<line chart "Squares": 100 points>`.
//
// renderChart is SYNCHRONOUS: the engine calls it from a synchronous host callback made
// by JIT code on the engine's worker thread. vega's toSVG() is async, so rendering runs
// on a dedicated plot worker thread (plot-worker.ts, started by the first chart and kept,
// unref'd: vega and vega-lite cost ~30 MB, which a kernel that draws no chart does not
// carry; docs/decisions.md "Kernel weight and the first cell") and the caller blocks in
// Atomics.wait until the reply is there (see plot-worker.ts for the protocol). The wait has a timeout: RENDER_TIMEOUT_MS per chart,
// STARTUP_TIMEOUT_MS for the first chart of a new worker (it also loads vega). On a
// timeout the worker is terminated (a new one is started by the next chart) and an Error
// is thrown. A render error reported by vega is not thrown: the bundle then has
// text/plain only, saying that rendering failed.
//
// Decisions where LANGUAGE.md is silent:
//  - plot/scatter: xs and ys of different lengths → ValueError
//    `plot: xs has 3 values but ys has 4` (`scatter: ...` for scatter). bar: the same
//    with `labels` / `values`.
//  - Non-finite values (nan, ±inf) are not drawn. plot: the line is broken at such a
//    point (as matplotlib does); scatter: the point is left out; hist: the value is not
//    counted; bar: the label keeps its place on the axis but has no bar. text/plain counts
//    what is drawn and says how many were skipped: `<line chart "t": 98 points, 2
//    non-finite skipped>`.
//  - Empty data is not an error: an empty chart (axes and title) is drawn. An empty hist
//    (or one with only non-finite values) has `bins` empty bins over [0, 1].
//  - hist: bins must be in 1..MAX_BINS, else ValueError. The bin edges are equal-width
//    from min(xs) to max(xs); every bin is half-open [lo, hi) except the last, which is
//    closed (numpy's rule), so there are exactly `bins` bars and every finite value is
//    counted once. If all values are equal, the bins span [v - 0.5, v + 0.5].
//  - bar: one bar per element in the given order; a repeated label is made unique by
//    appending ` (2)`, ` (3)`, ... so that every element keeps its own bar.
//  - Large data is not sampled: the SVG of a line with 1e6 points is large (tens of MB).
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { PlotReply, PlotRequest, PlotWorkerData } from './plot-worker';

export type Chart =
  | { kind: 'line' | 'scatter'; xs: number[]; ys: number[]; title: string }
  | { kind: 'hist'; xs: number[]; bins: number; title: string }
  | { kind: 'bar'; labels: string[]; values: number[]; title: string };

export const VEGALITE_MIME = 'application/vnd.vegalite.v5+json';
export const VEGALITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';
export const CHART_WIDTH = 400;
export const CHART_HEIGHT = 250;
export const MAX_BINS = 10_000;
export const RENDER_TIMEOUT_MS = 10_000;
export const STARTUP_TIMEOUT_MS = 30_000;

function valueError(message: string): Error {
  const e = new Error(message);
  e.name = 'ValueError';
  return e;
}

const finite = (v: number): boolean => typeof v === 'number' && Number.isFinite(v);

/** Throws the Kiln ValueError for invalid arguments (see the decisions above). */
function validate(chart: Chart): void {
  switch (chart.kind) {
    case 'line':
    case 'scatter': {
      const fn = chart.kind === 'line' ? 'plot' : 'scatter';
      if (chart.xs.length !== chart.ys.length)
        throw valueError(`${fn}: xs has ${chart.xs.length} values but ys has ${chart.ys.length}`);
      return;
    }
    case 'hist':
      if (!Number.isInteger(chart.bins) || chart.bins < 1)
        throw valueError(`hist: bins must be at least 1, got ${chart.bins}`);
      if (chart.bins > MAX_BINS) throw valueError(`hist: bins must be at most ${MAX_BINS}, got ${chart.bins}`);
      return;
    case 'bar':
      if (chart.labels.length !== chart.values.length)
        throw valueError(`bar: labels has ${chart.labels.length} values but values has ${chart.values.length}`);
      return;
  }
}

export interface HistBin {
  bin_start: number;
  bin_end: number;
  count: number;
}

/** Equal-width bins from min to max of the finite values (numpy's edges and counting rule). */
export function histogram(xs: number[], bins: number): HistBin[] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of xs) {
    if (!finite(x)) continue;
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  if (lo > hi) {
    lo = 0;
    hi = 1;
  } else if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  const edges: number[] = [];
  for (let i = 0; i <= bins; i++) edges.push(i === bins ? hi : lo + ((hi - lo) * i) / bins);
  const counts = new Array<number>(bins).fill(0);
  const scale = bins / (hi - lo);
  for (const x of xs) {
    if (!finite(x)) continue;
    let i = Math.min(bins - 1, Math.max(0, Math.floor((x - lo) * scale)));
    // Correct the rounding of the division against the edges themselves.
    while (i > 0 && x < edges[i]) i--;
    while (i < bins - 1 && x >= edges[i + 1]) i++;
    counts[i]++;
  }
  return counts.map((count, i) => ({ bin_start: edges[i], bin_end: edges[i + 1], count }));
}

function uniqueLabels(labels: string[]): string[] {
  const seen = new Map<string, number>();
  const used = new Set(labels);
  return labels.map((label) => {
    const n = (seen.get(label) ?? 0) + 1;
    seen.set(label, n);
    if (n === 1) return label;
    let k = n;
    let name = `${label} (${k})`;
    while (used.has(name)) name = `${label} (${++k})`;
    used.add(name);
    return name;
  });
}

/** The Vega-Lite v5 spec of a chart, with its data inline. Throws ValueError on bad arguments. */
export function chartSpec(chart: Chart): object {
  validate(chart);
  const base = {
    $schema: VEGALITE_SCHEMA,
    title: chart.title,
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
  };
  switch (chart.kind) {
    case 'line': {
      // Non-finite points are left out and break the line: the points between two breaks
      // form a `segment`, drawn as its own path (encoding `detail`, only when there are
      // breaks). This works alike in vega-lite 5 (JupyterLab) and 6 (here), whose `invalid`
      // settings differ. `order` keeps the given order (a curve need not be a function of x).
      const values: { i: number; x: number; y: number; segment?: number }[] = [];
      let segment = 0;
      let broken = false;
      chart.xs.forEach((x, i) => {
        const y = chart.ys[i];
        if (finite(x) && finite(y)) {
          if (broken && values.length > 0) segment++;
          broken = false;
          values.push({ i, x, y, segment });
        } else {
          broken = true;
        }
      });
      const gaps = segment > 0;
      if (!gaps) for (const v of values) delete v.segment;
      return {
        ...base,
        data: { values },
        mark: { type: 'line' },
        encoding: {
          x: { field: 'x', type: 'quantitative', title: 'x', scale: { zero: false, nice: true } },
          y: { field: 'y', type: 'quantitative', title: 'y', scale: { zero: false, nice: true } },
          order: { field: 'i', type: 'quantitative' },
          ...(gaps ? { detail: { field: 'segment', type: 'nominal' } } : {}),
        },
      };
    }
    case 'scatter': {
      const values: { x: number; y: number }[] = [];
      chart.xs.forEach((x, i) => {
        const y = chart.ys[i];
        if (finite(x) && finite(y)) values.push({ x, y });
      });
      return {
        ...base,
        data: { values },
        mark: { type: 'point', filled: true },
        encoding: {
          x: { field: 'x', type: 'quantitative', title: 'x', scale: { zero: false, nice: true } },
          y: { field: 'y', type: 'quantitative', title: 'y', scale: { zero: false, nice: true } },
        },
      };
    }
    case 'hist':
      return {
        ...base,
        data: { values: histogram(chart.xs, chart.bins) },
        mark: { type: 'bar', stroke: 'white', strokeWidth: 0.5 },
        encoding: {
          x: {
            field: 'bin_start',
            type: 'quantitative',
            bin: { binned: true },
            title: 'value',
            scale: { zero: false, nice: true },
          },
          x2: { field: 'bin_end' },
          y: {
            field: 'count',
            type: 'quantitative',
            title: 'count',
            scale: { zero: true, nice: true },
            axis: { tickMinStep: 1 }, // counts are whole numbers
          },
        },
      };
    case 'bar': {
      const labels = uniqueLabels(chart.labels);
      const values = labels.map((label, i) => ({
        label,
        value: finite(chart.values[i]) ? chart.values[i] : null,
      }));
      return {
        ...base,
        data: { values },
        mark: { type: 'bar' },
        encoding: {
          // An explicit domain keeps every label (even one without a bar) in order.
          x: { field: 'label', type: 'nominal', title: 'label', sort: null, scale: { domain: labels } },
          y: { field: 'value', type: 'quantitative', title: 'value', scale: { zero: true, nice: true } },
        },
      };
    }
  }
}

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/** The one-line text/plain of a chart. */
export function chartText(chart: Chart): string {
  const t = JSON.stringify(chart.title);
  const skipped = (n: number): string => (n > 0 ? `, ${n} non-finite skipped` : '');
  switch (chart.kind) {
    case 'line':
    case 'scatter': {
      let n = 0;
      chart.xs.forEach((x, i) => {
        if (finite(x) && finite(chart.ys[i])) n++;
      });
      const what = chart.kind === 'line' ? 'line chart' : 'scatter chart';
      return `<${what} ${t}: ${plural(n, 'point', 'points')}${skipped(chart.xs.length - n)}>`;
    }
    case 'hist': {
      const n = chart.xs.filter(finite).length;
      return `<histogram ${t}: ${plural(n, 'value', 'values')} in ${plural(chart.bins, 'bin', 'bins')}${skipped(chart.xs.length - n)}>`;
    }
    case 'bar': {
      const n = chart.values.filter(finite).length;
      return `<bar chart ${t}: ${plural(n, 'bar', 'bars')}${skipped(chart.values.length - n)}>`;
    }
  }
}

// ---- the plot worker ----

interface PlotWorker {
  worker: Worker;
  port: MessagePort;
  flag: Int32Array;
  /** True until the first reply: the first request also waits for vega to load. */
  cold: boolean;
}

let current: PlotWorker | undefined;
let nextSeq = 1;

/** The compiled worker script: next to this file when running from dist/, else the dist copy. */
export function plotWorkerPath(): string {
  if (__filename.endsWith('.js')) return path.join(__dirname, 'plot-worker.js');
  // Running from the TypeScript source (ts-jest): use the build in dist/.
  const root = path.resolve(__dirname, '..', '..', '..');
  return path.join(root, 'dist', 'kernel', 'engine', 'display', 'plot-worker.js');
}

function startWorker(): PlotWorker {
  const file = plotWorkerPath();
  if (!existsSync(file))
    throw new Error(`plot worker not found at ${file}: build the kernel first (npx tsc -p tsconfig.json)`);
  const sab = new SharedArrayBuffer(4);
  const { port1, port2 } = new MessageChannel();
  const data: PlotWorkerData = { flag: sab, port: port2 };
  const worker = new Worker(file, { workerData: data, transferList: [port2], execArgv: [], stdout: false });
  worker.unref();
  port1.unref();
  // Errors of the worker itself (it failed to load, it crashed) can only be seen once the
  // event loop runs; a pending request then ends in its timeout. Forget the worker so
  // that the next chart starts a new one.
  const forget = (): void => {
    if (current?.worker === worker) current = undefined;
  };
  worker.on('error', forget);
  worker.on('exit', forget);
  return { worker, port: port1, flag: new Int32Array(sab), cold: true };
}

/** Stops the plot worker (tests, shutdown). The next chart starts a new one. */
export async function stopPlotWorker(): Promise<void> {
  const w = current;
  current = undefined;
  if (w) {
    w.port.close();
    await w.worker.terminate();
  }
}

type RequestBody = { kind: 'render'; spec: object } | { kind: 'sleep'; ms: number };

function request(body: RequestBody, timeoutMs?: number): PlotReply {
  const w = (current ??= startWorker());
  const seq = nextSeq++;
  const limit = timeoutMs ?? (w.cold ? STARTUP_TIMEOUT_MS : RENDER_TIMEOUT_MS);
  const deadline = Date.now() + limit;
  w.worker.postMessage({ ...body, seq } as PlotRequest);
  for (;;) {
    // Read the flag before looking at the port: a reply posted after the look changes
    // the flag first, so the wait below returns at once.
    const seen = Atomics.load(w.flag, 0);
    const got = receiveMessageOnPort(w.port);
    if (got) {
      const reply = got.message as PlotReply;
      if (reply.seq === seq) {
        w.cold = false;
        return reply;
      }
      continue; // a stale reply (cannot normally happen: a timed-out worker is dropped)
    }
    const left = deadline - Date.now();
    if (left <= 0) {
      if (current === w) current = undefined;
      w.port.close();
      w.worker.terminate().catch(() => undefined);
      throw new Error(`chart rendering timed out after ${(limit / 1000).toFixed(1)} s (plot worker ${plotWorkerPath()})`);
    }
    Atomics.wait(w.flag, 0, seen, left);
  }
}

/** Renders a Vega-Lite spec to SVG on the plot worker, synchronously. Throws on timeout
 * or a missing worker build; returns { error } when vega reports an error. */
export function renderSvgSync(spec: object, timeoutMs?: number): { svg: string } | { error: string } {
  const reply = request({ kind: 'render', spec }, timeoutMs);
  return 'error' in reply ? { error: reply.error } : { svg: reply.svg };
}

/** Test hook: blocks the plot worker for `ms`, waiting at most `timeoutMs`. */
export function _sleepPlotWorker(ms: number, timeoutMs: number): void {
  request({ kind: 'sleep', ms }, timeoutMs);
}

/** The mime bundle of a chart (synchronous). Throws ValueError on bad arguments, Error on
 * a render timeout; a render error gives a bundle with text/plain only. */
export function renderChart(chart: Chart): Record<string, unknown> {
  const spec = chartSpec(chart);
  const text = chartText(chart);
  const out = renderSvgSync(spec);
  if ('error' in out) {
    return { 'text/plain': `${text.slice(0, -1)}, not rendered: ${out.error.replace(/\s+/g, ' ')}>` };
  }
  return { [VEGALITE_MIME]: spec, 'image/svg+xml': out.svg, 'text/plain': text };
}
