#include <stdio.h>
static long mandelbrot(long w, long h, long maxIter) {
    long total = 0;
    for (long py = 0; py < h; py++) {
        double cy = -1.5 + 3.0 * py / h;
        for (long px = 0; px < w; px++) {
            double cx = -2.0 + 3.0 * px / w;
            double x = 0.0, y = 0.0;
            long i = 0;
            while (i < maxIter && x * x + y * y <= 4.0) {
                double xt = x * x - y * y + cx;
                y = 2.0 * x * y + cy;
                x = xt;
                i += 1;
            }
            total += i;
        }
    }
    return total;
}
int main(void) { printf("%ld\n", mandelbrot(1200, 800, 400)); return 0; }
