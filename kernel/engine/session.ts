// A Kiln session: compiles cells (parse → check → lower → JIT) into one long-lived JIT,
// runs them through the addon's guarded entry, and keeps what they define.
// Nothing here knows about Jupyter: outputs go to an EngineHost.
import { randomUUID } from 'node:crypto';
import type { CheckedCell, Env, FnSig, Stmt, Type } from './ast';
import type { CompletionResult, Engine, EngineHost, ExecuteOutcome, IsCompleteResult, MimeBundle } from './api';
import { checkCell, sameSignature } from './check';
import { complete, inspect, isComplete } from './complete';
import { CompileError, KilnError, kilnError, renderCompileError, renderRuntimeError } from './errors';
import { CodeTables, type CodeModule } from './code-tables';
import { commitEnv } from './env';
import { KeptIR, type KeptText } from './kept-ir';
import { lowerCell, lowerValueCodes, outsideEntrySymbol } from './lower';
import { setLowRuntimeData } from './module-builder';
import { bindExterns } from './session-extern';
import { functionText, valueCodeSymbol } from './lower-closures';
import { runMagic, type MagicSession } from './magics';
import type { AddedModule, NativeAddon, RunOutcome, TypeDescription } from './native-api';
import { loadNative } from './native';
import { parseCell } from './parser';
import { renderChart, type Chart } from './display/plots';
import { ProgressBar, type ProgressUpdate } from './display/progress';
import { clearInterruptWord, INTERRUPT_WORD, newInterruptWords, setInterruptWordIfClear } from './interrupt-word';
import { INTERRUPT_REQUESTED, PRIMITIVE_TYPE_IDS, REDEFINED_WHILE_RUNNING, type HostCall } from './runtime-abi';
import { SessionGlobals, type GlobalProgress } from './session-globals';
import { releaseLoadPages, warmUpSteps } from './warm-up';

export interface SessionOptions {
  /** The interrupt word and the call limit (interrupt-word.ts: newInterruptWords; interrupt
   *  with setInterruptWord). */
  interruptFlag?: Int32Array;
}

/** A compiled cell, ready to run. */
export interface CompiledCell {
  /** Address of the entry; 0 for a cell of definitions only (nothing to run). */
  entry: number;
  checked: CheckedCell;
  ir: string;
  optimizedIR?: string;
  compileMs: number;
  /** The globals the cell declares afresh and the word where its entry records how many
   *  of their `let`s have run (so that a failed run forgets the others). */
  globalProgress?: GlobalProgress;
  /** The cell's module in the JIT. */
  module: CodeModule;
}

/** Makes LLVM symbol names unique across sessions (the addon may outlive a session). */
let symbolCounter = 0;

/** String literals' KilnStrs by text (they live as long as the process, as the addon). */
const stringConstants = new Map<string, number>();

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

/** LaTeX math delimiters a front end renders: `$`, `$$`, `\(`, `\[`, `\begin{`. */
const MATH_DELIMITER = /\$|\\\(|\\\[|\\begin\{/;

/** A rich output's bundle. `text/latex` without math delimiters is rendered by no front
 *  end (it shows the raw text): it is shown as display math, `$$…$$`. */
function richData(mime: string, data: string): MimeBundle {
  if (mime === 'text/latex' && !MATH_DELIMITER.test(data)) data = `$$${data}$$`;
  return { [mime]: data };
}

/** CompiledCell.entry of a cell of definitions only: nothing to run. */
const NO_ENTRY = 0;

/** Thrown inside compile() when the user interrupts it. */
class Interrupted extends Error {}

export class Session implements Engine, MagicSession {
  readonly native: NativeAddon;
  env: Env = { functions: new Map(), globals: new Map(), structs: new Map() };
  optLevel = 2;
  /** Function and location ids in compiled code, and the modules that hold it. */
  readonly code = new CodeTables();
  readonly globals: SessionGlobals;
  private readonly typeIds = new Map<string, number>();
  private progress?: ProgressBar;
  private progressSerial = 0;
  private currentCell = 0;
  /** The interrupt word (kiln_interrupt): the main thread's, or the session's own. */
  private readonly interruptFlag: Int32Array;
  /** How many eval calls are running (nested). */
  private evalDepth = 0;
  /** IR of each function's defining cell (deflated: a long session defines thousands),
   *  its optimisation level and the function's symbol, for %ir name / %asm name. */
  private readonly functionIR = new Map<string, { ir: KeptText; level: number; symbol: string }>();
  private readonly keptIR = new KeptIR();
  /** Slots whose function's value cell has its code (makeValueCodes). */
  private readonly valueCodes = new Set<number>();

  constructor(
    readonly host: EngineHost,
    options: SessionOptions = {},
  ) {
    this.native = loadNative();
    this.globals = new SessionGlobals(this.native);
    this.interruptFlag = options.interruptFlag ?? newInterruptWords();
    this.native.setInterruptFlag(this.interruptFlag);
    this.native.setHost((...call) => this.callback(call));
    setLowRuntimeData(this.native.createJit());
  }

  /** Hands back the LLVM images' load-time pages (warm-up.ts). */
  releaseLoadPages(): void {
    releaseLoadPages(this);
  }

  /** Steps that make the first cell as quick as the next ones; each leaves the session as
   *  it was (warm-up.ts). */
  warmUpSteps(): (() => void)[] {
    return warmUpSteps(this, this.interruptFlag);
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
      // The cell's frames are gone: functions that call themselves need not check their
      // slots any more (an interrupt that came meanwhile stays).
      clearInterruptWord(this.interruptFlag, REDEFINED_WHILE_RUNNING);
      this.native.flush();
      this.finishProgress();
      this.removeDeadCode();
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
    let hasEntry = true;
    const entrySymbol = `cell${cell}.entry.${symbolCounter++}`;
    let globalProgress: GlobalProgress | undefined;
    const fids: number[] = [];
    const registerFrame = (name: string): number => {
      fids.push(this.code.registerFrame(name, cell));
      return fids[fids.length - 1];
    };
    // Libraries this cell loads are forgotten again if it fails to compile.
    const librariesBefore = this.native.libraryCount();
    const abandon = (): void => {
      this.globals.abandoned(globalProgress);
      this.code.releaseFrames(fids);
      this.native.forgetLibraries(librariesBefore);
    };
    try {
      const parsed = parseCell(code);
      this.checkInterrupt();
      checked = checkCell(parsed, this.env, cell);
      this.checkInterrupt();
      bindExterns(this.native, checked);
      globalProgress = this.globals.progressFor(checked, this.env);
      this.assignAddresses(checked, registerFrame);
      // A cell of definitions only (as most evals are) has no entry: nothing to run.
      hasEntry = checked.cell.stmts.length > 0;
      ir = lowerCell(checked, {
        cellNumber: cell,
        entrySymbol,
        entryFid: hasEntry ? registerFrame('<cell>') : undefined,
        typeId: (t) => this.typeId(t),
        location: (fid, line) => this.code.location(fid, line),
        globalProgress,
        stringAddress: (text) => this.stringConstant(text),
        usedByFunction: (global) => this.globals.usedByFunction(global),
        selfCallSite: (fid, location) => this.code.setSelfCallSite(fid, location),
        checkInterrupt: () => this.checkInterrupt(),
      });
      this.checkInterrupt();
    } catch (err) {
      abandon();
      if (err instanceof CompileError) return renderCompileError(err, code, cell);
      if (err instanceof Interrupted) return renderRuntimeError('KeyboardInterrupt', 'interrupted', []);
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
    // The optimized IR is printed only to be shown (%ir); %ir name makes it again.
    const level = this.levelFor(checked, showIR);
    let added: AddedModule | undefined;
    let entry: number;
    const bodies: [FnSig, number][] = [];
    try {
      this.makeValueCodes(checked);
      added = this.native.addModule(ir, level, showIR);
      this.checkInterrupt();
      const sigs = checked.functions.map(({ sig }) => sig!);
      // What a slot holds: the body, or the entry of a function whose self-calls record no location.
      const slotSymbols = sigs.map((sig) => (this.code.hasSelfCallSite(sig.fid!) ? outsideEntrySymbol(sig.symbol!) : sig.symbol!));
      const addresses = this.native.lookupAll([...slotSymbols, ...(hasEntry ? [entrySymbol] : [])]);
      sigs.forEach((sig, i) => bodies.push([sig, addresses[i]]));
      entry = hasEntry ? addresses[addresses.length - 1] : NO_ENTRY;
      this.checkInterrupt();
    } catch (err) {
      // Out of JIT memory, or a bug of ours (invalid IR): the cell is dropped whole.
      if (added) this.native.removeModule(added.tracker);
      abandon();
      if (err instanceof Interrupted) return renderRuntimeError('KeyboardInterrupt', 'interrupted', []);
      return renderRuntimeError('SyntaxError', `could not compile the cell: ${(err as Error).message}`, []);
    }
    // Commit: from here on the cell's definitions are part of the session.
    const keptIR = bodies.length > 0 ? this.keptIR.add(ir) : undefined;
    // A module with anonymous functions stays for good: values may hold their code.
    const pinned = checked.lambdas.length > 0;
    const module = this.code.addModule(added.tracker, fids, bodies.map(([, address]) => address), pinned);
    for (const [sig, address] of bodies) {
      const previous = this.native.readWord(sig.slot!);
      this.native.writeWord(sig.slot!, address);
      if (previous) this.code.superseded(previous);
      // Frames of the old body may be running (an eval): it must see the new slot value.
      if (previous && this.evalDepth > 0) setInterruptWordIfClear(this.interruptFlag, REDEFINED_WHILE_RUNNING);
      // The value's text names the parameters, which a redefinition may rename.
      this.native.writeWord(sig.valueCell! + 8, this.stringConstant(functionText(sig, true)));
      this.functionIR.set(sig.name, { ir: keptIR!, level, symbol: sig.symbol! });
    }
    this.env = commitEnv(checked.env);
    this.globals.committed(checked, globalProgress);
    const compileMs = performance.now() - started;
    return { entry, checked, ir, optimizedIR: added.optimizedIR, compileMs, globalProgress, module };
  }

  /** Writes the code of each function value the cell uses that has none yet, compiled in a
   *  module that stays for good (lower-closures.ts defineValueCodes). A cell that fails
   *  later leaves them in place: they call through their functions' slots, so they are
   *  right whatever the slots come to hold. */
  private makeValueCodes(checked: CheckedCell): void {
    const sigs = [...checked.functionValues].filter((sig) => !this.valueCodes.has(sig.slot!));
    if (sigs.length === 0) return;
    const added = this.native.addModule(lowerValueCodes(sigs, `values${symbolCounter++}`), this.optLevel, false);
    let codes: number[];
    try {
      codes = this.native.lookupAll(sigs.map(valueCodeSymbol));
    } catch (err) {
      this.native.removeModule(added.tracker);
      throw err;
    }
    this.code.addModule(added.tracker, [], [], true);
    sigs.forEach((sig, i) => {
      this.native.writeWord(sig.valueCell!, codes[i]);
      this.valueCodes.add(sig.slot!);
    });
  }

  /** Runs a compiled cell's entry. A run that fails forgets the globals whose `let` did
   *  not run (LANGUAGE.md: only those whose `let` ran stay). */
  runEntry(compiled: CompiledCell): RunOutcome {
    const outcome: RunOutcome = compiled.entry === NO_ENTRY ? { ok: true } : this.native.run(compiled.entry);
    this.code.entryDone(compiled.module);
    // A cell runs once (%timeit reruns it, and a rerun records the same progress).
    if (compiled.globalProgress) this.globals.settle(compiled.globalProgress, outcome.ok, this.env, this.evalDepth === 0);
    compiled.globalProgress = undefined;
    return outcome;
  }

  /** Removes the modules no frame can run (call only when no Kiln code is running). */
  private removeDeadCode(): void {
    for (const module of this.code.takeDead()) {
      try {
        this.native.removeModule(module.tracker);
      } catch {
        continue; // ORC refused: the code stays (and keeps its ids); the cell is not affected
      }
      this.code.releaseFrames(module.fids);
    }
  }



  /** An interrupt while compiling ends the compile (the cell then defines nothing). */
  private checkInterrupt(): void {
    if (Atomics.load(this.interruptFlag, INTERRUPT_WORD) !== INTERRUPT_REQUESTED) return;
    clearInterruptWord(this.interruptFlag);
    throw new Interrupted();
  }

  /** The IR of function `name`'s defining cell (unoptimized, or optimized at the level it
   *  was compiled at) and the function's symbol in it; undefined for an unknown name. */
  /** Native assembly of a module at the session's optimisation level (%asm). */
  emitAssembly(ir: string): string {
    return this.native.emitAssembly(ir, this.optLevel);
  }

  flush(): void {
    this.native.flush();
  }

  functionSource(name: string, optimized: boolean): { ir: string; symbol: string } | undefined {
    const fn = this.functionIR.get(name);
    if (!fn) return undefined;
    const ir = this.keptIR.read(fn.ir);
    return { ir: optimized ? this.native.optimizeIR(ir, fn.level) : ir, symbol: fn.symbol };
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
    const outcome = this.runEntry(compiled);
    this.native.flush();
    if (!outcome.ok) return { status: 'error', ...this.runtimeError(outcome) };
    return outcome.result === undefined ? { status: 'ok' } : { status: 'ok', result: { 'text/plain': outcome.result } };
  }

  runtimeError(outcome: Extract<RunOutcome, { ok: false }>): KilnError {
    const frames = this.code.callStack(outcome.frames).map((location) => this.code.place(location) ?? { name: '?', cell: 0, line: 0 });
    return renderRuntimeError(outcome.kind, outcome.message, frames);
  }

  /** A fresh JIT and an empty session (%reset). */
  reset(): void {
    setLowRuntimeData(this.native.createJit());
    this.env = { functions: new Map(), globals: new Map(), structs: new Map() };
    this.functionIR.clear();
    this.keptIR.clear();
    this.valueCodes.clear();
    this.globals.reset();
    this.code.clear();
  }

  /** Slots for new functions and globals, versioned symbols, frame ids. A function whose
   *  signature is unchanged keeps its slot, so earlier callers reach the new body. */
  private assignAddresses(checked: CheckedCell, registerFrame: (name: string) => number): void {
    for (const decl of checked.functions) {
      const sig = decl.sig!;
      const previous = this.env.functions.get(sig.name);
      const redefined = previous && !previous.extern && sameSignature(previous, sig);
      sig.slot = redefined ? previous.slot : this.native.allocSlot();
      // The function's value lives outside the JIT: its first module may be removed later.
      // Its code is made when it is first used as a value (lower-closures.ts).
      sig.valueCell = redefined ? previous.valueCell : this.native.allocSlot(2);
      sig.symbol = `${sig.name}.v${symbolCounter++}`;
      sig.fid = registerFrame(sig.name);
    }
    for (const lambda of checked.lambdas) lambda.sig!.fid = registerFrame(lambda.sig!.name);
    for (const global of checked.globals) if (global.slot === undefined) this.globals.assignSlot(global);
  }

  /** One KilnStr per distinct literal text, shared by every cell that uses it. */
  private stringConstant(text: string): number {
    let address = stringConstants.get(text);
    if (address === undefined) {
      address = this.native.stringConstant(text);
      stringConstants.set(text, address);
    }
    return address;
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
        out({ type: 'display', data: richData(call[1], call[2]) });
        return undefined;
      case 'display_id': {
        const displayId = randomUUID();
        out({ type: 'display', data: richData(call[1], call[2]), displayId });
        return displayId;
      }
      case 'update_display':
        out({ type: 'update_display', displayId: call[1], data: richData(call[2], call[3]) });
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
    this.showProgressUpdate(this.progress.update(done, total));
    return undefined;
  }

  /** The cell's bar shows its last state (a loop may stop before 100 %). */
  private finishProgress(): void {
    const skipped = this.native.takeSkippedProgress();
    const at = skipped && ([skipped[0], skipped[1], performance.now() - skipped[2]] as [number, number, number]);
    this.showProgressUpdate(this.progress?.finish(at));
  }

  private showProgressUpdate(drawn: ProgressUpdate | undefined): void {
    if (!drawn) return;
    const displayId = `progress-${this.currentCell}-${this.progressSerial}`;
    if (drawn.first) this.host.output({ type: 'display', data: drawn.bundle, displayId });
    else this.host.output({ type: 'update_display', data: drawn.bundle, displayId });
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
    const outcome = this.runEntry(compiled);
    if (!outcome.ok) {
      if (outcome.kind === 'KeyboardInterrupt') throw kilnError('KeyboardInterrupt', outcome.message);
      // An EvalError from a nested eval already names the innermost error.
      throw kilnError('EvalError', outcome.kind === 'EvalError' ? outcome.message : `${outcome.kind}: ${outcome.message}`);
    }
    return outcome.result ?? '';
  }
}
