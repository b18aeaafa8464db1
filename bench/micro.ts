// In-process engine measures: compile time, JIT -> JS callbacks, print throughput to the
// host, eval rate. Each checks what the code did (counts, results) and fails loudly if not.
import { loadNative } from '../kernel/engine/native';
import { collectGarbage, compileOrFail, executeOrFail, fail, kilnSession, median, now, quantile, runOrFail } from './util';

export interface CompileResult {
  /** What was compiled: 'one-function cell' (also when absent: results of earlier runs), '50-function cell'. */
  cell?: string;
  optLevel: number;
  medianMs: number;
  p90Ms: number;
  samples: number;
  /** Medians of the parts: LLVM addModule (parse IR, verify, optimize), lookup (codegen, link), the rest (front end, lowering). */
  addModuleMs: number;
  lookupMs: number;
  restMs: number;
}

/** Times calls to native.addModule / native.lookup and lookupAll (both counted as lookup)
 *  while fn runs (the addon object is shared; restored after). */
function withNativeTimers<T>(native: Record<string, unknown>, fn: (t: { addModule: number; lookup: number }) => T): T {
  const saved = { addModule: native.addModule, lookup: native.lookup, lookupAll: native.lookupAll };
  const t = { addModule: 0, lookup: 0 };
  for (const name of ['addModule', 'lookup', 'lookupAll'] as const) {
    const orig = saved[name] as (...a: unknown[]) => unknown;
    const part = name === 'addModule' ? 'addModule' : 'lookup';
    native[name] = (...args: unknown[]) => {
      const t0 = now();
      try {
        return orig.apply(native, args);
      } finally {
        t[part] += now() - t0;
      }
    };
  }
  try {
    return fn(t);
  } finally {
    Object.assign(native, saved);
  }
}

/** A small cell with one function: what a user re-runs while editing it. */
export const COMPILE_CELL = `/// Sum of squares modulo 7 below x.
fn poly(x: int) -> int {
    let s = 0
    for i in 0..x {
        s += i * i % 7
    }
    return s
}
poly(10)`;

/** A cell of `count` small distinct functions and one expression calling each, and the
 *  value it shows: what a user re-runs after editing a cell of helpers. */
export function manyFunctionsCell(count: number): { code: string; expected: string } {
  const fns: string[] = [];
  const calls: string[] = [];
  let expected = 0;
  for (let k = 0; k < count; k++) {
    fns.push(`fn f${k}(x: int) -> int {
    let y = x * ${k + 2} % 1000
    if y > 500 {
        return y - ${k}
    }
    return y + ${k}
}`);
    calls.push(`f${k}(${k + 1})`);
    const y = ((k + 1) * (k + 2)) % 1000;
    expected += y > 500 ? y - k : y + k;
  }
  return { code: `${fns.join('\n')}\n${calls.join(' + ')}`, expected: String(expected) };
}

/** Median compile time (parse, check, lower, LLVM at optLevel, JIT materialisation) of a
 *  cell re-run in a warm session; the first compile's run must show `expected`. */
export function compileTime(optLevel: number, samples = 50, warmup = 5, cell = { label: 'one-function cell', code: COMPILE_CELL, expected: '19' }): CompileResult {
  const { session } = kilnSession();
  session.optLevel = optLevel;
  const times: number[] = [];
  const parts = { addModule: [] as number[], lookup: [] as number[], rest: [] as number[] };
  const what = `compile time, ${cell.label}`;
  withNativeTimers(session.native as unknown as Record<string, unknown>, (t) => {
    for (let i = 0; i < warmup + samples; i++) {
      t.addModule = t.lookup = 0;
      const compiled = compileOrFail(session, cell.code, i + 1, what);
      if (i === 0) {
        const shown = runOrFail(session, compiled, what).result;
        if (shown !== cell.expected) fail(`${what}: the cell showed ${shown}, expected ${cell.expected}`);
      }
      if (i < warmup) continue;
      times.push(compiled.compileMs);
      parts.addModule.push(t.addModule);
      parts.lookup.push(t.lookup);
      parts.rest.push(compiled.compileMs - t.addModule - t.lookup);
    }
  });
  return {
    cell: cell.label,
    optLevel,
    medianMs: median(times),
    p90Ms: quantile(times, 0.9),
    samples,
    addModuleMs: median(parts.addModule),
    lookupMs: median(parts.lookup),
    restMs: median(parts.rest),
  };
}

/** compileTime of a cell of 50 functions (manyFunctionsCell). */
export function compileTimeMany(optLevel: number, samples = 20, warmup = 3): CompileResult {
  const { code, expected } = manyFunctionsCell(50);
  return compileTime(optLevel, samples, warmup, { label: '50-function cell', code, expected });
}

export interface CallbackResult {
  path: string;
  calls: number;
  ms: number;
  perSec: number;
}

/** Raw path: a hand-written IR loop calling kiln_clear_output() (no arguments) into a JS no-op host. */
export function rawCallbacks(calls = 3_000_000): CallbackResult {
  const n = loadNative();
  n.createJit();
  let count = 0;
  n.setHost(() => {
    count++;
    return undefined;
  });
  const ir = `declare void @kiln_clear_output()
define void @bench_callbacks() {
entry:
  br label %loop
loop:
  %i = phi i64 [0, %entry], [%i1, %loop]
  call void @kiln_clear_output()
  %i1 = add i64 %i, 1
  %c = icmp slt i64 %i1, ${calls}
  br i1 %c, label %loop, label %done
done:
  ret void
}`;
  n.addModule(ir, 2, false);
  const addr = n.lookup('bench_callbacks');
  const t0 = now();
  const out = n.run(addr);
  const ms = now() - t0;
  n.createJit(); // leave no hand-written code (or host) behind for the sessions that follow
  if (!out.ok || count !== calls) fail(`raw callbacks: ${JSON.stringify(out)}, ${count} of ${calls} calls reached the host`);
  return { path: 'raw: JIT loop → kiln_clear_output() → no-op JS host (addon only)', calls, ms, perSec: (calls / ms) * 1000 };
}

/** Through the engine: a Kiln loop of clear_output() (Session.callback → host.output). */
export function engineVoidCallbacks(calls = 2_000_000): CallbackResult {
  let count = 0;
  const { session } = kilnSession({ onOutput: (o) => o.type === 'clear_output' && count++ });
  const compiled = compileOrFail(session, `for i in 0..${calls} { clear_output() }`, 1, 'engine callbacks');
  const { ms } = runOrFail(session, compiled, 'engine callbacks');
  if (count !== calls) fail(`engine callbacks: ${count} of ${calls} clear_output() reached the host`);
  return { path: 'engine: Kiln loop of clear_output() → Session → host.output', calls, ms, perSec: (calls / ms) * 1000 };
}

/** Through the engine with a string each way: a Kiln loop of input("?") answered at once by the host. */
export function engineInputCallbacks(calls = 1_000_000): CallbackResult {
  let count = 0;
  const { session, state } = kilnSession({ input: () => (count++, 'ab') });
  const code = `let k = 0\nfor i in 0..${calls} { k += len(input("?")) }\nprint(k)`;
  const compiled = compileOrFail(session, code, 1, 'input callbacks');
  const { ms } = runOrFail(session, compiled, 'input callbacks');
  if (count !== calls || state.stdout.trim() !== String(2 * calls)) fail(`input callbacks: ${count} calls, printed ${state.stdout.trim()}`);
  return { path: 'engine: Kiln loop of input("?") → Session → host.input → "ab"', calls, ms, perSec: (calls / ms) * 1000 };
}

export interface PrintResult {
  lines: number;
  ms: number;
  perSec: number;
}

/** print(i) in a Kiln loop, through the runtime's buffer and the engine to an in-process host. */
export function printInProcess(lines = 2_000_000): PrintResult {
  const { session, state } = kilnSession({ keepText: false });
  const compiled = compileOrFail(session, `for i in 0..${lines} { print(i) }`, 1, 'print in-process');
  const { ms } = runOrFail(session, compiled, 'print in-process');
  if (state.newlines !== lines || !state.lastChunk.endsWith(`\n${lines - 1}\n`)) {
    fail(`print in-process: ${state.newlines} of ${lines} lines, last chunk ends ${JSON.stringify(state.lastChunk.slice(-20))}`);
  }
  return { lines, ms, perSec: (lines / ms) * 1000 };
}

export interface EvalResult {
  evals: number;
  ms: number;
  perSec: number;
  optLevel: number;
  /** Per eval, in ms: LLVM addModule, lookup (codegen, link), everything else. */
  addModuleMs: number;
  lookupMs: number;
  restMs: number;
  /** evals/s of each run when this is the median of several (evalRates). */
  runs?: number[];
}

/** `runs` runs of evalRate, each in a fresh session: the median run, with every run's rate.
 *  Garbage is collected before each run: a session is freed (its JIT destroyed) when V8
 *  collects it, which otherwise happened in the middle of a later run and cost it a fifth
 *  of its rate (the third of five runs: 704 evals/s against 864-940), a cost that a
 *  kernel, with its one session, never pays. */
export function evalRates(runs = 5): EvalResult {
  const results = Array.from({ length: runs }, () => {
    collectGarbage();
    return evalRate();
  }).sort((a, b) => a.perSec - b.perSec);
  return { ...results[Math.floor(runs / 2)], runs: results.map((r) => r.perSec) };
}

/** eval() of a fresh one-function source per iteration, at %opt 0, from a running Kiln loop. */
export function evalRate(evals = 500): EvalResult {
  const { session } = kilnSession();
  executeOrFail(session, '%opt 0', 1, 'eval rate');
  const code = `for i in 0..${evals} {
    eval("fn ev" + str(i) + "(x: int) -> int { return x * 2 + " + str(i) + " }")
}`;
  const compiled = compileOrFail(session, code, 2, 'eval rate');
  const native = session.native as unknown as Record<string, unknown>;
  const { ms, t } = withNativeTimers(native, (t) => ({ ...runOrFail(session, compiled, 'eval rate'), t: { ...t } }));
  const check = executeOrFail(session, `ev0(1) + ev${evals - 1}(1)`, 3, 'eval rate');
  if (check !== String(2 + 2 + evals - 1)) fail(`eval rate: ev0(1) + ev${evals - 1}(1) gave ${check}`);
  return {
    evals,
    ms,
    perSec: (evals / ms) * 1000,
    optLevel: session.optLevel,
    addModuleMs: t.addModule / evals,
    lookupMs: t.lookup / evals,
    restMs: (ms - t.addModule - t.lookup) / evals,
  };
}

export interface MapResult {
  entries: number;
  insertMs: number;
  lookupMs: number;
}

/** A {int: int} map: `n` inserts of distinct keys, then `n` lookups (timed inside the cell, by clock()). */
export function mapIntRate(entries = 1_000_000): MapResult {
  const { session, state } = kilnSession();
  const code = `let m: {int: int} = {}
let t0 = clock()
for i in 0..${entries} { m[i * 7] = i }
let t1 = clock()
let sum = 0
for i in 0..${entries} { sum += m[i * 7] }
print(len(m), sum, (t1 - t0) * 1000.0, (clock() - t1) * 1000.0)`;
  runOrFail(session, compileOrFail(session, code, 1, 'map inserts and lookups'), 'map inserts and lookups');
  const [len, sum, insertMs, lookupMs] = state.stdout.trim().split(' ');
  const expectedSum = (BigInt(entries) * BigInt(entries - 1)) / 2n;
  if (Number(len) !== entries || BigInt(sum) !== expectedSum) fail(`map inserts and lookups: len ${len}, sum ${sum} (expected ${entries}, ${expectedSum})`);
  return { entries, insertMs: Number(insertMs), lookupMs: Number(lookupMs) };
}

export interface ValueCallResult {
  calls: number;
  directMs: number;
  namedValueMs: number;
  anonymousValueMs: number;
  /** GC bytes allocated while the two loops through values ran (0: a call through a value allocates nothing). */
  allocatedBytes: number;
}

/** Calls of a one-line function: direct (through its slot), through its value, through a non-capturing anonymous function's value. */
export function valueCallRate(calls = 50_000_000): ValueCallResult {
  const { session, state } = kilnSession();
  const defs = `fn inc(x: int) -> int { return x + 1 }
fn direct(n: int) -> int {
    let s = 0
    for i in 0..n { s = inc(s) }
    return s
}
fn through(f: fn(int) -> int, n: int) -> int {
    let s = 0
    for i in 0..n { s = f(s) }
    return s
}
fn timeDirect(n: int) {
    let t = clock()
    let r = direct(n)
    print(r, (clock() - t) * 1000.0)
}
fn timeThrough(f: fn(int) -> int, n: int) {
    let t = clock()
    let r = through(f, n)
    print(r, (clock() - t) * 1000.0)
}
let named = inc
let anonymous = fn(x: int) -> int { return x + 1 }`;
  runOrFail(session, compileOrFail(session, defs, 1, 'value calls'), 'value calls');
  const timed = (call: string, cell: number) => {
    state.stdout = '';
    runOrFail(session, compileOrFail(session, call, cell, 'value calls'), 'value calls');
    const [result, ms] = state.stdout.trim().split(' ');
    if (Number(result) !== calls) fail(`value calls: ${call} printed ${result}, expected ${calls}`);
    return Number(ms);
  };
  const directMs = timed(`timeDirect(${calls})`, 2);
  const before = session.native.gcStats().allocatedBytes;
  const namedValueMs = timed(`timeThrough(named, ${calls})`, 3);
  const anonymousValueMs = timed(`timeThrough(anonymous, ${calls})`, 4);
  const allocatedBytes = session.native.gcStats().allocatedBytes - before;
  return { calls, directMs, namedValueMs, anonymousValueMs, allocatedBytes };
}
