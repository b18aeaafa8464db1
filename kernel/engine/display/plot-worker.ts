// The plot worker: renders Vega-Lite specs to SVG with vega + vega-lite, for the
// synchronous `renderChart` in plots.ts. It is started by the first chart, once, and
// kept for the life of the process (unref'd, so it never keeps the process alive).
//
// Protocol (see plots.ts for the caller's side):
//  - workerData = { flag: SharedArrayBuffer (one Int32), port: MessagePort }.
//  - A request arrives on parentPort: { seq, kind: 'render', spec } (or, for tests,
//    { seq, kind: 'sleep', ms }, which blocks this thread for `ms`).
//  - The reply { seq, svg } or { seq, error } is posted on `port`; then `seq` is stored
//    in flag[0] and flag[0] is notified. The caller, blocked in Atomics.wait, wakes up
//    and takes the reply off the port with receiveMessageOnPort. The message travels
//    by structured clone, so there is no size limit (large SVGs need no buffer sizing).
//
// vega and vega-lite are ESM-only with top-level await: this file compiles to CommonJS
// (tsconfig "module": "node20"), where `await import()` stays a real dynamic import.
// Text measurement: vega-canvas tries `import('canvas')`; without the `canvas` package
// (not installed) vega estimates text widths from character counts, which is fine for
// axis layout and needs no native dependency.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';

export type PlotRequest =
  | { seq: number; kind: 'render'; spec: object }
  | { seq: number; kind: 'sleep'; ms: number };

export type PlotReply = { seq: number; svg: string } | { seq: number; error: string };

export interface PlotWorkerData {
  flag: SharedArrayBuffer;
  port: MessagePort;
}

type Vega = typeof import('vega');
type VegaLite = typeof import('vega-lite');

let libs: Promise<{ vega: Vega; vl: VegaLite }> | undefined;

function load(): Promise<{ vega: Vega; vl: VegaLite }> {
  libs ??= (async () => {
    const [vega, vl] = await Promise.all([import('vega'), import('vega-lite')]);
    return { vega, vl };
  })();
  return libs;
}

async function render(spec: object): Promise<string> {
  const { vega, vl } = await load();
  // vega-lite's compile wants its own TopLevelSpec type; the spec comes from chartSpec().
  const compiled = vl.compile(spec as Parameters<VegaLite['compile']>[0]).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  view.logLevel(vega.Error);
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

function errorText(e: unknown): string {
  if (e instanceof Error) return e.message || e.name;
  return String(e);
}

if (parentPort) {
  const { flag, port } = workerData as PlotWorkerData;
  const cell = new Int32Array(flag);
  const reply = (r: PlotReply): void => {
    port.postMessage(r);
    Atomics.store(cell, 0, r.seq);
    Atomics.notify(cell, 0);
  };
  parentPort.on('message', (req: PlotRequest) => {
    if (req.kind === 'sleep') {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, req.ms);
      reply({ seq: req.seq, svg: '' });
      return;
    }
    render(req.spec).then(
      (svg) => reply({ seq: req.seq, svg }),
      (e: unknown) => reply({ seq: req.seq, error: errorText(e) }),
    );
  });
}
