// Runtime errors in a row (issue 12): 1,000 of each kind — ZeroDivisionError, IndexError,
// RecursionError, a fault inside a C function — in one engine. Prints the RSS growth over
// the run beside its target, and whether the session is intact afterwards.
// node dist/bench/soak/errors.js [errors of each kind=1000]
import { executeOrFail, fail, kilnSession } from '../util';
import { verdict } from './engine-figures';

const perKind = Number(process.argv[2] ?? 1000);
const rssMB = (): number => process.memoryUsage().rss / 2 ** 20;
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const KINDS: [cell: string, error: RegExp][] = [
  ['divide(7, 0)', /^ZeroDivisionError$/],
  ['pick([1, 2, 3], 10)', /^IndexError$/],
  ['down(0)', /^RecursionError$/],
  ['strlen(8)', /^RuntimeError$/], // strlen reads address 8: SIGSEGV inside C
];

async function main(): Promise<void> {
  const { session } = kilnSession();
  executeOrFail(
    session,
    `fn divide(a: int, b: int) -> int { return a / b }
fn pick(a: [int], i: int) -> int { return a[i] }
fn down(n: int) -> int { return down(n + 1) + 1 }
extern fn strlen(p: int) -> int
let survivor = [1, 2, 3]`,
    1,
    'errors',
  );
  let cell = 2;
  const round = async (count: number): Promise<void> => {
    for (let i = 0; i < count; i++) {
      for (const [code, expected] of KINDS) {
        const outcome = session.execute(code, cell++);
        if (outcome.status !== 'error' || !expected.test(outcome.ename)) fail(`${code} gave ${JSON.stringify(outcome).slice(0, 200)}`);
      }
      await nextTurn();
    }
  };
  await round(Math.min(50, perKind)); // warm-up: every path has run once
  const startRss = rssMB();
  await round(perKind);
  const endRss = rssMB();
  {
    const intact = executeOrFail(session, 'push(survivor, 4)\nlen(survivor) + divide(10, 2)', cell, 'errors');
    const ok = intact === '9';
    const label = `${perKind.toLocaleString('en-US')} runtime errors of each of ${KINDS.length} kinds`;
    console.log(`${label}: RSS ${startRss.toFixed(0)} -> ${endRss.toFixed(0)} MB, growth ${(endRss - startRss).toFixed(1)} MB (target <= 10 MB)${verdict(endRss - startRss <= 10)}`);
    console.log(`${label}: session intact afterwards: ${ok ? 'yes' : `no (${intact})`} (target yes)${verdict(ok)}`);
    if (!ok) process.exitCode = 1;
  }
}

void main();
