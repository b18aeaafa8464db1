// docs/benchmarks.svg: Kiln's run time over the faster C compiler's, one bar per workload,
// with its issue-16 target marked, drawn by Kiln's own chart renderer (vega on the plot
// worker, kernel/engine/display/plots.ts).
import { renderSvgSync, VEGALITE_SCHEMA } from '../kernel/engine/display/plots';
import type { BenchResults } from './results';
import { workloadVsC } from './targets';

const MET = '#3a8f4b';
const MISSED = '#d0453b';

/** The Vega-Lite spec of the chart, with its data inline. */
export function benchmarkChartSpec(r: BenchResults): object {
  const values = r.workloads.map((w) => {
    const v = workloadVsC(w);
    const limit = v.limit ?? 1;
    return {
      workload: w.full.label,
      ratio: Number(v.ratio.toFixed(2)),
      target: limit,
      verdict: v.ratio <= limit ? 'met' : 'missed',
      // The label sits right of the bar or of the target mark, whichever is further right.
      labelAt: Math.max(v.ratio, limit),
      label: `${v.ratio.toFixed(2)}× (≤ ${limit.toFixed(1)}×, vs ${v.compiler})`,
    };
  });
  const y = { field: 'workload', type: 'nominal', sort: null, title: null, axis: { labelFontSize: 12, labelLimit: 400 } };
  const xMax = Math.max(1.5, ...values.map((v) => v.labelAt)) * 1.45;
  return {
    $schema: VEGALITE_SCHEMA,
    title: {
      text: "Kiln's run time / the faster C compiler's (gcc -O2 or clang-14 -O2)",
      subtitle: `best of ${r.runs} runs each; lower is better; black mark: issue 16 target; ${r.machine.date.slice(0, 10)}, ${r.machine.cores} cores, load ${r.machine.loadAvgAtStart[0]}`,
      anchor: 'start',
    },
    width: 520,
    height: { step: 34 },
    data: { values },
    encoding: { y },
    layer: [
      {
        name: 'bars',
        mark: { type: 'bar', height: { band: 0.7 } },
        encoding: {
          x: { field: 'ratio', type: 'quantitative', title: 'Kiln time / C time', scale: { domain: [0, xMax], nice: false } },
          color: { field: 'verdict', type: 'nominal', title: 'target', scale: { domain: ['met', 'missed'], range: [MET, MISSED] } },
        },
      },
      { name: 'targets', mark: { type: 'tick', color: 'black', thickness: 3, size: 30 }, encoding: { x: { field: 'target', type: 'quantitative' } } },
      { name: 'labels', mark: { type: 'text', align: 'left', dx: 5, fontSize: 11 }, encoding: { x: { field: 'labelAt', type: 'quantitative' }, text: { field: 'label' } } },
    ],
  };
}

/** The chart as SVG; throws if the renderer reports an error. */
export function renderBenchmarkChart(r: BenchResults): string {
  const out = renderSvgSync(benchmarkChartSpec(r));
  if ('error' in out) throw new Error(`benchmark chart: ${out.error}`);
  return out.svg;
}
