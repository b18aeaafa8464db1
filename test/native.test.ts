// Tests of the native addon (native/): JIT, guarded entry, runtime library, GC.
// Hand-written LLVM 14 IR (typed pointers), as kernel/engine/lower.ts would emit.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { newInterruptWords } from '../kernel/engine/interrupt-word';
import { loadNative, nativeAddonPath } from '../kernel/engine/native';

const n = loadNative();

const PRELUDE = `
@kiln_depth = external global i64
@kiln_interrupt = external global i32
@kiln_fstack = external global [10002 x i32]
@kiln_lstack = external global [10002 x i32]
declare void @kiln_call_refused(i64, i32, i32) noreturn
declare void @kiln_interrupted() noreturn
declare void @kiln_zero_division() noreturn
declare void @kiln_index_error(i64, i64) noreturn
declare void @kiln_assert_fail(i8*) noreturn
declare i8* @kiln_alloc(i64)
declare i8* @kiln_str_concat(i8*, i8*)
declare i64 @kiln_str_cmp(i8*, i8*)
declare i8* @kiln_substr(i8*, i64, i64)
declare i8* @kiln_fmt(i64, i32)
declare i8* @kiln_repr(i64, i32)
declare i64 @kiln_parse_int(i8*)
declare double @kiln_parse_float(i8*)
declare i8* @kiln_str_from_c(i8*)
declare i8* @kiln_array_new(i64, i32)
declare void @kiln_array_push(i8*, i64)
declare i64 @kiln_array_pop(i8*)
declare i8* @kiln_array_fill(i64, i64, i32)
declare void @kiln_print_value(i32, i64, i32, i32)
declare double @kiln_random()
declare void @kiln_seed(i64)
declare double @kiln_clock()
declare void @kiln_result(i8*)
declare void @kiln_display(i8*, i8*)
declare i8* @kiln_display_id(i8*, i8*)
declare void @kiln_progress(i64, i64)
declare void @kiln_clear_output()
declare i8* @kiln_input(i8*)
declare i8* @kiln_eval(i8*)
declare i8* @kiln_map_new(i32, i32, i64)
declare void @kiln_map_set(i8*, i64, i64)
declare i64 @kiln_map_get(i8*, i64)
declare void @kiln_map_remove(i8*, i64)
`;

let uniq = 0;
/** A KilnStr constant; returns [global definition, i8* expression]. */
function kstr(text: string): [string, string] {
  const bytes = Buffer.from(text, 'utf8');
  const name = `@.s${uniq++}`;
  const esc = [...bytes, 0].map((b) => '\\' + b.toString(16).padStart(2, '0')).join('');
  const ty = `{ i64, [${bytes.length + 1} x i8] }`;
  return [
    `${name} = private constant ${ty} { i64 ${bytes.length}, [${bytes.length + 1} x i8] c"${esc}" }`,
    `bitcast (${ty}* ${name} to i8*)`,
  ];
}

/** A Kiln function with the ABI prologue (depth, fstack) and epilogue. `body` may use %d1 and `line(n)`. */
function kfn(name: string, fid: number, body: string, opts: { ret?: string; retval?: string } = {}): string {
  const ret = opts.ret ?? 'void';
  return `
define ${ret} @${name}() {
entry:
  %d = load i64, i64* @kiln_depth
  %d1 = add i64 %d, 1
  %deep = icmp sgt i64 %d1, 10000
  br i1 %deep, label %rec, label %ok
rec:
  call void @kiln_call_refused(i64 %d1, i32 0, i32 -1)
  unreachable
ok:
  store i64 %d1, i64* @kiln_depth
  %fp = getelementptr [10002 x i32], [10002 x i32]* @kiln_fstack, i64 0, i64 %d1
  store i32 ${fid}, i32* %fp
  %lp = getelementptr [10002 x i32], [10002 x i32]* @kiln_lstack, i64 0, i64 %d1
${body}
  store i64 %d, i64* @kiln_depth
  ret ${ret}${opts.retval ? ' ' + opts.retval : ''}
}`;
}
const line = (l: number) => `  store i32 ${l}, i32* %lp`;

let cellNo = 0;
/** Adds a module (prelude + text) and runs `entry`. */
function runIR(text: string, entry: string, opt = 0) {
  const ir = PRELUDE + text;
  n.addModule(ir, opt, false);
  return n.run(n.lookup(entry));
}

/** Makes garbage from JIT code: `count` arrays of `length` ints, each dropped at once. */
function churnArrays(length: number, count: number): void {
  const name = fresh('churn');
  runIR(
    kfn(
      name,
      1,
      `  br label %loop
loop:
  %i = phi i64 [0, %ok], [%i1, %loop]
  %a = call i8* @kiln_array_fill(i64 ${length}, i64 9, i32 0)
  %i1 = add i64 %i, 1
  %c = icmp slt i64 %i1, ${count}
  br i1 %c, label %loop, label %done
done:`,
    ),
    name,
  );
}
const fresh = (base: string) => `${base}_${cellNo++}`;

type HostCall = [string, ...unknown[]];
let hostLog: HostCall[] = [];
let hostImpl: (op: string, args: unknown[]) => string | undefined = () => undefined;

const flag = newInterruptWords();

beforeAll(() => {
  n.setInterruptFlag(flag);
  n.createJit();
  n.setHost((op: string, ...args: unknown[]) => {
    hostLog.push([op, ...args]);
    return hostImpl(op, args);
  });
});

beforeEach(() => {
  hostLog = [];
  hostImpl = () => undefined;
});

function f64bits(x: number): bigint {
  const f = new Float64Array([x]);
  return new BigInt64Array(f.buffer)[0];
}

describe('JIT basics', () => {
  test('add, lookup, run, result and print', () => {
    const name = fresh('main');
    const [sdef, s] = kstr('hi');
    const out = runIR(
      `${sdef}
${kfn(
  name,
  1,
  `${line(1)}
  call void @kiln_print_value(i32 1, i64 42, i32 0, i32 0)
  call void @kiln_print_value(i32 1, i64 ptrtoint (i8* ${s} to i64), i32 3, i32 1)
  %r = call i8* @kiln_repr(i64 ptrtoint (i8* ${s} to i64), i32 3)
  call void @kiln_result(i8* %r)`,
)}`,
      name,
    );
    expect(out).toEqual({ ok: true, result: '"hi"' });
    expect(hostLog).toEqual([['stdout', '42 hi\n']]);
  });

  test('optimized IR is returned on request and bad IR throws', () => {
    const name = fresh('f');
    const m = n.addModule(`define i64 @${name}() {\n  %a = add i64 1, 2\n  ret i64 %a\n}`, 2, true);
    expect(m.optimizedIR).toContain('ret i64 3');
    expect(typeof m.tracker).toBe('number');
    expect(() => n.addModule('define i64 @x( {', 0, false)).toThrow(/invalid IR/);
    expect(() => n.addModule('define i64 @y() {\n  ret i32 1\n}', 0, false)).toThrow();
  });

  test('emitAssembly gives AT&T text', () => {
    const asm = n.emitAssembly('define i64 @sq(i64 %x) {\n  %y = mul i64 %x, %x\n  ret i64 %y\n}', 2);
    expect(asm).toContain('sq:');
    expect(asm).toMatch(/imulq|%rdi/);
  });

  test('extern libm symbol resolves; node exports are refused', () => {
    expect(n.hasCSymbol('cbrt')).toBe(true);
    expect(n.hasCSymbol('printf')).toBe(true);
    expect(n.hasCSymbol('uv_default_loop')).toBe(false);
    expect(n.hasCSymbol('napi_create_string_utf8')).toBe(false);
    expect(n.hasCSymbol('no_such_symbol_kiln')).toBe(false);
    const name = fresh('cb');
    const out = runIR(
      `declare double @cbrt(double)
${kfn(
  name,
  1,
  `  %c = call double @cbrt(double 64.0)
  %b = bitcast double %c to i64
  %r = call i8* @kiln_repr(i64 %b, i32 1)
  call void @kiln_result(i8* %r)`,
)}`,
      name,
    );
    expect(out).toEqual({ ok: true, result: '4.0' });
  });

  test('extern fn returning a C string: kiln_str_from_c (NULL → "")', () => {
    const name = fresh('cstr');
    const out = runIR(
      `@.c = private constant [4 x i8] c"abc\\00"
${kfn(
  name,
  1,
  `  %s = call i8* @kiln_str_from_c(i8* getelementptr ([4 x i8], [4 x i8]* @.c, i64 0, i64 0))
  %e = call i8* @kiln_str_from_c(i8* null)
  %t = call i8* @kiln_str_concat(i8* %s, i8* %e)
  %tb = ptrtoint i8* %t to i64
  %q = call i8* @kiln_repr(i64 %tb, i32 3)
  call void @kiln_result(i8* %q)`,
)}`,
      name,
    );
    expect(out).toEqual({ ok: true, result: '"abc"' });
  });

  test('a module with an unknown or refused symbol fails at lookup, can be removed and re-added', () => {
    for (const sym of ['uv_default_loop', 'kiln_no_such_fn']) {
      const ir = `${PRELUDE}
declare i8* @${sym}()
define void @retry_me() {
  %p = call i8* @${sym}()
  ret void
}`;
      const m = n.addModule(ir, 0, false);
      expect(() => n.lookup('retry_me')).toThrow(new RegExp(sym));
      n.removeModule(m.tracker);
    }
    const m2 = n.addModule(`${PRELUDE}\ndefine void @retry_me() {\n  ret void\n}`, 0, false);
    expect(n.run(n.lookup('retry_me'))).toEqual({ ok: true });
    n.removeModule(m2.tracker);
  });

  test('lookupAll: the addresses lookup gives, in order; an unknown name fails the whole lookup', () => {
    const [a, b] = [fresh('all_a'), fresh('all_b')];
    const ir = `${PRELUDE}\ndefine i64 @${a}() {\n  ret i64 1\n}\n@${b} = global i64 7`;
    const m = n.addModule(ir, 0, false);
    const addresses = n.lookupAll([b, a]);
    expect(addresses).toEqual([n.lookup(b), n.lookup(a)]);
    expect(n.readWord(addresses[0])).toBe(7);
    expect(() => n.lookupAll([a, 'kiln_no_such_symbol'])).toThrow(/kiln_no_such_symbol/);
    expect(() => n.lookupAll([a, 3] as unknown as string[])).toThrow('lookupAll: names must be an array of strings');
    n.removeModule(m.tracker);
  });
});

describe('runtime errors', () => {
  test('index error with frames, depth restored', () => {
    const inner = fresh('inner');
    const outer = fresh('outer');
    const out = runIR(
      `${kfn(inner, 2, `${line(7)}\n  call void @kiln_index_error(i64 10, i64 3)\n  unreachable\nnever:`)}
${kfn(outer, 1, `${line(3)}\n  call void @${inner}()`)}`,
      outer,
    );
    expect(out).toEqual({
      ok: false,
      kind: 'IndexError',
      message: 'index 10 out of range for length 3',
      frames: [
        [1, 3],
        [2, 7],
      ],
    });
    expect(n.readWord(n.lookup('kiln_depth'))).toBe(0);
  });

  test('division by zero through an explicit check', () => {
    const name = fresh('div');
    const g = n.allocGlobal();
    n.writeWord(g, 0);
    const out = runIR(
      kfn(
        name,
        4,
        `  %den = load volatile i64, i64* inttoptr (i64 ${g} to i64*)
  %z = icmp eq i64 %den, 0
  br i1 %z, label %dz, label %fine
dz:
${line(12)}
  call void @kiln_zero_division()
  unreachable
fine:
  %q = sdiv i64 10, %den`,
      ),
      name,
      2,
    );
    expect(out).toEqual({ ok: false, kind: 'ZeroDivisionError', message: 'integer division or modulo by zero', frames: [[4, 12]] });
  });

  test('a segfault becomes an error and the process survives', () => {
    const name = fresh('segv');
    const out = runIR(kfn(name, 9, `${line(2)}\n  store volatile i64 1, i64* null`), name);
    expect(out.ok).toBe(false);
    if (!out.ok) {
      expect(out.kind).toBe('RuntimeError');
      expect(out.message).toMatch(/segmentation fault/);
      expect(out.frames).toEqual([[9, 2]]);
    }
    expect(n.readWord(n.lookup('kiln_depth'))).toBe(0);
    // still alive and working
    const ok = fresh('ok');
    expect(runIR(kfn(ok, 1, ''), ok)).toEqual({ ok: true });
  });

  test('runaway recursion: prologue check gives RecursionError', () => {
    const name = fresh('rec');
    const out = runIR(kfn(name, 3, `${line(5)}\n  call void @${name}()`), name);
    expect(out.ok).toBe(false);
    if (!out.ok) {
      expect(out.kind).toBe('RecursionError');
      expect(out.message).toBe('maximum recursion depth exceeded');
      expect(out.frames.length).toBe(10000);
      expect(out.frames[9999]).toEqual([3, 5]);
    }
  });

  test('native stack overflow (no depth check) gives RecursionError', () => {
    const name = fresh('ovf');
    const ir = `${PRELUDE}
define void @${name}() {
  %buf = alloca [4096 x i8]
  %p = getelementptr [4096 x i8], [4096 x i8]* %buf, i64 0, i64 0
  store volatile i8 1, i8* %p
  call void @${name}()
  ret void
}`;
    n.addModule(ir, 0, false);
    const out = n.run(n.lookup(name));
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.kind).toBe('RecursionError');
  });

  test('ValueError, AssertionError, MemoryError, pop of empty', () => {
    const cases: [string, string, string][] = [];
    const [d1, abc] = kstr('abc');
    cases.push([`%x = call i64 @kiln_parse_int(i8* ${abc})`, 'ValueError', 'invalid literal for int(): "abc"']);
    cases.push([`%x = call double @kiln_parse_float(i8* ${abc})`, 'ValueError', 'invalid literal for float(): "abc"']);
    cases.push([`call void @kiln_assert_fail(i8* ${abc})`, 'AssertionError', 'abc']);
    cases.push([`%x = call i8* @kiln_array_new(i64 -1, i32 0)`, 'ValueError', 'negative array length: -1']);
    cases.push([`%x = call i8* @kiln_array_new(i64 1125899906842624, i32 0)`, 'MemoryError', '']);
    cases.push([`%a = call i8* @kiln_array_new(i64 0, i32 0)\n  %x = call i64 @kiln_array_pop(i8* %a)`, 'IndexError', 'pop from empty array']);
    for (const [body, kind, msg] of cases) {
      const name = fresh('err');
      const out = runIR(`${d1}\n${kfn(name, 1, `${line(1)}\n  ${body}`)}`, name);
      expect(out.ok).toBe(false);
      if (!out.ok) {
        expect(out.kind).toBe(kind);
        if (msg) expect(out.message).toBe(msg);
      }
    }
  });

  test('parse_int / parse_float accept good text', () => {
    const [d1, s1] = kstr(' -42 ');
    const [d2, s2] = kstr('2.5e3');
    const name = fresh('parse');
    const out = runIR(
      `${d1}\n${d2}\n${kfn(
        name,
        1,
        `  %i = call i64 @kiln_parse_int(i8* ${s1})
  %f = call double @kiln_parse_float(i8* ${s2})
  %fb = bitcast double %f to i64
  call void @kiln_print_value(i32 1, i64 %i, i32 0, i32 0)
  call void @kiln_print_value(i32 1, i64 %fb, i32 1, i32 1)`,
      )}`,
      name,
    );
    expect(out).toEqual({ ok: true });
    expect(hostLog).toEqual([['stdout', '-42 2500.0\n']]);
  });
});

describe('host callback', () => {
  test('nested run through the host, depth 50', () => {
    const name = fresh('nest');
    const [d1, src] = kstr('src');
    runIR(`${d1}\n${kfn(name, 5, `${line(2)}\n  %r = call i8* @kiln_eval(i8* ${src})\n  call void @kiln_result(i8* %r)`)}`, name);
    const addr = n.lookup(name);
    let depth = 0;
    let maxDepth = 0;
    hostImpl = (op) => {
      if (op !== 'eval') return undefined;
      depth++;
      maxDepth = Math.max(maxDepth, depth);
      try {
        if (depth >= 50) return 'bottom';
        const r = n.run(addr);
        if (!r.ok) throw Object.assign(new Error(r.message), { name: r.kind });
        return `${r.result}+`;
      } finally {
        depth--;
      }
    };
    const out = n.run(addr);
    expect(maxDepth).toBe(50);
    expect(out).toEqual({ ok: true, result: 'bottom' + '+'.repeat(49) });
    expect(n.readWord(n.lookup('kiln_depth'))).toBe(0);

    // an error thrown by the host at the bottom comes back through every level
    hostImpl = (op) => {
      if (op !== 'eval') return undefined;
      depth++;
      try {
        if (depth >= 50) throw Object.assign(new Error('inner failure'), { name: 'EvalError' });
        const r = n.run(addr);
        if (!r.ok) throw Object.assign(new Error(r.message), { name: r.kind });
        return r.result;
      } finally {
        depth--;
      }
    };
    const bad = n.run(addr);
    expect(bad).toEqual({ ok: false, kind: 'EvalError', message: 'inner failure', frames: [[5, 2]] });
    expect(n.readWord(n.lookup('kiln_depth'))).toBe(0);
  });

  test('output is flushed before other ops, in order, per stream', () => {
    const name = fresh('out');
    const [d1, mime] = kstr('text/html');
    const [d2, data] = kstr('<b>x</b>');
    const out = runIR(
      `${d1}\n${d2}\n${kfn(
        name,
        1,
        `  call void @kiln_print_value(i32 1, i64 1, i32 0, i32 1)
  call void @kiln_print_value(i32 2, i64 2, i32 0, i32 1)
  call void @kiln_print_value(i32 1, i64 3, i32 0, i32 1)
  call void @kiln_display(i8* ${mime}, i8* ${data})
  call void @kiln_print_value(i32 1, i64 1, i32 2, i32 1)
  %id = call i8* @kiln_display_id(i8* ${mime}, i8* ${data})
  %idb = ptrtoint i8* %id to i64
  call void @kiln_print_value(i32 1, i64 %idb, i32 3, i32 1)`,
      )}`,
      name,
    );
    hostImpl = () => undefined;
    expect(out).toEqual({ ok: true });
    expect(hostLog).toEqual([
      ['stdout', '1\n'],
      ['stderr', '2\n'],
      ['stdout', '3\n'],
      ['display', 'text/html', '<b>x</b>'],
      ['stdout', 'true\n'],
      ['display_id', 'text/html', '<b>x</b>'],
      ['stdout', '\n'],
    ]);
  });

  test('host return values become strings; a throwing host raises its kind', () => {
    const name = fresh('inp');
    const [d1, p] = kstr('name? ');
    hostImpl = (op) => (op === 'input' ? 'Ada' : undefined);
    const out = runIR(`${d1}\n${kfn(name, 2, `${line(4)}\n  %r = call i8* @kiln_input(i8* ${p})\n  call void @kiln_result(i8* %r)`)}`, name);
    expect(out).toEqual({ ok: true, result: 'Ada' });
    hostImpl = () => {
      throw Object.assign(new Error('stopped'), { name: 'KeyboardInterrupt' });
    };
    expect(n.run(n.lookup(name))).toEqual({ ok: false, kind: 'KeyboardInterrupt', message: 'stopped', frames: [[2, 4]] });
  });

  test('measure: JIT -> JS callbacks per second, compile time at O0', () => {
    const name = fresh('prog');
    const N = 1_000_000;
    runIR(
      kfn(
        name,
        1,
        `  br label %loop
loop:
  %i = phi i64 [0, %ok], [%i1, %loop]
  call void @kiln_clear_output()
  %i1 = add i64 %i, 1
  %c = icmp slt i64 %i1, ${N}
  br i1 %c, label %loop, label %done
done:`,
      ),
      name,
    );
    let count = 0;
    const addr = n.lookup(name);
    n.setHost(() => {
      count++;
      return undefined;
    });
    const t0 = process.hrtime.bigint();
    const out = n.run(addr);
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    n.setHost((op: string, ...args: unknown[]) => {
      hostLog.push([op, ...args]);
      return hostImpl(op, args);
    });
    expect(out).toEqual({ ok: true });
    expect(count).toBe(N);
    const perSec = N / secs;

    const times: number[] = [];
    for (let k = 0; k < 50; k++) {
      const fname = fresh('tiny');
      const ir = `${PRELUDE}\n${kfn(fname, 1, `  call void @kiln_print_value(i32 1, i64 ${k}, i32 0, i32 1)`)}`;
      const t = process.hrtime.bigint();
      n.addModule(ir, 0, false);
      n.lookup(fname);
      times.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    times.sort((a, b) => a - b);
    console.log(
      `[native measure] host callbacks: ${(perSec / 1e6).toFixed(2)} M/s; tiny module O0 add+lookup: median ${times[25].toFixed(3)} ms`,
    );
  });
});

describe('interrupt', () => {
  test('setInterruptFlag after createJit with another array is accepted (bound at the next createJit)', () => {
    expect(() => n.setInterruptFlag(newInterruptWords())).not.toThrow();
    n.setInterruptFlag(flag);
  });

  test('setInterruptFlag refuses an array without room for the call limit', () => {
    expect(() => n.setInterruptFlag(new Int32Array(new SharedArrayBuffer(4)))).toThrow(/two elements/);
  });

  test('a flag set from another thread stops a JIT loop', async () => {
    const name = fresh('spin');
    n.addModule(
      PRELUDE +
        kfn(
          name,
          6,
          `  br label %loop
loop:
  %v = load volatile i32, i32* @kiln_interrupt
  %z = icmp ne i32 %v, 0
  br i1 %z, label %intr, label %loop
intr:
${line(8)}
  call void @kiln_interrupted()
  unreachable
done:`,
        ),
      2,
      false,
    );
    const addr = n.lookup(name);
    const w = new Worker(
      `const { workerData, parentPort } = require('worker_threads');
       parentPort.postMessage('ready');
       setTimeout(() => { Atomics.store(new Int32Array(workerData), 0, 1); }, 100);`,
      { eval: true, workerData: flag.buffer },
    );
    await new Promise((r) => w.once('message', r));
    const t0 = Date.now();
    const out = n.run(addr);
    const ms = Date.now() - t0;
    await w.terminate();
    expect(out).toEqual({ ok: false, kind: 'KeyboardInterrupt', message: 'interrupted', frames: [[6, 8]] });
    expect(Atomics.load(flag, 0)).toBe(0);
    expect(ms).toBeGreaterThanOrEqual(50);
  });
});

describe('formatting', () => {
  const bitsG = () => n.allocGlobal();
  let gBits = 0;
  let gType = 0;
  let reprFn = 0;
  let fmtFn = 0;
  beforeAll(() => {
    gBits = bitsG();
    gType = bitsG();
    const r = fresh('repr');
    const f = fresh('fmt');
    const body = (callee: string) => `  %b = load i64, i64* inttoptr (i64 ${gBits} to i64*)
  %t = load i64, i64* inttoptr (i64 ${gType} to i64*)
  %t32 = trunc i64 %t to i32
  %s = call i8* @${callee}(i64 %b, i32 %t32)
  call void @kiln_result(i8* %s)`;
    n.addModule(PRELUDE + kfn(r, 1, body('kiln_repr')) + kfn(f, 1, body('kiln_fmt')), 0, false);
    reprFn = n.lookup(r);
    fmtFn = n.lookup(f);
  });
  function repr(bits: number | bigint, type: number, plain = false): string {
    n.writeWord(gBits, bits);
    n.writeWord(gType, type);
    const out = n.run(plain ? fmtFn : reprFn);
    if (!out.ok) throw new Error(out.message);
    return out.result!;
  }

  test('floats', () => {
    const cases: [number, string][] = [
      [3, '3.0'],
      [0.1, '0.1'],
      [1e300, '1e+300'],
      [Infinity, 'inf'],
      [-Infinity, '-inf'],
      [NaN, 'nan'],
      [-0, '-0.0'],
      [123456789, '123456789.0'],
      [1e-5, '1e-05'],
      [0.0001, '0.0001'],
      [1e16, '1e+16'],
      [1.5e16, '1.5e+16'],
      [1234567890123456, '1234567890123456.0'],
      [2.5, '2.5'],
      [1 / 3, '0.3333333333333333'],
      [5e-324, '5e-324'],
      [1.7976931348623157e308, '1.7976931348623157e+308'],
      [-1.5, '-1.5'],
      [100, '100.0'],
    ];
    for (const [x, s] of cases) expect([x, repr(f64bits(x), 1)]).toEqual([x, s]);
  });

  test('ints and bools', () => {
    expect(repr(-42, 0)).toBe('-42');
    expect(repr(1, 2)).toBe('true');
    expect(repr(0, 2)).toBe('false');
  });

  test('strings: repr escapes, fmt raw', () => {
    const name = fresh('strs');
    const [d1, s] = kstr('a\nb\t"q"\\\0\x01\x1f\x7fé\r');
    n.addModule(
      `${PRELUDE}${d1}\n${kfn(name, 1, `  call void @kiln_result(i8* ${s})`)}`,
      0,
      false,
    );
    const a = n.lookup(name);
    expect(n.run(a)).toEqual({ ok: true, result: 'a\nb\t"q"\\\0\x01\x1f\x7fé\r' });
    // print writes a str raw; repr quotes and escapes it
    const p = fresh('pstr');
    hostLog = [];
    runIR(`${d1.replace(/@\.s\d+/, '@.p')}\n${kfn(p, 1, `  call void @kiln_print_value(i32 1, i64 ptrtoint (i8* ${s.replace(/@\.s\d+/, '@.p')} to i64), i32 3, i32 1)\n  %r = call i8* @kiln_repr(i64 ptrtoint (i8* ${s.replace(/@\.s\d+/, '@.p')} to i64), i32 3)\n  call void @kiln_result(i8* %r)`)}`, p);
    expect(hostLog).toEqual([['stdout', 'a\nb\t"q"\\\0\x01\x1f\x7fé\r\n']]);
    const out = n.run(n.lookup(p));
    expect(out).toEqual({ ok: true, result: '"a\\nb\\t\\"q\\"\\\\\\0\\u{1}\\u{1f}\\u{7f}é\\r"' });
  });

  test('arrays (long ones elided), arrays of strings, structs', () => {
    const intArr = n.registerType({ kind: 'array', elem: 0 });
    const strArr = n.registerType({ kind: 'array', elem: 3 });
    const point = n.registerType({
      kind: 'struct',
      name: 'Point',
      fields: [
        { name: 'x', type: 1 },
        { name: 'y', type: 1 },
      ],
    });
    const ptArr = n.registerType({ kind: 'array', elem: point });
    expect(intArr).toBeGreaterThanOrEqual(16);
    const [da, sa] = kstr('a"');
    const [db, sb] = kstr('b');
    const name = fresh('arrs');
    const out = runIR(
      `${da}\n${db}\n${kfn(
        name,
        1,
        `  %a = call i8* @kiln_array_new(i64 0, i32 0)
  br label %loop
loop:
  %i = phi i64 [0, %ok], [%i1, %loop]
  call void @kiln_array_push(i8* %a, i64 %i)
  %i1 = add i64 %i, 1
  %c = icmp slt i64 %i1, 1000
  br i1 %c, label %loop, label %next
next:
  %ab = ptrtoint i8* %a to i64
  call void @kiln_print_value(i32 1, i64 %ab, i32 ${intArr}, i32 1)
  %s = call i8* @kiln_array_new(i64 0, i32 3)
  call void @kiln_array_push(i8* %s, i64 ptrtoint (i8* ${sa} to i64))
  call void @kiln_array_push(i8* %s, i64 ptrtoint (i8* ${sb} to i64))
  %sbits = ptrtoint i8* %s to i64
  call void @kiln_print_value(i32 1, i64 %sbits, i32 ${strArr}, i32 1)
  %p = call i8* @kiln_alloc(i64 16)
  %px = bitcast i8* %p to double*
  store double 1.0, double* %px
  %py = getelementptr double, double* %px, i64 1
  store double 2.5, double* %py
  %pb = ptrtoint i8* %p to i64
  call void @kiln_print_value(i32 1, i64 %pb, i32 ${point}, i32 1)
  %pa = call i8* @kiln_array_fill(i64 2, i64 %pb, i32 ${point})
  %pab = ptrtoint i8* %pa to i64
  call void @kiln_print_value(i32 1, i64 %pab, i32 ${ptArr}, i32 1)
  %e = call i8* @kiln_array_new(i64 3, i32 0)
  %eb = ptrtoint i8* %e to i64
  call void @kiln_print_value(i32 1, i64 %eb, i32 ${intArr}, i32 1)`,
      )}`,
      name,
    );
    expect(out).toEqual({ ok: true });
    const text = hostLog.map((c) => c[1]).join('');
    const lines = text.split('\n');
    const first50 = Array.from({ length: 50 }, (_, i) => i).join(', ');
    const last50 = Array.from({ length: 50 }, (_, i) => i + 950).join(', ');
    expect(lines[0]).toBe(`[${first50}, ..., ${last50}] (len 1000)`);
    expect(lines[1]).toBe('["a\\"", "b"]');
    expect(lines[2]).toBe('Point { x: 1.0, y: 2.5 }');
    expect(lines[3]).toBe('[Point { x: 1.0, y: 2.5 }, Point { x: 1.0, y: 2.5 }]');
    expect(lines[4]).toBe('[0, 0, 0]');
  });

  test('maps: insertion order after removes, long ones elided, str keys quoted, KeyError', () => {
    const intMap = n.registerType({ kind: 'map', key: 0, value: 0 });
    const strMap = n.registerType({ kind: 'map', key: 3, value: 1 });
    const [da, sa] = kstr('a"');
    const [db, sb] = kstr('b');
    const [dz, sz] = kstr('zz');
    const name = fresh('maps');
    // 0..199 → i*i, then keys 0..9 removed: 190 entries, 10 tombstones at the front.
    const out = runIR(
      `${da}\n${db}\n${dz}\n${kfn(
        name,
        1,
        `  %m = call i8* @kiln_map_new(i32 0, i32 0, i64 0)
  br label %fill
fill:
  %i = phi i64 [0, %ok], [%i1, %fill]
  %sq = mul i64 %i, %i
  call void @kiln_map_set(i8* %m, i64 %i, i64 %sq)
  %i1 = add i64 %i, 1
  %more = icmp slt i64 %i1, 200
  br i1 %more, label %fill, label %drop
drop:
  %j = phi i64 [0, %fill], [%j1, %drop]
  call void @kiln_map_remove(i8* %m, i64 %j)
  %j1 = add i64 %j, 1
  %more2 = icmp slt i64 %j1, 10
  br i1 %more2, label %drop, label %show
show:
  %mb = ptrtoint i8* %m to i64
  call void @kiln_print_value(i32 1, i64 %mb, i32 ${intMap}, i32 1)
  %s = call i8* @kiln_map_new(i32 3, i32 1, i64 2)
  call void @kiln_map_set(i8* %s, i64 ptrtoint (i8* ${sa} to i64), i64 ${f64bits(1.5)})
  call void @kiln_map_set(i8* %s, i64 ptrtoint (i8* ${sb} to i64), i64 ${f64bits(2)})
  %sbits = ptrtoint i8* %s to i64
  call void @kiln_print_value(i32 1, i64 %sbits, i32 ${strMap}, i32 1)
  %e = call i8* @kiln_map_new(i32 0, i32 0, i64 0)
  %eb = ptrtoint i8* %e to i64
  call void @kiln_print_value(i32 1, i64 %eb, i32 ${intMap}, i32 1)
${line(5)}
  %missing = call i64 @kiln_map_get(i8* %s, i64 ptrtoint (i8* ${sz} to i64))`,
      )}`,
      name,
    );
    expect(out).toEqual({ ok: false, kind: 'KeyError', message: '"zz"', frames: [[1, 5]] });
    const lines = hostLog.map((c) => c[1]).join('').split('\n');
    const entry = (i: number) => `${i}: ${i * i}`;
    const first50 = Array.from({ length: 50 }, (_, i) => entry(i + 10)).join(', ');
    const last50 = Array.from({ length: 50 }, (_, i) => entry(i + 150)).join(', ');
    expect(lines[0]).toBe(`{${first50}, ..., ${last50}} (len 190)`);
    expect(lines[1]).toBe('{"a\\"": 1.5, "b": 2.0}');
    expect(lines[2]).toBe('{}');
  });
});

describe('memory', () => {
  // A fresh process: 10 million short-lived arrays (new + pushes) on the engine thread.
  function churn(where: 'main' | 'worker') {
    const script = `
const { Worker, isMainThread, parentPort } = require('worker_threads');
function work() {
  const n = require(${JSON.stringify(nativeAddonPath())});
  n.createJit();
  const ir = \`
declare i8* @kiln_array_new(i64, i32)
declare void @kiln_array_push(i8*, i64)
define void @churn() {
entry:
  br label %loop
loop:
  %i = phi i64 [0, %entry], [%i1, %loop]
  %a = call i8* @kiln_array_new(i64 0, i32 0)
  call void @kiln_array_push(i8* %a, i64 %i)
  call void @kiln_array_push(i8* %a, i64 %i)
  call void @kiln_array_push(i8* %a, i64 %i)
  call void @kiln_array_push(i8* %a, i64 %i)
  call void @kiln_array_push(i8* %a, i64 %i)
  %i1 = add i64 %i, 1
  %c = icmp slt i64 %i1, 10000000
  br i1 %c, label %loop, label %done
done:
  ret void
}\`;
  n.addModule(ir, 0, false);
  const t = Date.now();
  const out = n.run(n.lookup('churn'));
  return { out, ms: Date.now() - t, rss: process.memoryUsage().rss, gc: n.gcStats() };
}
if (${where === 'worker'}) {
  if (isMainThread) {
    const w = new Worker(__filename);
    w.on('message', (m) => { m.rss = process.memoryUsage().rss; console.log(JSON.stringify(m)); });
  } else {
    parentPort.postMessage(work());
  }
} else {
  console.log(JSON.stringify(work()));
}
`;
    const file = path.join(os.tmpdir(), `kiln-churn-${process.pid}-${where}.js`);
    fs.writeFileSync(file, script);
    const r = spawnSync(process.execPath, [file], { encoding: 'utf8', timeout: 120000 });
    fs.unlinkSync(file);
    if (r.status !== 0) throw new Error(`churn ${where} failed: ${r.status} ${r.signal} ${r.stderr}`);
    return JSON.parse(r.stdout.trim().split('\n').pop()!);
  }

  test.each(['main', 'worker'] as const)('10M short-lived arrays stay under 200 MB RSS (%s thread)', (where) => {
    const m = churn(where);
    console.log(
      `[native measure] churn on ${where}: ${m.ms} ms, rss ${(m.rss / 1e6).toFixed(0)} MB, GC heap ${(m.gc.heapBytes / 1e6).toFixed(1)} MB, ${m.gc.collections} collections`,
    );
    expect(m.out).toEqual({ ok: true });
    expect(m.rss).toBeLessThan(200 * 1024 * 1024);
  });

  test('globals are GC roots; data reachable only from them survives collections', () => {
    const g = n.allocGlobal();
    const name = fresh('keep');
    const check = fresh('check');
    const intArr = n.registerType({ kind: 'array', elem: 0 });
    runIR(
      `${kfn(
        name,
        1,
        `  %a = call i8* @kiln_array_fill(i64 1000, i64 7, i32 0)
  %ab = ptrtoint i8* %a to i64
  store i64 %ab, i64* inttoptr (i64 ${g} to i64*)`,
      )}
${kfn(
  check,
  1,
  `  %b = load i64, i64* inttoptr (i64 ${g} to i64*)
  %s = call i8* @kiln_repr(i64 %b, i32 ${intArr})
  call void @kiln_result(i8* %s)`,
)}`,
      name,
    );
    // churn garbage and collect
    for (let i = 0; i < 3; i++) n.gcCollect();
    churnArrays(1000, 20000);
    n.gcCollect();
    const out = n.run(n.lookup(check));
    expect(out.ok).toBe(true);
    if (out.ok) expect(out.result).toBe(`[${Array(50).fill(7).join(', ')}, ..., ${Array(50).fill(7).join(', ')}] (len 1000)`);
    expect(n.gcStats().collections).toBeGreaterThan(0);
  });
});

describe('worker threads', () => {
  // The engine runs in a worker: faults, stack overflow and GC there, then the worker
  // exits (it must leave the collector and signal handling of the process intact).
  const script = `
const { parentPort, workerData } = require('worker_threads');
const n = require(workerData.path);
n.createJit();
const results = {};
n.addModule(\`
declare i8* @kiln_array_new(i64, i32)
declare void @kiln_array_push(i8*, i64)
define void @segv() {
  store volatile i64 1, i64* null
  ret void
}
define void @ovf() {
  %buf = alloca [4096 x i8]
  %p = getelementptr [4096 x i8], [4096 x i8]* %buf, i64 0, i64 0
  store volatile i8 1, i8* %p
  call void @ovf()
  ret void
}
define void @churn() {
entry:
  br label %loop
loop:
  %i = phi i64 [0, %entry], [%i1, %loop]
  %a = call i8* @kiln_array_new(i64 0, i32 0)
  call void @kiln_array_push(i8* %a, i64 %i)
  %i1 = add i64 %i, 1
  %c = icmp slt i64 %i1, 1000000
  br i1 %c, label %loop, label %done
done:
  ret void
}\`, 0, false);
results.segv = n.run(n.lookup('segv'));
results.ovf = n.run(n.lookup('ovf'));
results.churn = n.run(n.lookup('churn'));
n.gcCollect();
parentPort.postMessage(results);
`;
  async function runWorker() {
    const w = new Worker(script, { eval: true, workerData: { path: nativeAddonPath() } });
    const msg = await new Promise<any>((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    });
    await new Promise((r) => w.once('exit', r));
    return msg;
  }

  test('faults and GC in a worker, twice, then the main thread still collects', async () => {
    for (let k = 0; k < 2; k++) {
      const r = await runWorker();
      expect(r.segv.ok).toBe(false);
      expect(r.segv.message).toMatch(/segmentation fault/);
      expect(r.ovf.kind).toBe('RecursionError');
      expect(r.churn).toEqual({ ok: true });
    }
    churnArrays(100, 100000);
    n.gcCollect();
    const name = fresh('segv2');
    const out = runIR(kfn(name, 1, '  store volatile i64 1, i64* null'), name);
    expect(out.ok).toBe(false);
  });
});

describe('reset', () => {
  test('createJit again gives a fresh JIT (old names free again)', () => {
    n.addModule(`define i64 @same_name() {\n  ret i64 1\n}`, 0, false);
    n.lookup('same_name');
    n.createJit();
    n.addModule(`define i64 @same_name() {\n  ret i64 2\n}`, 0, false);
    expect(n.lookup('same_name')).toBeGreaterThan(0);
    expect(() => n.lookup('main_0')).toThrow();
  });

  test('createJit gives the runtime data that lies below 2 GB (a session is mapped there)', () => {
    const low = n.createJit();
    for (const name of ['kiln_depth', 'kiln_lstack', 'kiln_fstack', 'kiln_cfunc'] as const) {
      expect(low[name]).toBeGreaterThan(0);
      expect(low[name]).toBeLessThan(2 ** 31);
    }
    // Code that names the call-site stack by that address (frame 1 after createJit) writes
    // where the runtime reads the traceback from.
    const name = fresh('lowstack');
    const body = `  store i32 7, i32* inttoptr (i64 ${low.kiln_lstack! + 4} to i32*)\n  call void @kiln_zero_division()\n  unreachable\nnever:`;
    expect(runIR(kfn(name, 3, body), name)).toEqual({ ok: false, kind: 'ZeroDivisionError', message: 'integer division or modulo by zero', frames: [[3, 7]] });
  });
});

describe('slab memory manager (native/src/slab.cc)', () => {
  const maps = () => fs.readFileSync('/proc/self/maps', 'utf8').split('\n').filter((l) => l).length;
  const tiny = (k: number) =>
    `@slab_ro_${k} = constant i64 ${k}\n@slab_rw_${k} = global i64 ${2 * k}\n` +
    `define i64 @slab_f_${k}() {\n  %a = load i64, i64* @slab_ro_${k}\n  ret i64 %a\n}\n`;
  /** A module that calls slab_f_<k> for k in [0, count) and stores how many returned != k. */
  function checker(name: string, count: number, slot: number): string {
    const lines: string[] = [];
    for (let k = 0; k < count; k++) lines.push(`declare i64 @slab_f_${k}()`);
    lines.push(`define void @${name}() {`, '  %s0 = add i64 0, 0');
    for (let k = 0; k < count; k++) {
      lines.push(
        `  %v${k} = call i64 @slab_f_${k}()`,
        `  %e${k} = icmp ne i64 %v${k}, ${k}`,
        `  %z${k} = zext i1 %e${k} to i64`,
        `  %s${k + 1} = add i64 %s${k}, %z${k}`,
      );
    }
    lines.push(`  store i64 %s${count}, i64* inttoptr (i64 ${slot} to i64*)`, '  ret void', '}');
    return lines.join('\n');
  }

  test('5,000 tiny modules add almost no mappings, stay W^X and all still work', () => {
    n.createJit();
    n.addModule(tiny(0), 0, false);
    n.lookup('slab_f_0');
    const before = maps();
    const beforeText = fs.readFileSync('/proc/self/maps', 'utf8');
    const N = 5000;
    let missing = 0;
    const code: number[] = [n.lookup('slab_f_0')];
    for (let k = 1; k < N; k++) {
      n.addModule(tiny(k), 0, false);
      code.push(n.lookup(`slab_f_${k}`));
      if (!(code[k] > 0)) missing++;
    }
    const grown = maps() - before;
    expect(missing).toBe(0);
    // (V8 heap growth is in the count too.) No writable+executable mapping holds JIT code:
    // code pages are RW while written, RX after finalizeMemory. (V8 itself may map an rwx
    // page meanwhile: only mappings that contain our functions count.)
    const old = new Set(beforeText.split('\n'));
    const added = fs.readFileSync('/proc/self/maps', 'utf8').split('\n').filter((l) => l && !old.has(l));
    expect(grown).toBeLessThan(50);
    const holdsJitCode = (line: string) => {
      const [start, end] = line.split(' ')[0].split('-').map((h) => parseInt(h, 16));
      return code.some((address) => address >= start && address < end);
    };
    expect(added.filter((l) => / rwxp /.test(l) && holdsJitCode(l))).toEqual([]);
    for (let k = 0; k < N; k++) expect(n.readWord(n.lookup(`slab_rw_${k}`))).toBe(2 * k);
    const slot = n.allocGlobal();
    n.writeWord(slot, -1);
    n.addModule(checker('slab_check', N, slot), 0, false);
    expect(n.run(n.lookup('slab_check'))).toEqual({ ok: true });
    expect(n.readWord(slot)).toBe(0);
  });

  test('createJit again releases the old slab; a module after it works', () => {
    const before = maps();
    n.createJit();
    expect(maps()).toBeLessThanOrEqual(before + 2);
    n.addModule(tiny(7), 2, false);
    const slot = n.allocGlobal();
    n.addModule(checker('slab_check_after_reset', 8, slot).replace(/declare i64 @slab_f_[0-68]\(\)\n/g, '').replace(/  %v(\d)\b[^\n]*\n/g, (m, k) => (k === '7' ? m : `  %v${k} = add i64 ${k}, 0\n`)), 0, false);
    expect(n.run(n.lookup('slab_check_after_reset'))).toEqual({ ok: true });
    expect(n.readWord(slot)).toBe(0);
  });

  test('an exhausted slab falls back to a new one (small slabs, big modules)', () => {
    const saved = process.env.KILN_JIT_SLAB_MB;
    process.env.KILN_JIT_SLAB_MB = '8';
    try {
      n.createJit();
      const before = maps();
      const M = 6;
      for (let k = 0; k < M; k++) {
        // 3.2 MB of zero-initialized data (.bss) per module: a few modules per 8 MB slab at most.
        n.addModule(
          `@slab_big_${k} = global [400000 x i64] zeroinitializer
define void @slab_big_f_${k}() {
  %p = getelementptr [400000 x i64], [400000 x i64]* @slab_big_${k}, i64 0, i64 399999
  store i64 ${k + 100}, i64* %p
  ret void
}`,
          0,
          false,
        );
        expect(n.run(n.lookup(`slab_big_f_${k}`))).toEqual({ ok: true });
      }
      for (let k = 0; k < M; k++) expect(n.readWord(n.lookup(`slab_big_${k}`) + 399999 * 8)).toBe(k + 100);
      expect(maps() - before).toBeLessThan(50);
    } finally {
      if (saved === undefined) delete process.env.KILN_JIT_SLAB_MB;
      else process.env.KILN_JIT_SLAB_MB = saved;
      n.createJit();
    }
  });
});
