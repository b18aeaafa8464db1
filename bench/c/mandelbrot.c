#include <stdio.h>
#include <stdlib.h>
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
int main(int argc, char **argv) {
    long w = argc > 1 ? atol(argv[1]) : 1200, h = argc > 2 ? atol(argv[2]) : 800, maxIter = argc > 3 ? atol(argv[3]) : 400;
    printf("%ld\n", mandelbrot(w, h, maxIter));
    return 0;
}
