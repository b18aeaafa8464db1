# mandelbrot(w, h, maxIter) (default 1200 800 400): total iterations over the grid.
import sys
import time


def mandelbrot(w, h, max_iter):
    total = 0
    for py in range(h):
        cy = -1.5 + 3.0 * py / h
        for px in range(w):
            cx = -2.0 + 3.0 * px / w
            x = 0.0
            y = 0.0
            i = 0
            while i < max_iter and x * x + y * y <= 4.0:
                xt = x * x - y * y + cx
                y = 2.0 * x * y + cy
                x = xt
                i += 1
            total += i
    return total


args = [int(a) for a in sys.argv[1:4]] + [1200, 800, 400][len(sys.argv) - 1:]
t0 = time.perf_counter()
r = mandelbrot(*args)
ms = (time.perf_counter() - t0) * 1000
print(r)
print(f"#time {ms}", file=sys.stderr)
