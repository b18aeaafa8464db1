import { formatDuration, ProgressBar, progressText } from '../kernel/engine/display/progress';

function fakeClock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1000;
  return { now: () => t, advance: (ms) => (t += ms) };
}

const text = (u: ReturnType<ProgressBar['update']>): string | undefined => u?.bundle['text/plain'] as string | undefined;

describe('progressText', () => {
  test('exact strings', () => {
    expect(progressText(0, 10, 0)).toBe('[          ] 0%');
    expect(progressText(5, 10, 1200)).toBe('[#####     ] 50% 1.2s left');
    expect(progressText(1, 3, 500)).toBe('[###       ] 33% 1.0s left');
    expect(progressText(999, 1000, 9990)).toBe('[######### ] 99% 0.0s left');
    expect(progressText(10, 10, 3456)).toBe('[##########] 100% done in 3.5s');
  });

  test('durations', () => {
    expect(formatDuration(0)).toBe('0.0s');
    expect(formatDuration(59_900)).toBe('59.9s');
    expect(formatDuration(59_960)).toBe('1m00s');
    expect(formatDuration(245_000)).toBe('4m05s');
    expect(formatDuration(3_720_000)).toBe('1h02m');
  });
});

describe('ProgressBar', () => {
  test('first draw, throttling to 10 a second, and 100 %', () => {
    const c = fakeClock();
    const bar = new ProgressBar(c.now);
    const u0 = bar.update(0, 100);
    expect(u0?.first).toBe(true);
    expect(text(u0)).toBe('[          ] 0%');
    expect(u0?.bundle['text/html']).toContain('<progress value="0" max="100"');

    // Calls within 100 ms draw nothing.
    c.advance(50);
    expect(bar.update(1, 100)).toBeUndefined();
    c.advance(49);
    expect(bar.update(2, 100)).toBeUndefined();

    // 100 ms after the last draw: redraw, not first.
    c.advance(1);
    const u1 = bar.update(10, 100);
    expect(u1?.first).toBe(false);
    expect(text(u1)).toBe('[#         ] 10% 0.9s left'); // 100 ms for 10 → 900 ms for 90

    c.advance(400);
    const u2 = bar.update(50, 100);
    expect(text(u2)).toBe('[#####     ] 50% 0.5s left');
    expect(u2?.bundle['text/html']).toBe(
      '<div style="display:flex;align-items:center;gap:0.5em;font-family:monospace">' +
        '<progress value="50" max="100" style="width:20em">50% 0.5s left</progress>' +
        '<span>50% 0.5s left</span></div>',
    );

    // 100 % is drawn at once, even inside the 100 ms window, and only once.
    c.advance(10);
    const u3 = bar.update(100, 100);
    expect(u3?.first).toBe(false);
    expect(text(u3)).toBe('[##########] 100% done in 0.5s');
    c.advance(500);
    expect(bar.update(100, 100)).toBeUndefined();
  });

  test('cheap in a loop: ~10 draws a second', () => {
    const c = fakeClock();
    const bar = new ProgressBar(c.now);
    let draws = 0;
    for (let i = 0; i <= 100_000; i++) {
      if (bar.update(i, 100_000)) draws++;
      c.advance(0.02); // 100,000 iterations in 2 s
    }
    expect(draws).toBeGreaterThanOrEqual(20);
    expect(draws).toBeLessThanOrEqual(22); // first + 19-20 timed + the 100 %
  });

  test('no redraw when the text would not change', () => {
    const c = fakeClock();
    const bar = new ProgressBar(c.now);
    bar.update(0, 10);
    c.advance(1000);
    expect(bar.update(0, 10)).toBeUndefined();
  });

  test('clamping and errors', () => {
    const c = fakeClock();
    const bar = new ProgressBar(c.now);
    expect(text(bar.update(-5, 10))).toBe('[          ] 0%');
    c.advance(200);
    expect(text(bar.update(50, 10))).toBe('[##########] 100% done in 0.2s');
    for (const total of [0, -1]) {
      let err: Error | undefined;
      try {
        bar.update(1, total);
      } catch (e) {
        err = e as Error;
      }
      expect(err?.name).toBe('ValueError');
      expect(err?.message).toBe(`progress: total must be positive, got ${total}`);
    }
  });

  test('a new loop in the same cell starts the estimate over', () => {
    const c = fakeClock();
    const bar = new ProgressBar(c.now);
    bar.update(0, 10);
    c.advance(1000);
    expect(text(bar.update(10, 10))).toBe('[##########] 100% done in 1.0s');
    c.advance(5000);
    const again = bar.update(0, 10);
    expect(again?.first).toBe(false);
    expect(text(again)).toBe('[          ] 0%');
    c.advance(200);
    expect(text(bar.update(2, 10))).toBe('[##        ] 20% 0.8s left');
  });

  test('no estimate from one point: the first call after the start shows none', () => {
    const c = fakeClock();
    const bar = new ProgressBar(c.now);
    expect(text(bar.update(1, 4))).toBe('[##        ] 25%');
    c.advance(300);
    expect(text(bar.update(2, 4))).toBe('[#####     ] 50% 0.6s left'); // 300 ms per unit since the first call
  });

  test('finish draws the last state once, including a call the runtime kept from JS', () => {
    const c = fakeClock();
    const bar = new ProgressBar(c.now);
    bar.update(0, 10);
    c.advance(20);
    expect(bar.update(3, 10)).toBeUndefined(); // within 100 ms of the first draw
    const last = bar.finish();
    expect(last?.first).toBe(false);
    expect(text(last)).toBe('[###       ] 30% 0.0s left');
    expect(bar.finish()).toBeUndefined();
    expect(text(bar.finish([4, 10, c.now() + 30]))).toBe('[####      ] 40% 0.1s left');
    expect(new ProgressBar(c.now).finish()).toBeUndefined();
  });
});
