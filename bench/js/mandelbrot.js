// mandelbrot(w, h, maxIter) (default 1200 800 400): total iterations over the grid.
'use strict';
function mandelbrot(w, h, maxIter) {
  let total = 0;
  for (let py = 0; py < h; py++) {
    const cy = -1.5 + (3.0 * py) / h;
    for (let px = 0; px < w; px++) {
      const cx = -2.0 + (3.0 * px) / w;
      let x = 0.0;
      let y = 0.0;
      let i = 0;
      while (i < maxIter && x * x + y * y <= 4.0) {
        const xt = x * x - y * y + cx;
        y = 2.0 * x * y + cy;
        x = xt;
        i += 1;
      }
      total += i;
    }
  }
  return total;
}
const [w, h, maxIter] = [process.argv[2] ?? 1200, process.argv[3] ?? 800, process.argv[4] ?? 400].map(Number);
const t0 = performance.now();
const r = mandelbrot(w, h, maxIter);
const ms = performance.now() - t0;
console.log(r);
console.error(`#time ${ms}`);
