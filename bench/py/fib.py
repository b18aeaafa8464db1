# fib(n) (default 38); prints the result on stdout and "#time <ms>" (compute only) on stderr.
import sys
import time


def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


n = int(sys.argv[1]) if len(sys.argv) > 1 else 38
sys.setrecursionlimit(10000)
t0 = time.perf_counter()
r = fib(n)
ms = (time.perf_counter() - t0) * 1000
print(r)
print(f"#time {ms}", file=sys.stderr)
