// fib(38) in C with the guarantees a Kiln call keeps, laid out in different ways, to learn
// what each costs under gcc's and clang's recursive optimisations (docs/decisions.md, "What
// a call's guarantees cost"). Not part of `npm run bench`. Build and time, e.g.:
//   for l in 0 1 2 3; do gcc -O2 -DLAYOUT=$l -o /tmp/fib-$l bench/c/fib-guarded.c; done
//   time /tmp/fib-1
// LAYOUT 0: Kiln's (depth check and interrupt poll at entry, location store before the calls)
//        1: the caller checks the depth; poll at entry; location store
//        2: the caller checks the depth; location store; no poll
//        3: the caller checks the depth; nothing else
#include <stdio.h>
#include <stdlib.h>
#ifndef LAYOUT
#define LAYOUT 0
#endif
#define LIMIT 10000
volatile int interrupt_word;
int locations[LIMIT + 2];
__attribute__((noreturn, noinline)) static void raise_error(long depth) {
  printf("error at depth %ld\n", depth);
  exit(1);
}
static long fib(long depth, long n) {
#if LAYOUT == 0
  if (__builtin_expect(depth > LIMIT, 0)) raise_error(depth);
#endif
#if LAYOUT <= 1
  if (__builtin_expect(interrupt_word != 0, 0)) raise_error(-depth);
#endif
  if (n < 2) return n;
#if LAYOUT <= 2
  locations[depth] = 7;
#endif
#if LAYOUT >= 1
  if (__builtin_expect(depth >= LIMIT, 0)) raise_error(depth);
#endif
  return fib(depth + 1, n - 1) + fib(depth + 1, n - 2);
}
int main(int argc, char** argv) {
  long n = argc > 1 ? atol(argv[1]) : 38;
  printf("%ld\n", fib(1, n));
  return 0;
}
