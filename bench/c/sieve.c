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
int main(void) {
    long primes = 0;
    for (int round = 0; round < 10; round++) primes = sieve(2000000);
    printf("%ld\n", primes);
    return 0;
}
