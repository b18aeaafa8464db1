// The engine's view of the native addon (native/). Implemented in native.ts, which
// loads native/build/kiln_native.node. See docs/runtime-abi.md for the IR side.
import type { HostCall, RuntimeData } from './runtime-abi';

/** One Kiln frame as recorded by the runtime: function id (registered by the engine) and line. */
export type RuntimeFrame = [fid: number, line: number];

export type RunOutcome =
  | { ok: true; result?: string }
  | { ok: false; kind: string; message: string; frames: RuntimeFrame[] };

export type TypeDescription =
  | { kind: 'array'; elem: number }
  /** With `id`: updates that (struct) type in place, for a struct that contains itself. */
  | { kind: 'struct'; name: string; fields: { name: string; type: number }[]; id?: number }
  /** A map `{K: V}`: key and value type ids. */
  | { kind: 'map'; key: number; value: number }
  /** A function value (every fn type: a KilnFn carries its own text). */
  | { kind: 'fn' };

export interface AddedModule {
  /** Handle of the module's ResourceTracker. */
  tracker: number;
  /** The optimized IR text, when asked for. */
  optimizedIR?: string;
}

export interface NativeAddon {
  /** Creates (or, after %reset, re-creates) the LLJIT. Frees all previously added code.
   *  Returns the addresses of the runtime's data symbols that lie below 2 GB. */
  createJit(): Partial<Record<RuntimeData, number>>;
  /** Parses LLVM IR text, verifies it, optimizes at level 0..3, adds it under a fresh ResourceTracker. Throws on bad IR. */
  addModule(irText: string, optLevel: number, wantOptimizedIR: boolean): AddedModule;
  /** Looks up a symbol, materializing it; returns its address. Throws with the session's error reporter text. */
  lookup(name: string): number;
  /** Looks up several symbols at once (one materialisation query): their addresses, in order. Throws as lookup. */
  lookupAll(names: string[]): number[];
  /** Removes a module's code and symbols (a cell that failed to compile; code no frame can run). */
  removeModule(tracker: number): void;
  /** Native assembly (AT&T) of a module's IR text, compiled by the JIT's target machine at that level. */
  emitAssembly(irText: string, optLevel: number): string;
  /** The IR of a module optimized at level 0..3 exactly as addModule would (nothing is added to the JIT). */
  optimizeIR(irText: string, optLevel: number): string;
  /** True if extern fn can bind this symbol: `name` from the loaded libraries (in load order)
   *  or the process (libc, libm; never node's own), `name@library` from that library only. */
  hasCSymbol(name: string): boolean;
  /** dlopens a library for this JIT's extern fns (once per name); throws with the loader's message. */
  loadLibrary(name: string): void;
  /** How many libraries this JIT has loaded. */
  libraryCount(): number;
  /** Forgets the libraries loaded after the first `count` (a cell that failed to compile). */
  forgetLibraries(count: number): void;
  /** Guarded entry: calls `void fn()` at address; faults and Kiln errors come back as {ok:false}. Reentrant. */
  run(address: number): RunOutcome;
  /** The host callback (see docs/runtime-abi.md "Host callback"). */
  setHost(host: (...call: HostCall) => string | undefined): void;
  /** Uses this Int32Array (on a SharedArrayBuffer) as kiln_interrupt, element 0, and
   *  kiln_call_limit, element 1 (interrupt-word.ts); fewer than two elements throw. */
  setInterruptFlag(flag: Int32Array): void;
  /** Registers a composite type for formatting; returns its id (>= 16), or updates type `id`. */
  registerType(desc: TypeDescription): number;
  /** An 8-byte function-pointer slot, or `words` contiguous ones, zeroed, never freed (not scanned by the GC). */
  allocSlot(words?: number): number;
  /** An 8-byte global variable slot, zeroed, scanned by the GC (a root). */
  allocGlobal(): number;
  /** A bigint writes words that do not fit in 53 bits (e.g. float bits). */
  writeWord(address: number, value: number | bigint): void;
  readWord(address: number): number;
  /** A KilnStr holding `text`, never freed, outside the JIT's memory (string literals). */
  stringConstant(text: string): number;
  /** Address of the runtime's static empty KilnStr (initial value of str globals). */
  emptyString(): number;
  /** Flushes buffered stdout/stderr to the host. */
  flush(): void;
  /** The last progress() call the runtime kept from JS (a tight loop calls it far more
   *  often than a bar redraws): done, total and how many ms ago; undefined if none since
   *  the last call that went through or the last take. */
  takeSkippedProgress(): [done: number, total: number, msAgo: number] | undefined;
  /** Collector statistics, for tests and benchmarks. */
  gcStats(): { heapBytes: number; collections: number; allocatedBytes: number; usedBytes: number };
  /** Forces a full collection (tests). */
  gcCollect(): void;
  /** The runtime's side of the ABI, for test/runtime-abi.test.ts: the names of its
   *  function and data symbols, the host ops (kHostOpNames, in HostOp order), the
   *  recursion limit and the type ids of kiln.h. */
  abi(): {
    functions: string[];
    data: string[];
    hostOps: string[];
    maxDepth: number;
    callLimitSlow: number;
    noSelfCallSite: number;
    interruptRequested: number;
    typeIds: { int: number; float: number; bool: number; str: number; ptr: number; firstComposite: number };
  };
  /** Unmaps the resident pages of these loaded shared objects' (real paths; node's own image
   *  by its executable's real path) read-only segments: clean copies of the file, faulted
   *  back in when used again. Returns the bytes of address space released. See
   *  docs/decisions.md "Kernel weight and the first cell". */
  releaseLoadPages(paths: string[]): number;
}
