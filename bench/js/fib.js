// fib(n) (default 38); prints the result on stdout and "#time <ms>" (compute only) on stderr.
'use strict';
function fib(n) {
  if (n < 2) return n;
  return fib(n - 1) + fib(n - 2);
}
const n = Number(process.argv[2] ?? 38);
const t0 = performance.now();
const r = fib(n);
const ms = performance.now() - t0;
console.log(r);
console.error(`#time ${ms}`);
