// Interrupt everywhere (issue 12), in one engine: during the compile of a 20,000-line
// cell, inside nested eval, and in a loop of C calls after a C function faulted and the
// session recovered. A helper thread sets the interrupt flag (as the kernel's main thread
// does) and records when; each line prints the time from then to KeyboardInterrupt, with
// the target beside it, and whether the session is intact afterwards.
// node dist/bench/soak/interrupt-engine.js
import { Worker } from 'node:worker_threads';
import { interruptStores, newInterruptWords } from '../../kernel/engine/interrupt-word';
import { INTERRUPT_REQUESTED } from '../../kernel/engine/runtime-abi';
import { Session } from '../../kernel/engine/session';
import { fail } from '../util';
import { verdict } from './engine-figures';

const flag = newInterruptWords();
const setAt = new Float64Array(new SharedArrayBuffer(8));
const session = new Session({ output: () => undefined, input: () => fail('unexpected input()') }, { interruptFlag: flag });
let cellNumber = 0;
const worst: number[] = [];

/** Runs `code` with an interrupt `afterMs` into it; returns seconds from the interrupt to the end. */
function interruptAfter(code: string, afterMs: number): number {
  setAt[0] = 0;
  const setter = new Worker(
    `const { workerData: [flag, stores, setAt, ms] } = require('node:worker_threads');
     setTimeout(() => {
       setAt[0] = performance.timeOrigin + performance.now();
       for (const [element, value] of stores) Atomics.store(flag, element, value);
     }, ms);`,
    { eval: true, workerData: [flag, interruptStores(INTERRUPT_REQUESTED), setAt, afterMs] },
  );
  const outcome = session.execute(code, ++cellNumber);
  const ended = performance.timeOrigin + performance.now();
  void setter.terminate();
  if (outcome.status !== 'error' || outcome.ename !== 'KeyboardInterrupt') fail(`expected KeyboardInterrupt, got ${JSON.stringify(outcome).slice(0, 300)}`);
  if (setAt[0] === 0) fail('the cell ended before the interrupt was sent');
  return (ended - setAt[0]) / 1000;
}

function intact(): boolean {
  const outcome = session.execute('kept + 1', ++cellNumber);
  return outcome.status === 'ok' && outcome.result?.['text/plain'] === '42';
}

function report(what: string, latencies: number[]): void {
  const max = Math.max(...latencies);
  worst.push(max);
  const ok = intact();
  console.log(`interrupt ${what}: KeyboardInterrupt after ${max.toFixed(2)} s at most over ${latencies.length} tries (target <= 1 s), session intact: ${ok ? 'yes' : 'no'}${verdict(max <= 1 && ok)}`);
  if (!ok) process.exitCode = 1;
}

session.execute('let kept = 41\nextern fn strlen(p: int) -> int\nextern fn labs(x: int) -> int', ++cellNumber);

const bigCell = ['let acc = 0', ...Array.from({ length: 20000 }, (_, i) => `acc = acc + ${i % 7}`), 'acc'].join('\n');
report('during the compile of a 20,000-line cell', [100, 300, 600, 900, 1200].map((ms) => interruptAfter(bigCell, ms)));

report('inside eval', [300, 600].map((ms) => interruptAfter('eval("while true { }")', ms)));
report('inside eval inside eval', [300, 600].map((ms) => interruptAfter('eval("eval(\\"let n = 0\\nwhile true { n += 1 }\\")")', ms)));

const faulted = session.execute('strlen(8)', ++cellNumber);
if (faulted.status !== 'error' || faulted.ename !== 'RuntimeError') fail(`strlen(8) should fault: ${JSON.stringify(faulted).slice(0, 200)}`);
report('in a loop of C calls after a C fault', [300, 600].map((ms) => interruptAfter('let t = 0\nwhile true { t += labs(-3) }', ms)));

if (Math.max(...worst) > 1) process.exitCode = 1;
