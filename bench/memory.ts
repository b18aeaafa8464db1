// Peak RSS of a cell that allocates 10 million short-lived arrays. Run as its own process
// (node dist/bench/memory.js [count]) so the peak is this cell's alone; prints one JSON line.
import { readFileSync } from 'fs';
import { compileOrFail, fail, kilnSession, runOrFail } from './util';

const count = Number(process.argv[2] ?? 10_000_000);
// VmHWM, the peak of this process's own memory: getrusage's maxRSS survives exec on Linux,
// so it would start at the parent's RSS at fork (the bench, after its data workloads).
const maxRssMB = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) / 1024;

const { session, state } = kilnSession();
// Warm the engine (LLVM, the JIT, the GC) so the baseline is a session ready to run.
runOrFail(session, compileOrFail(session, 'let warm = [1, 2, 3]\nprint(len(warm))', 1, 'memory'), 'memory');
state.stdout = '';
const baselineMB = maxRssMB();
const gcBefore = session.native.gcStats();
const code = `fn mk(i: int) -> [int] {
    return [i, i + 1, i + 2, i + 3]
}
let total = 0
for i in 0..${count} {
    let a = mk(i)
    total += a[3]
}
print(total)`;
const compiled = compileOrFail(session, code, 2, 'memory');
const { ms } = runOrFail(session, compiled, 'memory');
const expected = (BigInt(count) * BigInt(count - 1)) / 2n + 3n * BigInt(count);
if (state.stdout.trim() !== String(expected)) fail(`memory cell printed ${state.stdout.trim()}, expected ${expected}`);
const gc = session.native.gcStats();
console.log(
  JSON.stringify({
    arrays: count,
    elementsPerArray: 4,
    ms,
    baselineMB,
    peakMB: maxRssMB(),
    gcHeapMB: gc.heapBytes / 2 ** 20,
    collections: gc.collections - gcBefore.collections,
    allocatedMB: (count * (24 + 4 * 8)) / 2 ** 20, // 24-byte KilnArray header + a 32-byte data block
  }),
);
