#include <stdio.h>
#include <stdlib.h>
static long sieve(long n) {
    long *composite = calloc(n + 1, sizeof(long));
    long count = 0;
    for (long i = 2; i < n + 1; i++) {
        if (composite[i] == 0) {
            count += 1;
            for (long j = i * i; j <= n; j += i) composite[j] = 1;
        }
    }
    free(composite);
    return count;
}
int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 2000000, rounds = argc > 2 ? atol(argv[2]) : 10;
    long primes = 0;
    for (long round = 0; round < rounds; round++) primes = sieve(n);
    printf("%ld\n", primes);
    return 0;
}
