# sieve(n) repeated `rounds` times (default 2000000 10): the number of primes <= n.
# Plain loops over a list, as written in Kiln (no slice-assignment tricks).
import sys
import time


def sieve(n):
    composite = [0] * (n + 1)
    count = 0
    for i in range(2, n + 1):
        if composite[i] == 0:
            count += 1
            j = i * i
            while j <= n:
                composite[j] = 1
                j += i
    return count


n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000000
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 10
t0 = time.perf_counter()
primes = 0
for _ in range(rounds):
    primes = sieve(n)
ms = (time.perf_counter() - t0) * 1000
print(primes)
print(f"#time {ms}", file=sys.stderr)
