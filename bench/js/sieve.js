// sieve(n) repeated `rounds` times (default 2000000 10): the number of primes <= n.
// Like the Kiln and C versions, the array holds 64-bit words (one per number).
'use strict';
function sieve(n) {
  const composite = new Float64Array(n + 1);
  let count = 0;
  for (let i = 2; i < n + 1; i++) {
    if (composite[i] === 0) {
      count += 1;
      for (let j = i * i; j <= n; j += i) composite[j] = 1;
    }
  }
  return count;
}
const n = Number(process.argv[2] ?? 2000000);
const rounds = Number(process.argv[3] ?? 10);
const t0 = performance.now();
let primes = 0;
for (let round = 0; round < rounds; round++) primes = sieve(n);
const ms = performance.now() - t0;
console.log(primes);
console.error(`#time ${ms}`);
