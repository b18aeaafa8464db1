// Charts: the Vega-Lite specs, the histogram, the SVG rendered synchronously on the plot
// worker, and the errors. Needs the build (dist/kernel/engine/display/plot-worker.js):
//   npx tsc -p tsconfig.json && node --experimental-vm-modules node_modules/jest/bin/jest.js test/plots.test.ts
import {
  _sleepPlotWorker,
  chartSpec,
  chartText,
  histogram,
  plotWorkerPath,
  renderChart,
  renderSvgSync,
  stopPlotWorker,
  type Chart,
} from '../kernel/engine/display/plots';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';
const VL = 'application/vnd.vegalite.v5+json';

afterAll(() => stopPlotWorker());

/** The elements (paths) inside the first mark group of class `mark-<type>`. */
function markPaths(svg: string, type: string): number {
  const groups = svg.split(`<g class="mark-${type} role-mark`).slice(1);
  let n = 0;
  for (const g of groups) {
    const body = g.slice(0, g.indexOf('</g>'));
    n += (body.match(/<path /g) ?? []).length;
  }
  return n;
}

function texts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
}

function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('did not throw');
}

describe('chartSpec', () => {
  test('line', () => {
    expect(chartSpec({ kind: 'line', xs: [1, 2, 3], ys: [1, 4, 9], title: 'Squares' })).toEqual({
      $schema: SCHEMA,
      title: 'Squares',
      width: 400,
      height: 250,
      data: {
        values: [
          { i: 0, x: 1, y: 1 },
          { i: 1, x: 2, y: 4 },
          { i: 2, x: 3, y: 9 },
        ],
      },
      mark: { type: 'line' },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: 'x', scale: { zero: false, nice: true } },
        y: { field: 'y', type: 'quantitative', title: 'y', scale: { zero: false, nice: true } },
        order: { field: 'i', type: 'quantitative' },
      },
    });
  });

  test('line with non-finite values: left out, the line broken into segments', () => {
    const spec = chartSpec({ kind: 'line', xs: [1, 2, NaN, 4, 5, 6], ys: [1, 4, 9, Infinity, 25, 36], title: '' }) as {
      data: { values: unknown[] };
      encoding: Record<string, unknown>;
    };
    expect(spec.data.values).toEqual([
      { i: 0, x: 1, y: 1, segment: 0 },
      { i: 1, x: 2, y: 4, segment: 0 },
      { i: 4, x: 5, y: 25, segment: 1 },
      { i: 5, x: 6, y: 36, segment: 1 },
    ]);
    expect(spec.encoding.detail).toEqual({ field: 'segment', type: 'nominal' });
    // Leading non-finite values make no empty segment.
    const lead = chartSpec({ kind: 'line', xs: [NaN, 1, 2], ys: [0, 1, 2], title: '' }) as {
      data: { values: unknown[] };
      encoding: Record<string, unknown>;
    };
    expect(lead.data.values).toEqual([
      { i: 1, x: 1, y: 1 },
      { i: 2, x: 2, y: 2 },
    ]);
    expect(lead.encoding.detail).toBeUndefined();
  });

  test('scatter', () => {
    expect(chartSpec({ kind: 'scatter', xs: [1, NaN, 3], ys: [2, 2, -1], title: 'S' })).toEqual({
      $schema: SCHEMA,
      title: 'S',
      width: 400,
      height: 250,
      data: {
        values: [
          { x: 1, y: 2 },
          { x: 3, y: -1 },
        ],
      },
      mark: { type: 'point', filled: true },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: 'x', scale: { zero: false, nice: true } },
        y: { field: 'y', type: 'quantitative', title: 'y', scale: { zero: false, nice: true } },
      },
    });
  });

  test('hist', () => {
    expect(chartSpec({ kind: 'hist', xs: [0, 1, 1, 2, 4], bins: 2, title: 'H' })).toEqual({
      $schema: SCHEMA,
      title: 'H',
      width: 400,
      height: 250,
      data: {
        values: [
          { bin_start: 0, bin_end: 2, count: 3 },
          { bin_start: 2, bin_end: 4, count: 2 },
        ],
      },
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
          axis: { tickMinStep: 1 },
        },
      },
    });
  });

  test('bar: order kept, repeated labels made unique, non-finite value without a bar', () => {
    expect(chartSpec({ kind: 'bar', labels: ['b', 'a', 'b'], values: [3, NaN, 1.5], title: 'B' })).toEqual({
      $schema: SCHEMA,
      title: 'B',
      width: 400,
      height: 250,
      data: {
        values: [
          { label: 'b', value: 3 },
          { label: 'a', value: null },
          { label: 'b (2)', value: 1.5 },
        ],
      },
      mark: { type: 'bar' },
      encoding: {
        x: { field: 'label', type: 'nominal', title: 'label', sort: null, scale: { domain: ['b', 'a', 'b (2)'] } },
        y: { field: 'value', type: 'quantitative', title: 'value', scale: { zero: true, nice: true } },
      },
    });
  });

  test('errors are ValueErrors', () => {
    let e = thrown(() => chartSpec({ kind: 'line', xs: [1, 2, 3], ys: [1, 2, 3, 4], title: '' }));
    expect([e.name, e.message]).toEqual(['ValueError', 'plot: xs has 3 values but ys has 4']);
    e = thrown(() => chartSpec({ kind: 'scatter', xs: [1], ys: [], title: '' }));
    expect([e.name, e.message]).toEqual(['ValueError', 'scatter: xs has 1 values but ys has 0']);
    e = thrown(() => chartSpec({ kind: 'hist', xs: [1], bins: 0, title: '' }));
    expect([e.name, e.message]).toEqual(['ValueError', 'hist: bins must be at least 1, got 0']);
    e = thrown(() => chartSpec({ kind: 'hist', xs: [1], bins: -3, title: '' }));
    expect([e.name, e.message]).toEqual(['ValueError', 'hist: bins must be at least 1, got -3']);
    e = thrown(() => chartSpec({ kind: 'hist', xs: [1], bins: 10_001, title: '' }));
    expect([e.name, e.message]).toEqual(['ValueError', 'hist: bins must be at most 10000, got 10001']);
    e = thrown(() => chartSpec({ kind: 'bar', labels: ['a'], values: [1, 2], title: '' }));
    expect([e.name, e.message]).toEqual(['ValueError', 'bar: labels has 1 values but values has 2']);
    // renderChart validates before it renders.
    e = thrown(() => renderChart({ kind: 'line', xs: [1, 2, 3], ys: [1, 2, 3, 4], title: '' }));
    expect(e.name).toBe('ValueError');
  });
});

describe('histogram', () => {
  test('equal bins from min to max, last bin closed', () => {
    const xs = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(histogram(xs, 5)).toEqual([
      { bin_start: 0, bin_end: 2, count: 2 },
      { bin_start: 2, bin_end: 4, count: 2 },
      { bin_start: 4, bin_end: 6, count: 2 },
      { bin_start: 6, bin_end: 8, count: 2 },
      { bin_start: 8, bin_end: 10, count: 3 },
    ]);
    expect(histogram(xs, 1)).toEqual([{ bin_start: 0, bin_end: 10, count: 11 }]);
  });

  test('edges that do not divide exactly: every value counted once, in the right bin', () => {
    const xs = Array.from({ length: 1001 }, (_, i) => i / 1000); // 0, 0.001, ..., 1
    const bins = histogram(xs, 10);
    expect(bins).toHaveLength(10);
    expect(bins.reduce((s, b) => s + b.count, 0)).toBe(1001);
    for (const b of bins) {
      const inside = xs.filter((x) => x >= b.bin_start && (x < b.bin_end || (b === bins[9] && x <= b.bin_end)));
      expect(b.count).toBe(inside.length);
    }
    const third = histogram([0, 1 / 3, 2 / 3, 1], 3).map((b) => b.count);
    expect(third).toEqual([1, 1, 2]);
  });

  test('non-finite skipped; one distinct value; no values', () => {
    expect(histogram([1, NaN, 3, Infinity, -Infinity], 2).map((b) => b.count)).toEqual([1, 1]);
    expect(histogram([5, 5, 5], 2)).toEqual([
      { bin_start: 4.5, bin_end: 5, count: 0 },
      { bin_start: 5, bin_end: 5.5, count: 3 },
    ]);
    expect(histogram([], 2)).toEqual([
      { bin_start: 0, bin_end: 0.5, count: 0 },
      { bin_start: 0.5, bin_end: 1, count: 0 },
    ]);
  });
});

describe('chartText', () => {
  test('one line', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i);
    expect(chartText({ kind: 'line', xs, ys: xs, title: 'title' })).toBe('<line chart "title": 100 points>');
    expect(chartText({ kind: 'scatter', xs: [1, NaN], ys: [1, 1], title: 'a "b"\nc' })).toBe(
      '<scatter chart "a \\"b\\"\\nc": 1 point, 1 non-finite skipped>',
    );
    expect(chartText({ kind: 'hist', xs: Array(1000).fill(1), bins: 20, title: 't' })).toBe(
      '<histogram "t": 1000 values in 20 bins>',
    );
    expect(chartText({ kind: 'hist', xs: [1], bins: 1, title: 't' })).toBe('<histogram "t": 1 value in 1 bin>');
    expect(chartText({ kind: 'bar', labels: ['a', 'b', 'c'], values: [1, 2, 3], title: 't' })).toBe(
      '<bar chart "t": 3 bars>',
    );
  });
});

describe('renderChart (SVG rendered by vega on the plot worker)', () => {
  test('the worker path points at the build', () => {
    expect(plotWorkerPath()).toMatch(/dist[/\\]kernel[/\\]engine[/\\]display[/\\]plot-worker\.js$/);
  });

  test('line: bundle, title, axis titles and ticks, one path', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i);
    const chart: Chart = { kind: 'line', xs, ys: xs.map((x) => x * x), title: 'Squares' };
    const b = renderChart(chart);
    expect(Object.keys(b).sort()).toEqual([VL, 'image/svg+xml', 'text/plain'].sort());
    expect(b[VL]).toEqual(chartSpec(chart));
    expect(b['text/plain']).toBe('<line chart "Squares": 100 points>');
    const svg = b['image/svg+xml'] as string;
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    const t = texts(svg);
    expect(t).toEqual(expect.arrayContaining(['Squares', 'x', 'y', '0', '20', '40', '60', '80', '100', '10,000']));
    expect(markPaths(svg, 'line')).toBe(1);
  });

  test('line with a gap: two paths', () => {
    const svg = renderChart({ kind: 'line', xs: [1, 2, NaN, 4, 5], ys: [1, 4, 9, 16, 25], title: 'gap' })[
      'image/svg+xml'
    ] as string;
    expect(markPaths(svg, 'line')).toBe(2);
  });

  test('scatter: one symbol per point', () => {
    const svg = renderChart({ kind: 'scatter', xs: [1, 2, 3, 4, NaN], ys: [3, 1, 2, 5, 0], title: 'Dots' })[
      'image/svg+xml'
    ] as string;
    expect(texts(svg)).toEqual(expect.arrayContaining(['Dots', 'x', 'y']));
    expect(markPaths(svg, 'symbol')).toBe(4);
  });

  test('hist: one rect per bin, count axis', () => {
    const xs = Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 10);
    const b = renderChart({ kind: 'hist', xs, bins: 20, title: 'Sines' });
    expect(b['text/plain']).toBe('<histogram "Sines": 1000 values in 20 bins>');
    const svg = b['image/svg+xml'] as string;
    // vega writes negative numbers with U+2212 MINUS SIGN.
    expect(texts(svg)).toEqual(expect.arrayContaining(['Sines', 'value', 'count', '0', '\u221210', '10']));
    expect(markPaths(svg, 'rect')).toBe(20);
  });

  test('bar: one rect per bar, labels on the axis', () => {
    const b = renderChart({ kind: 'bar', labels: ['apples', 'pears', 'plums'], values: [3, 7, 5], title: 'Fruit' });
    expect(b['text/plain']).toBe('<bar chart "Fruit": 3 bars>');
    const svg = b['image/svg+xml'] as string;
    expect(texts(svg)).toEqual(expect.arrayContaining(['Fruit', 'apples', 'pears', 'plums', 'value', '0', '6']));
    expect(markPaths(svg, 'rect')).toBe(3);
  });

  test('title text is escaped in the SVG', () => {
    const svg = renderChart({ kind: 'bar', labels: ['a'], values: [1], title: 'x < y & "z"' })[
      'image/svg+xml'
    ] as string;
    expect(svg).toContain('x &lt; y &amp; &quot;z&quot;');
  });

  test('empty data: an empty chart, no error', () => {
    for (const chart of [
      { kind: 'line', xs: [], ys: [], title: 'E' },
      { kind: 'scatter', xs: [], ys: [], title: 'E' },
      { kind: 'hist', xs: [], bins: 4, title: 'E' },
      { kind: 'bar', labels: [], values: [], title: 'E' },
    ] as Chart[]) {
      const b = renderChart(chart);
      expect(b['image/svg+xml']).toMatch(/^<svg /);
      expect(texts(b['image/svg+xml'] as string)).toContain('E');
    }
  });

  test('a render error is reported, not thrown, and the worker carries on', () => {
    const out = renderSvgSync({ mark: 'no-such-mark', data: { values: [] } });
    expect('error' in out && out.error).toMatch(/\S/);
    expect(renderChart({ kind: 'bar', labels: ['a'], values: [1], title: 't' })['image/svg+xml']).toMatch(/^<svg /);
  });

  test('a timeout throws, and the next chart gets a new worker', () => {
    const t0 = Date.now();
    const e = thrown(() => _sleepPlotWorker(5_000, 200));
    expect(e.message).toMatch(/timed out after 0\.2 s/);
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(renderChart({ kind: 'bar', labels: ['a'], values: [1], title: 't' })['image/svg+xml']).toMatch(/^<svg /);
  });

  test('a large SVG comes back whole', () => {
    const xs = Array.from({ length: 20_000 }, (_, i) => i);
    const svg = renderChart({ kind: 'scatter', xs, ys: xs.map((x) => Math.sin(x)), title: 'big' })[
      'image/svg+xml'
    ] as string;
    expect(svg.length).toBeGreaterThan(1_000_000);
    expect(markPaths(svg, 'symbol')).toBe(20_000);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  });
});
