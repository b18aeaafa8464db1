// bench/display-client.py, the display_data throughput reader of `npm run bench`, against the
// real kernels: it counts what arrived, and it fails the run on a wrong, missing or extra
// output. No timing is asserted. Needs the build: npx tsc -p tsconfig.json.
import { execFile } from 'child_process';
import * as path from 'path';
import { kernelDisplay } from '../bench/kernel-io';
import { PYTHON } from '../bench/workloads';
import { REPO, startKernel, type RunningKernel } from './support/client';

const CLIENT = path.join(REPO, 'bench', 'display-client.py');

function displayClient(k: RunningKernel, template: string, displays: number): Promise<{ ok: boolean; out: string }> {
  return new Promise((resolve) =>
    execFile(PYTHON, [CLIENT, k.file, template, String(displays), '1'], { timeout: 60_000 }, (err, stdout, stderr) => resolve({ ok: !err, out: `${stdout}${stderr}` })),
  );
}

test('Kiln and ipykernel: every run is timed from the request to idle, all displays checked', async () => {
  const [kiln, ipykernel] = [await kernelDisplay('kiln', 300, 2), await kernelDisplay('ipykernel', 30, 1)];
  expect([kiln.kernel, kiln.displays, kiln.runs.length, ipykernel.kernel, ipykernel.displays, ipykernel.runs.length]).toEqual(['kiln', 300, 2, 'ipykernel', 30, 1]);
  for (const r of [kiln, ipykernel]) {
    expect(r.bestMs).toBeGreaterThan(0);
    expect(r.perSec).toBeCloseTo((r.displays / r.bestMs) * 1000);
  }
}, 120_000);

describe('the reader fails the run', () => {
  let k: RunningKernel;
  beforeAll(async () => {
    k = await startKernel();
    k.client.iopub.unsubscribe();
  }, 30_000);
  afterAll(() => k.stop());

  test('on the right outputs it reports one run', async () => {
    const { ok, out } = await displayClient(k, 'for i in 0..{n} { html("<b>" + str(i) + "</b>") }', 50);
    expect(ok).toBe(true);
    expect((JSON.parse(out) as { runs_ms: number[] }).runs_ms).toHaveLength(1);
  }, 60_000);

  test.each([
    ['a wrong display', 'for i in 0..{n} { html("<b>" + str(i + 1) + "</b>") }', 'display-client: message 0 shows {"text/html": "<b>1</b>"}'],
    ['a missing display', 'for i in 0..{n} { if i != 7 { html("<b>" + str(i) + "</b>") } }', 'display-client: message 7 shows {"text/html": "<b>8</b>"}'],
    ['too few displays', 'for i in 0..{n} { if i < 4 { html("<b>" + str(i) + "</b>") } }', 'display-client: 4 of 10 display_data reached iopub before idle'],
    ['other output', 'for i in 0..{n} { html("<b>" + str(i) + "</b>") }\nprint("x")', 'display-client: unexpected stream {"name": "stdout", "text": "x\\n"}'],
  ])('on %s', async (_what, template, message) => {
    const { ok, out } = await displayClient(k, template, 50);
    expect([ok, out.trim()]).toEqual([false, message]);
  }, 60_000);
});
