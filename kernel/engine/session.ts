// A Kiln session: compiles cells (parse → check → lower → JIT) into one long-lived JIT,
// runs them through the addon's guarded entry, and keeps what they define.
// Nothing here knows about Jupyter: outputs go to an EngineHost.
import { randomUUID } from 'node:crypto';
import type { CheckedCell, Env, FnSig, Stmt, Type } from './ast';
import type { CompletionResult, Engine, EngineHost, ExecuteOutcome, IsCompleteResult, MimeBundle } from './api';
import { checkCell, sameSignature } from './check';
import { complete, inspect, isComplete } from './complete';
import { CompileError, KilnError, kilnError, renderCompileError, renderRuntimeError } from './errors';
import { lowerCell } from './lower';
import { bindExterns } from './session-extern';
import { valueSymbol } from './lower-closures';
import { runMagic } from './magics';
import type { AddedModule, NativeAddon, RunOutcome, TypeDescription } from './native-api';
import { loadNative } from './native';
import { parseCell } from './parser';
import { renderChart, startPlotWorker, type Chart } from './plots';
import { ProgressBar } from './progress';
import { PRIMITIVE_TYPE_IDS, type HostCall } from './runtime-abi';

export interface SessionOptions {
  /** Element 0 of an Int32Array on a SharedArrayBuffer: set it to 1 to interrupt. */
  interruptFlag?: Int32Array;
  /** Start the chart renderer in the background soon, so the first chart is quick. */
  prepareCharts?: boolean;
}

/** A compiled cell, ready to run. */
export interface CompiledCell {
  entry: number;
  checked: CheckedCell;
  ir: string;
  optimizedIR?: string;
  compileMs: number;
}

/** Makes LLVM symbol names unique across sessions (the addon may outlive a session). */
let symbolCounter = 0;

function hasLoop(stmts: Stmt[]): boolean {
  return stmts.some((s) => {
    switch (s.kind) {
      case 'while':
      case 'for':
      case 'foreach':
        return true;
      case 'if':
        return hasLoop(s.then.stmts) || (s.else !== undefined && hasLoop(s.else.stmts));
      case 'block':
        return hasLoop(s.block.stmts);
      default:
        return false;
    }
  });
}

export class Session implements Engine {
  readonly native: NativeAddon;
  env: Env = { functions: new Map(), globals: new Map(), structs: new Map() };
  optLevel = 2;
  private readonly frames: { name: string; cell: number }[] = [];
  /** Places in the code (frame id and line) by location id, as kiln_lstack records them. */
  private readonly locations: { fid: number; line: number }[] = [];
  private readonly locationIds = new Map<string, number>();
  private readonly typeIds = new Map<string, number>();
  private progress?: ProgressBar;
  private progressSerial = 0;
  private currentCell = 0;
  /** How many eval calls are running (nested). */
  private evalDepth = 0;
  /** Sources of the functions' defining cells, for %ir / %asm. */
  readonly functionIR = new Map<string, { ir: string; optimizedIR?: string; symbol: string }>();

  constructor(
    readonly host: EngineHost,
    options: SessionOptions = {},
  ) {
    this.native = loadNative();
    if (options.interruptFlag) this.native.setInterruptFlag(options.interruptFlag);
    this.native.setHost((...call) => this.callback(call));
    this.native.createJit();
    // Vega takes ~0.5 s of CPU to load: start it a little after start-up, when the first
    // cells are not competing with it (a chart before then starts it at once).
    if (options.prepareCharts) setTimeout(startPlotWorker, 2000).unref();
  }

  // ---- the Engine interface --------------------------------------------------------------

  execute(code: string, cell: number): ExecuteOutcome {
    this.currentCell = cell;
    this.progress = undefined;
    this.progressSerial++;
    try {
      const magic = runMagic(this, code, cell);
      if (magic) return magic;
      return this.compileAndRun(code, cell);
    } finally {
      this.native.flush();
    }
  }

  complete(code: string, cursor: number): CompletionResult {
    return complete(code, cursor, this.env);
  }

  inspect(code: string, cursor: number): string | undefined {
    return inspect(code, cursor, this.env);
  }

  isComplete(code: string): IsCompleteResult {
    return isComplete(code);
  }

  // ---- compiling and running -------------------------------------------------------------

  compileAndRun(code: string, cell: number): ExecuteOutcome {
    const compiled = this.compile(code, cell);
    if ('ename' in compiled) return { status: 'error', ...compiled };
    return this.run(compiled);
  }

  /** Compiles a cell and commits its definitions; on any error the session is unchanged. */
  compile(code: string, cell: number, showIR = false): CompiledCell | KilnError {
    const started = performance.now();
    let checked: CheckedCell;
    let ir: string;
    const entrySymbol = `cell${cell}.entry.${symbolCounter++}`;
    // Libraries this cell loads are forgotten again if it fails to compile.
    const librariesBefore = this.native.libraryCount();
    try {
      checked = checkCell(parseCell(code), this.env, cell);
      bindExterns(this.native, checked);
      this.assignAddresses(checked, cell);
      ir = lowerCell(checked, {
        cellNumber: cell,
        entrySymbol,
        entryFid: this.registerFrame('<cell>', cell),
        typeId: (t) => this.typeId(t),
        location: (fid, line) => this.location(fid, line),
      });
    } catch (err) {
      this.native.forgetLibraries(librariesBefore);
      if (err instanceof CompileError) return renderCompileError(err, code, cell);
      // The compiler recurses on nesting: thousands of nested brackets exhaust its stack;
      // so does compiling inside eval nested thousands deep (runaway recursion).
      // (A string test, not a regular expression: near the stack's end a regex's lazy compile overflows too.)
      if (err instanceof RangeError && err.message.includes('call stack')) {
        return this.evalDepth > 0
          ? renderRuntimeError('RecursionError', 'maximum recursion depth exceeded', [])
          : renderRuntimeError('SyntaxError', 'the cell is nested too deeply to compile', []);
      }
      throw err;
    }
    // The optimized IR is kept for the cell's functions (%ir name) or shown (%ir).
    const keepIR = showIR || checked.functions.length > 0;
    let added: AddedModule | undefined;
    let entry: number;
    const bodies: [FnSig, number, number][] = [];
    try {
      added = this.native.addModule(ir, this.levelFor(checked, showIR), keepIR);
      for (const { sig } of checked.functions) {
        bodies.push([sig!, this.native.lookup(sig!.symbol!), this.native.lookup(valueSymbol(sig!))]);
      }
      entry = this.native.lookup(entrySymbol);
    } catch (err) {
      // Out of JIT memory, or a bug of ours (invalid IR): the cell is dropped whole.
      if (added) this.native.removeModule(added.tracker);
      this.native.forgetLibraries(librariesBefore);
      return renderRuntimeError('SyntaxError', `could not compile the cell: ${(err as Error).message}`, []);
    }
    // Commit: from here on the cell's definitions are part of the session.
    for (const [sig, address, value] of bodies) {
      this.native.writeWord(sig.slot!, address);
      this.updateFunctionValue(sig, value);
      this.functionIR.set(sig.name, { ir, optimizedIR: added.optimizedIR, symbol: sig.symbol! });
    }
    this.env = checked.env;
    return { entry, checked, ir, optimizedIR: added.optimizedIR, compileMs: performance.now() - started };
  }

  /** A function's value (KilnFn: code, text) gets this cell's body: a new function's is the one
   *  this cell defines; a redefinition's entry and text are copied into the first one. */
  private updateFunctionValue(sig: FnSig, value: number): void {
    if (sig.valueCell === undefined) {
      sig.valueCell = value;
      return;
    }
    for (const offset of [0, 8]) this.native.writeWord(sig.valueCell + offset, this.native.readWord(value + offset));
  }

  /**
   * The optimisation level for a cell: the session's, except that a cell with no function
   * (named or anonymous) and no loop (straight-line code that runs once, like `fib(30)` or `x + 1`) is compiled
   * at 0, which makes a trivial cell about 3× quicker and cannot make it slower to run in
   * any way that matters. Asking for the IR (%ir) always gets the session's level.
   */
  private levelFor(checked: CheckedCell, showingIR: boolean): number {
    if (showingIR || checked.functions.length > 0 || checked.lambdas.length > 0 || hasLoop(checked.cell.stmts)) return this.optLevel;
    return 0;
  }

  run(compiled: CompiledCell): ExecuteOutcome {
    const outcome = this.native.run(compiled.entry);
    this.native.flush();
    if (!outcome.ok) return { status: 'error', ...this.runtimeError(outcome) };
    return outcome.result === undefined ? { status: 'ok' } : { status: 'ok', result: { 'text/plain': outcome.result } };
  }

  runtimeError(outcome: Extract<RunOutcome, { ok: false }>): KilnError {
    const frames = outcome.frames.map(([, location]) => {
      const place = this.locations[location];
      const frame = place && this.frames[place.fid];
      return frame ? { ...frame, line: place.line } : { name: '?', cell: 0, line: 0 };
    });
    return renderRuntimeError(outcome.kind, outcome.message, frames);
  }

  /** A fresh JIT and an empty session (%reset). */
  reset(): void {
    this.native.createJit();
    this.env = { functions: new Map(), globals: new Map(), structs: new Map() };
    this.functionIR.clear();
  }

  /** Slots for new functions and globals, versioned symbols, frame ids. A function whose
   *  signature is unchanged keeps its slot, so earlier callers reach the new body. */
  private assignAddresses(checked: CheckedCell, cell: number): void {
    for (const decl of checked.functions) {
      const sig = decl.sig!;
      const previous = this.env.functions.get(sig.name);
      const redefined = previous && !previous.extern && sameSignature(previous, sig);
      sig.slot = redefined ? previous.slot : this.native.allocSlot();
      sig.valueCell = redefined ? previous.valueCell : undefined;
      sig.symbol = `${sig.name}.v${symbolCounter++}`;
      sig.fid = this.registerFrame(sig.name, cell);
    }
    for (const lambda of checked.lambdas) lambda.sig!.fid = this.registerFrame(lambda.sig!.name, cell);
    for (const global of checked.globals) {
      if (global.slot !== undefined) continue;
      global.slot = this.native.allocGlobal();
      if (global.type.kind === 'str') this.native.writeWord(global.slot, this.native.emptyString());
    }
  }

  private location(fid: number, line: number): number {
    const key = `${fid}:${line}`;
    let id = this.locationIds.get(key);
    if (id === undefined) {
      id = this.locations.push({ fid, line }) - 1;
      this.locationIds.set(key, id);
    }
    return id;
  }

  private registerFrame(name: string, cell: number): number {
    this.frames.push({ name, cell });
    return this.frames.length - 1;
  }

  /** The runtime's formatter id of a type; composite types are registered on first use. */
  typeId(t: Type): number {
    if (t.kind === 'fn') return this.registeredTypeId('fn', { kind: 'fn' });
    if (t.kind !== 'array' && t.kind !== 'struct' && t.kind !== 'map') return PRIMITIVE_TYPE_IDS[t.kind];
    if (t.kind === 'map') return this.mapTypeId(this.typeId(t.key), this.typeId(t.value));
    const key = t.kind === 'array' ? `[${this.typeId(t.elem)}]` : `struct#${t.def.id}`;
    let id = this.typeIds.get(key);
    if (id !== undefined) return id;
    if (t.kind === 'array') {
      id = this.native.registerType({ kind: 'array', elem: this.typeId(t.elem) });
      this.typeIds.set(key, id);
      return id;
    }
    // A struct may contain itself (through an array): it gets its id before its fields.
    const { name, fields } = t.def;
    id = this.native.registerType({ kind: 'struct', name, fields: [] });
    this.typeIds.set(key, id);
    const typed = fields.map((f) => ({ name: f.name, type: this.typeId(f.type) }));
    return this.native.registerType({ kind: 'struct', name, fields: typed, id });
  }

  private mapTypeId(key: number, value: number): number {
    return this.registeredTypeId(`{${key}:${value}}`, { kind: 'map', key, value });
  }

  /** The id of a type registered once per session under `name` (every fn type formats alike: one id). */
  private registeredTypeId(name: string, desc: TypeDescription): number {
    let id = this.typeIds.get(name);
    if (id === undefined) {
      id = this.native.registerType(desc);
      this.typeIds.set(name, id);
    }
    return id;
  }



  // ---- callbacks from running code ---------------------------------------------------------

  private callback(call: HostCall): string | undefined {
    const out = this.host.output.bind(this.host);
    switch (call[0]) {
      case 'stdout':
      case 'stderr':
        out({ type: 'stream', name: call[0], text: call[1] });
        return undefined;
      case 'display':
        out({ type: 'display', data: { [call[1]]: call[2] } });
        return undefined;
      case 'display_id': {
        const displayId = randomUUID();
        out({ type: 'display', data: { [call[1]]: call[2] }, displayId });
        return displayId;
      }
      case 'update_display':
        out({ type: 'update_display', displayId: call[1], data: { [call[2]]: call[3] } });
        return undefined;
      case 'clear_output':
        out({ type: 'clear_output', wait: false });
        return undefined;
      case 'chart':
        return this.showChart({ kind: call[1], xs: call[2], ys: call[3], title: call[4] });
      case 'hist':
        return this.showChart({ kind: 'hist', xs: call[1], bins: call[2], title: call[3] });
      case 'bar':
        return this.showChart({ kind: 'bar', labels: call[1], values: call[2], title: call[3] });
      case 'progress':
        return this.showProgress(call[1], call[2]);
      case 'input':
        return this.host.input(call[1]);
      case 'eval':
        return this.evalSource(call[1]);
    }
    throw kilnError('RuntimeError', `unknown runtime callback ${String(call[0])}`);
  }

  private showChart(chart: Chart): undefined {
    this.host.output({ type: 'display', data: renderChart(chart) as MimeBundle });
    return undefined;
  }

  private showProgress(done: number, total: number): undefined {
    this.progress ??= new ProgressBar(() => performance.now());
    const drawn = this.progress.update(done, total);
    if (!drawn) return undefined;
    const displayId = `progress-${this.currentCell}-${this.progressSerial}`;
    if (drawn.first) this.host.output({ type: 'display', data: drawn.bundle, displayId });
    else this.host.output({ type: 'update_display', data: drawn.bundle, displayId });
    return undefined;
  }

  /** eval(src): the whole pipeline on src while the caller's frame is live. */
  private evalSource(src: string): string {
    this.evalDepth++;
    try {
      return this.evalNested(src);
    } finally {
      this.evalDepth--;
    }
  }

  private evalNested(src: string): string {
    const compiled = this.compile(src, this.currentCell);
    if ('ename' in compiled) throw kilnError('EvalError', `${compiled.ename}: ${compiled.evalue}`);
    const outcome = this.native.run(compiled.entry);
    if (!outcome.ok) {
      if (outcome.kind === 'KeyboardInterrupt') throw kilnError('KeyboardInterrupt', outcome.message);
      // An EvalError from a nested eval already names the innermost error.
      throw kilnError('EvalError', outcome.kind === 'EvalError' ? outcome.message : `${outcome.kind}: ${outcome.message}`);
    }
    return outcome.result ?? '';
  }
}
