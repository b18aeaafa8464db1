// The runtime ABI has one typed source on each side (kernel/engine/runtime-abi.ts and
// native/src): these tests ask the addon for its side (its `abi()` export) and read the
// C++ sources, and fail where the two disagree.
import * as fs from 'fs';
import * as path from 'path';
import { BUILTINS } from '../kernel/engine/builtins';
import { loadNative } from '../kernel/engine/native';
import {
  CALL_LIMIT_SLOW,
  FIRST_COMPOSITE_TYPE_ID,
  HOST_OP_INDEX,
  INTERRUPT_REQUESTED,
  NO_SELF_CALL_SITE,
  NORETURN,
  PRIMITIVE_TYPE_IDS,
  RECURSION_LIMIT,
  RUNTIME,
  RUNTIME_DATA,
} from '../kernel/engine/runtime-abi';

const abi = loadNative().abi();
const NATIVE_SRC = path.join(__dirname, '..', 'native', 'src');

/** The names in `a` that `b` lacks. */
const missing = (a: Iterable<string>, b: Iterable<string>) => {
  const have = new Set(b);
  return [...a].filter((x) => !have.has(x)).sort();
};

/** The kiln_ functions native/src defines (a declarator at the start of a line whose
 *  parameter list is followed by a body), by name → whether it is [[noreturn]]. */
function definedInSource(): Map<string, boolean> {
  const defined = new Map<string, boolean>();
  const definition = /^(\[\[noreturn\]\]\s+)?(?:extern "C"\s+)?[\w:]+[\s*]+(kiln_\w+)\([^)]*\)\s*\{/gm;
  for (const file of fs.readdirSync(NATIVE_SRC).filter((f) => f.endsWith('.cc'))) {
    const text = fs.readFileSync(path.join(NATIVE_SRC, file), 'utf8');
    for (const m of text.matchAll(definition)) defined.set(m[2], m[1] !== undefined);
  }
  return defined;
}

describe('runtime symbols', () => {
  test('the addon registers exactly the functions of RUNTIME', () => {
    expect(missing(abi.functions, Object.keys(RUNTIME))).toEqual([]);
    expect(missing(Object.keys(RUNTIME), abi.functions)).toEqual([]);
    expect(abi.functions.length).toBe(new Set(abi.functions).size);
  });

  test('the addon registers exactly the data symbols of RUNTIME_DATA', () => {
    expect([...abi.data].sort()).toEqual([...RUNTIME_DATA].sort());
  });

  test('every kiln_ function defined in native/src is registered, and the [[noreturn]] ones are NORETURN', () => {
    const defined = definedInSource();
    expect(missing(defined.keys(), abi.functions)).toEqual([]);
    expect(missing(abi.functions, defined.keys())).toEqual([]);
    const noreturn = [...defined].filter(([, isNoreturn]) => isNoreturn).map(([name]) => name);
    expect(noreturn.sort()).toEqual([...NORETURN].sort());
  });

  test("every built-in's runtime symbol is in RUNTIME", () => {
    const symbols = [...BUILTINS.values()].flatMap((b) => (b.runtime ? [b.runtime] : []));
    expect(symbols.length).toBeGreaterThan(0);
    expect(missing(symbols, Object.keys(RUNTIME))).toEqual([]);
  });
});

describe('constants shared by C++ and TypeScript', () => {
  test('recursion limit (kMaxDepth)', () => {
    expect(abi.maxDepth).toBe(RECURSION_LIMIT);
  });

  test('the call limit while the interrupt word is set (kCallLimitSlow)', () => {
    expect(abi.callLimitSlow).toBe(CALL_LIMIT_SLOW);
  });

  test('kiln_call_refused\'s argument when self-calls record their location (kNoSelfCallSite)', () => {
    expect(abi.noSelfCallSite).toBe(NO_SELF_CALL_SITE);
  });

  test('the interrupt word when the user has interrupted (kInterruptRequested)', () => {
    expect(abi.interruptRequested).toBe(INTERRUPT_REQUESTED);
  });

  test('type ids (T_INT ... T_PTR, T_FIRST_COMPOSITE)', () => {
    const { int, float, bool, str, ptr } = PRIMITIVE_TYPE_IDS;
    expect(abi.typeIds).toEqual({ int, float, bool, str, ptr, firstComposite: FIRST_COMPOSITE_TYPE_ID });
  });

  test('host callback ops: kHostOpNames spells the HostCall ops in HostOp order', () => {
    const byIndex = Object.entries(HOST_OP_INDEX).sort(([, a], [, b]) => a - b).map(([op]) => op);
    expect(abi.hostOps).toEqual(byIndex);
  });
});
