// Lowering: a checked cell → one LLVM module (IR text) holding the bodies of the cell's
// functions and its entry function. Calls between functions go through each function's
// slot (so a redefinition reaches earlier callers); a function calls itself directly, so
// that the optimizer can turn the call into a loop or inline it. An `eval` that redefines
// a function while code runs raises the interrupt word to REDEFINED; a function that calls
// itself then checks its slot at entry and passes the call on to the new body.
import llvm from 'llvm-bindings';
import type { CheckedCell, Expr, FnDecl, FnSig, GlobalInfo, MapType, Stmt, Type, Block, VarRef } from './ast';
import { INTERRUPT_REQUESTED, ModuleBuilder, NO_SELF_CALL_SITE, NORETURN, RECURSION_LIMIT } from './module-builder';
import { arithmetic, lowerExpr } from './lower-expr';
import { countedLoop, mayChangeLength } from './lower-loops';
import { lowerMapLoop, mapGet, mapSet } from './lower-maps';
import { boxedVar, defineValueCodes, lowerPendingLambdas, namedFunctionValue, newBox } from './lower-closures';

export interface LowerOptions {
  cellNumber: number;
  /** LLVM name and function id of the cell's entry function `void ()`; without an id (a
   *  cell of definitions only, nothing to run) there is none, and the name only prefixes
   *  the names of the cell's anonymous functions. */
  entrySymbol: string;
  entryFid?: number;
  /** Type id for the runtime's formatter (registers composite types on first use). */
  typeId(t: Type): number;
  /** The id recorded in kiln_lstack for a place in a function: function id and line. */
  location(fid: number, line: number): number;
  /** The globals this cell declares afresh, numbered from 1 in the order of their first
   *  `let`, and a word where the entry stores the number of the last one whose `let` ran. */
  globalProgress?: { word: number; ordinals: Map<GlobalInfo, number> };
  /** Where a string literal's KilnStr lives (else it is placed in the module). */
  stringAddress?: (text: string) => number;
  /** Throws if the user has interrupted (called every few statements of a long cell). */
  checkInterrupt?: () => void;
  /** Told of each global a function body (not the entry) reads or writes. */
  usedByFunction?: (global: GlobalInfo) => void;
  /** Told of each function whose self-calls record no location (FunctionLowerer
   *  settleSelfCalls): its function id and the location of its self-calls. */
  selfCallSite?: (fid: number, location: number) => void;
}

/** The entry of a function whose self-calls record no location, which its slot holds
 *  instead of its body (lowerOutsideEntry). */
export function outsideEntrySymbol(symbol: string): string {
  return `${symbol}.outside`;
}

/** The locals that statements (nested ones included) assign or declare. (An anonymous
 *  function's body is an expression: what it assigns of this function's is captured, boxed.) */
function assignedLocals(stmts: Stmt[], found = new Set<number>()): Set<number> {
  const declares = (ref?: VarRef) => ref?.kind === 'local' && found.add(ref.id);
  for (const s of stmts) {
    switch (s.kind) {
      case 'let':
        declares(s.target);
        break;
      case 'assign':
        if (s.target.kind === 'name') declares(s.target.ref);
        break;
      case 'if':
        assignedLocals(s.then.stmts, found);
        if (s.else) assignedLocals(s.else.stmts, found);
        break;
      case 'while':
        assignedLocals(s.body.stmts, found);
        break;
      case 'for':
      case 'foreach':
        declares(s.varRef);
        assignedLocals(s.body.stmts, found);
        break;
      case 'block':
        assignedLocals(s.block.stmts, found);
        break;
    }
  }
  return found;
}

/** Statements in one basic block at most (see FunctionLowerer.statements). */
const STATEMENTS_PER_BLOCK = 64;

let sharedContext: llvm.LLVMContext | undefined;

export function lowerCell(checked: CheckedCell, options: LowerOptions): string {
  return withModule(`cell${options.cellNumber}`, options.stringAddress, (mb) => lowerModule(mb, checked, options));
}

/** A module of the value codes of named functions (lower-closures.ts defineValueCodes). */
export function lowerValueCodes(sigs: FnSig[], name: string): string {
  return withModule(name, undefined, (mb) => {
    defineValueCodes(mb, sigs);
    return mb.print();
  });
}

function withModule(name: string, stringAddress: LowerOptions['stringAddress'], lower: (mb: ModuleBuilder) => string): string {
  sharedContext ??= new llvm.LLVMContext();
  const mb = new ModuleBuilder(sharedContext, name, stringAddress);
  try {
    return lower(mb);
  } finally {
    mb.dispose();
  }
}

function lowerModule(mb: ModuleBuilder, checked: CheckedCell, options: LowerOptions): string {
  const llvmFns = new Map<FnDecl, llvm.Function>();
  for (const decl of checked.functions) {
    llvmFns.set(decl, mb.createFunction(mb.kilnFunctionType(decl.sig!), decl.sig!.symbol!));
  }
  for (const decl of checked.functions) {
    const body = llvmFns.get(decl)!;
    const lowerer = new FunctionLowerer(mb, body, decl.locals!, options, decl.sig!, decl.boxed);
    lowerer.lowerBody(decl.sig!.fid!, decl.body.stmts, decl.sig!.ret);
    if (lowerer.selfCallSite !== undefined) {
      lowerOutsideEntry(mb, body, decl.sig!);
      options.selfCallSite?.(decl.sig!.fid!, lowerer.selfCallSite);
    }
  }
  if (options.entryFid !== undefined) {
    const entry = mb.createFunction(llvm.FunctionType.get(mb.void, [], false), options.entrySymbol);
    new FunctionLowerer(mb, entry, checked.entryLocals, options, undefined, checked.entryBoxed).lowerEntry(options.entryFid, checked);
  }
  lowerPendingLambdas(mb, (lambda, fn) => {
    // An anonymous function's code takes (depth, its KilnFn, parameters...).
    const lowerer = new FunctionLowerer(mb, fn, lambda.locals!, options, lambda.sig!, lambda.boxed);
    lowerer.closure = fn.getArg(1);
    lowerer.lowerBody(lambda.sig!.fid!, lambda.body.stmts, lambda.sig!.ret, 2);
  });
  // Not verified here: the addon parses and verifies the text anyway (addModule throws).
  return mb.print();
}

/**
 * For a function whose self-calls record no location: an entry for every call but its
 * self-calls (the session puts it in the function's slot, which the function's value calls
 * too) that marks its depth in kiln_fstack while the body runs. A traceback then tells
 * the function's first frame (marked: its caller recorded a location) from the frames of its
 * self-calls (unmarked: their caller is the function, at its self-call site). The addon
 * clears the marks of the frames an error unwinds.
 */
function lowerOutsideEntry(mb: ModuleBuilder, body: llvm.Function, sig: FnSig): void {
  const entry = mb.createFunction(mb.kilnFunctionType(sig), outsideEntrySymbol(sig.symbol!));
  mb.b.SetInsertPoint(llvm.BasicBlock.Create(mb.context, 'entry', entry));
  const mark = mb.stackSlot('kiln_fstack', entry.getArg(0));
  mb.b.CreateStore(mb.i32c(1), mark);
  const result = mb.b.CreateCall(body, Array.from({ length: entry.arg_size() }, (_, i) => entry.getArg(i)));
  mb.b.CreateStore(mb.i32c(0), mark);
  if (sig.ret.kind === 'void') mb.b.CreateRetVoid();
  else mb.b.CreateRet(result);
}

export interface LoopTargets {
  breakTo: llvm.BasicBlock;
  continueTo: llvm.BasicBlock;
}

export class FunctionLowerer {
  readonly b: llvm.IRBuilder;
  /** Each local's stack slot (for a boxed local: the address of its box), but a parameter's
   *  that nothing assigns: that one is its argument itself (`parameters`). */
  readonly locals: llvm.AllocaInst[] = [];
  /** Parameters that nothing assigns and no closure captures, by local id: their arguments.
   *  (A slot would be promoted back to the argument at %opt 1 and up; at 0 each read was a
   *  load, and the slot, its store and its loads were a tenth of a small function's IR.) */
  private readonly parameters = new Map<number, llvm.Value>();
  /** In an anonymous function: its KilnFn (where its captures' boxes are). */
  closure?: llvm.Value;
  private readonly loops: LoopTargets[] = [];
  private readonly recordedLets = new Set<number>();
  /** The function's first block, and its first instruction but the allocas: they go before it. */
  private entryBlock!: llvm.BasicBlock;
  private allocaPoint!: llvm.Instruction;
  fid = 0;
  /** The depth this frame runs at (an i64 value). */
  frameDepth!: llvm.Value;
  /** The location last stored in kiln_lstack, and the block that stored it (its
   *  ModuleBuilder.insertBlockSerial). */
  private recorded?: { block: number; location: number };
  /** For the entry function: the depth in kiln_depth when it started. */
  private entryDepth?: llvm.LoadInst;
  /** Set when the body calls its own function directly (see finishEntryCheck). */
  callsItself = false;
  /** Set when the body calls code that may run Kiln code other than its own function (another
   *  function, a function value, eval, map...): only then can an eval redefine the function
   *  while its body runs (finishEntryCheck). */
  mayRunOtherKilnCode = false;
  /** The entry check's cold path (finishEntryCheck fills it), where an interrupt is
   *  reported, and the block the call goes on in. */
  private entryCold?: { block: llvm.BasicBlock; location: number; resume: llvm.BasicBlock };
  /** The self-calls and their lines: their locations are stored when the body is done
   *  (settleSelfCalls). */
  private readonly selfCalls: { call: llvm.CallInst; line: number }[] = [];
  /** Set (to the self-calls' location) when the self-calls record no location. */
  selfCallSite?: number;

  constructor(
    readonly mb: ModuleBuilder,
    readonly fn: llvm.Function,
    private readonly localTypes: Type[],
    readonly options: LowerOptions,
    readonly self?: FnSig,
    /** Locals captured by an anonymous function: each lives in a box. */
    readonly boxed: Set<number> = new Set(),
  ) {
    this.b = mb.b;
  }

  // ---- frames ------------------------------------------------------------------------

  /**
   * A Kiln function receives its frame depth as a hidden first argument (the caller's depth
   * plus one), so a call costs no memory traffic for the depth; the runtime learns the
   * depth from `kiln_depth`, which the code stores before every call into the runtime.
   * The cell's entry function starts from the depth in `kiln_depth` (the runtime's, or
   * the caller's when run by eval) and puts it back when it returns.
   */
  private prologue(fid: number, line: number, depth?: llvm.Value): void {
    const { mb, b } = this;
    this.fid = fid;
    this.entryBlock = this.block('entry');
    b.SetInsertPoint(this.entryBlock);
    if (depth) {
      this.frameDepth = depth;
    } else {
      this.entryDepth = b.CreateLoad(mb.i64, mb.runtimeGlobal('kiln_depth'));
      this.frameDepth = b.CreateAdd(this.entryDepth, mb.int(1));
    }
    const limit = this.checkEntry(line);
    this.allocaPoint = this.entryDepth ?? limit;
    this.localTypes.forEach((t, id) => {
      if (!this.parameters.has(id)) this.locals[id] = this.alloca(this.boxed.has(id) ? mb.ptr : mb.regType(t));
    });
  }

  /**
   * A call's one check at entry: its depth against `kiln_call_limit`, which is the
   * recursion limit while the interrupt word is 0 and below every depth while it is set
   * (interrupt-word.ts). So the recursion limit and the interrupt poll cost one compare.
   * The cold path is left for finishEntryCheck, which knows its arguments once the body is
   * done.
   */
  private checkEntry(line: number): llvm.LoadInst {
    const { mb, b } = this;
    const limit = b.CreateLoad(mb.i32, mb.runtimeGlobal('kiln_call_limit'));
    const cold = this.block('call_slow');
    const ok = this.block('ok');
    const recorded = this.recorded;
    // Compared as 32-bit words (no sign extension of the limit): a depth never passes 10001.
    b.CreateCondBr(mb.unlikely(b.CreateICmpSGT(b.CreateTrunc(this.frameDepth, mb.i32), limit)), cold, ok);
    b.SetInsertPoint(ok);
    // `ok` is reached from the block before the check, directly or through the cold path,
    // which stores nothing in this frame: what that block recorded holds.
    this.recorded = recorded && { ...recorded, block: this.mb.insertBlockSerial() };
    this.entryCold = { block: cold, location: this.options.location(this.fid, line), resume: ok };
    return limit;
  }

  /**
   * The entry check's cold path: on an interrupt or a call too deep, `kiln_call_refused`
   * raises KeyboardInterrupt or RecursionError (reported from the caller's frame: the call
   * that would go too deep). It never returns, so the arguments stay in their registers
   * (a call that returned for the word's other value cost fib(38) 3 ms in spills). When the
   * word holds another value, a function that calls itself
   * directly checks whether an `eval` has redefined it while it ran, and if so passes this
   * call (same depth, same arguments) to the new body — the caller's next call runs the
   * redefinition (LANGUAGE.md). Other functions just go on, and so does one that runs no
   * Kiln code but its own (fib): an eval cannot redefine it while its body runs, since no
   * eval can run then. Its entries stay free of a path that calls the slot and returns into
   * the body, which cost fib(38) 6 of its 65 ms.
   */
  private finishEntryCheck(): void {
    const { b, mb } = this;
    const { block, location, resume } = this.entryCold!;
    b.SetInsertPoint(block);
    const refused = this.block('refused');
    const notInterrupted = this.block('not_interrupted');
    // The function whose slot this call may be passed on through (see above).
    const passesOn = this.callsItself && this.mayRunOtherKilnCode ? this.self : undefined;
    const goOn = passesOn ? this.block('other_word') : resume;
    b.CreateCondBr(b.CreateICmpEQ(b.CreateLoad(mb.i32, mb.runtimeGlobal('kiln_interrupt')), mb.i32c(INTERRUPT_REQUESTED)), refused, notInterrupted);
    b.SetInsertPoint(notInterrupted);
    b.CreateCondBr(b.CreateICmpSGT(this.frameDepth, mb.int(RECURSION_LIMIT)), refused, goOn);
    b.SetInsertPoint(refused);
    // (The runtime publishes the depth itself: the caller's for a RecursionError.)
    b.CreateCall(mb.runtime('kiln_call_refused'), [this.frameDepth, mb.i32c(location), mb.i32c(this.selfCallSite ?? NO_SELF_CALL_SITE)]);
    b.CreateUnreachable();
    if (passesOn) {
      b.SetInsertPoint(goOn);
      const slot = mb.loadSlot(passesOn);
      const passOn = this.block('redefined');
      b.CreateCondBr(b.CreateICmpEQ(slot, this.fn), resume, passOn);
      b.SetInsertPoint(passOn);
      const args = Array.from({ length: this.fn.arg_size() }, (_, i) => this.fn.getArg(i));
      const result = b.CreateCall(mb.kilnFunctionType(passesOn), slot, args);
      if (passesOn.ret.kind === 'void') b.CreateRetVoid();
      else b.CreateRet(result);
    }
  }

  /**
   * Stores the self-calls' locations, before each, unless the function runs no Kiln code but
   * its own and calls itself from one line only (fib): then every frame that called it, but
   * the first, is itself at that line, and nothing is stored. lowerModule gives such a
   * function an entry that marks outside calls, and a traceback puts the line back
   * (CodeTables.callStack). A RecursionError raised at its entry reports the caller's frame:
   * kiln_call_refused gets the site and records it there when the call was a self-call
   * (no mark). (Done in JIT code, that record cost fib(38) 4 ms in its cold path; the store
   * per call, about as much.)
   */
  private settleSelfCalls(): void {
    const { b } = this;
    const lines = new Set(this.selfCalls.map(({ line }) => line));
    if (this.mayRunOtherKilnCode || lines.size !== 1) {
      for (const { call, line } of this.selfCalls) {
        b.SetInsertPoint(call);
        this.storeLocation(this.options.location(this.fid, line));
      }
    } else {
      this.selfCallSite = this.options.location(this.fid, [...lines][0]);
    }
  }

  /** A direct self-call at `line`, whose location settleSelfCalls stores, or not. */
  selfCall(args: llvm.Value[], line: number): llvm.Value {
    const call = this.b.CreateCall(this.fn, args);
    this.selfCalls.push({ call, line });
    return call;
  }

  /** A stack slot at the top of the function's first block, where mem2reg can promote it. */
  alloca(type: llvm.Type): llvm.AllocaInst {
    const here = this.b.GetInsertBlock()!;
    this.b.SetInsertPoint(this.allocaPoint);
    const slot = this.b.CreateAlloca(type);
    this.b.SetInsertPoint(here);
    return slot;
  }

  /** Completes what waited for the body: the self-calls' locations and the entry check. */
  private finish(): void {
    const here = this.b.GetInsertBlock()!;
    this.settleSelfCalls();
    this.finishEntryCheck();
    this.b.SetInsertPoint(here);
  }

  /** A function's body; its parameters are the LLVM arguments from `firstParam` on. */
  lowerBody(fid: number, stmts: Stmt[], ret: Type, firstParam = 1): void {
    const self = this.self!;
    const assigned = assignedLocals(stmts);
    self.params.forEach((_, id) => {
      if (!assigned.has(id) && !this.boxed.has(id)) this.parameters.set(id, this.fn.getArg(id + firstParam));
    });
    this.prologue(fid, self.line, this.fn.getArg(0));
    self.params.forEach((p, id) => {
      if (!this.parameters.has(id)) this.declareVar({ kind: 'local', id, type: p.type }, () => this.fn.getArg(id + firstParam), self.line);
    });
    this.statements(stmts);
    const last = this.b.GetInsertBlock()!;
    if (last.use_empty() && last.getFirstNonPHI() === null) {
      // The empty block that followed the body's last `return`: nothing to compile.
      last.eraseFromParent();
      this.b.SetInsertPoint(this.entryBlock);
    } else if (!this.terminated()) {
      if (ret.kind === 'void') this.emitReturn();
      else this.b.CreateUnreachable(); // the checker proved every path returns
    }
    this.finish();
  }

  lowerEntry(fid: number, checked: CheckedCell): void {
    this.prologue(fid, checked.cell.stmts[0]?.span.line ?? 1);
    const stmts = checked.cell.stmts;
    const last = stmts[stmts.length - 1];
    const resultStmt = checked.resultType && last?.kind === 'expr' ? last : undefined;
    this.statements(resultStmt ? stmts.slice(0, -1) : stmts);
    if (resultStmt && !this.terminated()) {
      const value = this.expr(resultStmt.expr);
      const text = this.callRuntime('kiln_repr', [this.toBits(value, checked.resultType!), this.typeIdConst(checked.resultType!)], resultStmt.span.line);
      this.callRuntime('kiln_result', [text], resultStmt.span.line);
    }
    if (!this.terminated()) this.emitReturn();
    this.finish();
  }

  private emitReturn(value?: llvm.Value): void {
    if (this.entryDepth) this.b.CreateStore(this.entryDepth, this.mb.runtimeGlobal('kiln_depth'));
    if (value) this.b.CreateRet(value);
    else this.b.CreateRetVoid();
  }

  // ---- control-flow helpers ------------------------------------------------------------

  block(name: string): llvm.BasicBlock {
    return llvm.BasicBlock.Create(this.mb.context, name, this.fn);
  }

  terminated(): boolean {
    return this.b.GetInsertBlock()!.getTerminator() !== null;
  }

  /** Continues in a fresh (unreachable) block after a return/break/continue. */
  private afterJump(): void {
    this.b.SetInsertPoint(this.block('dead'));
  }

  /** If `failed`, runs `onFailure` (which must not return) in a cold block; continues after. */
  guard(failed: llvm.Value, onFailure: () => void): void {
    const fail = this.block('fail');
    const ok = this.block('ok');
    this.b.CreateCondBr(failed, fail, ok);
    const recorded = this.recorded;
    this.b.SetInsertPoint(fail);
    onFailure();
    this.b.SetInsertPoint(ok);
    // `ok` is reached only from the block before the check (the cold path never returns),
    // so what that block recorded still holds.
    this.recorded = recorded && { ...recorded, block: this.mb.insertBlockSerial() };
  }

  /** Records the current place (function and line, as a location id) in this frame's
   *  kiln_lstack entry: the Kiln call stack is read from there when an error is raised. */
  setLine(line: number): void {
    this.setLocation(this.options.location(this.fid, line));
  }

  private setLocation(location: number): void {
    // A store of the location this block already recorded is skipped: callees write
    // only deeper entries, so the value is still there. (Self-calls record theirs when the
    // body is done: settleSelfCalls.)
    const block = this.mb.insertBlockSerial();
    if (this.recorded?.block === block && this.recorded.location === location) return;
    this.recorded = { block, location };
    this.storeLocation(location);
  }

  private storeLocation(location: number): void {
    // The depth is frozen for the address: loop strength reduction would otherwise give
    // each loop made of self-calls a pointer of its own into the stack, one more register
    // to spill (fib(38): 83 -> 73 ms).
    this.b.CreateStore(this.mb.i32c(location), this.mb.stackSlot('kiln_lstack', this.mb.freeze(this.frameDepth)));
  }

  /** Tells the runtime this frame's depth (before any call into it). */
  publishDepth(): void {
    this.b.CreateStore(this.frameDepth, this.mb.runtimeGlobal('kiln_depth'));
  }

  callRuntime(name: string, args: llvm.Value[], line: number): llvm.Value {
    this.setLine(line);
    this.publishDepth();
    const call = this.b.CreateCall(this.mb.runtime(name), args);
    if (NORETURN.has(name)) this.b.CreateUnreachable();
    return call;
  }

  /** Calls a noreturn runtime function (the line was recorded by the caller). */
  raise(name: string, args: llvm.Value[]): void {
    this.publishDepth();
    this.b.CreateCall(this.mb.runtime(name), args);
    this.b.CreateUnreachable();
  }

  /**
   * Polls the interrupt word (one compare while it is 0); `location` is where an interrupt
   * is reported (default: the current line). Any other non-zero value (REDEFINED) goes on.
   */
  pollInterrupt(location?: number, line?: number): void {
    const { b, mb } = this;
    const word = b.CreateLoad(mb.i32, mb.runtimeGlobal('kiln_interrupt'));
    const set = this.block('interrupt_word_set');
    const interrupted = this.block('interrupted');
    const ok = this.block('ok');
    const recorded = this.recorded;
    b.CreateCondBr(b.CreateICmpNE(word, mb.i32c(0)), set, ok);
    b.SetInsertPoint(set);
    b.CreateCondBr(b.CreateICmpEQ(word, mb.i32c(INTERRUPT_REQUESTED)), interrupted, ok);
    b.SetInsertPoint(interrupted);
    this.raiseInterrupt(location ?? this.options.location(this.fid, line ?? 0));
    b.SetInsertPoint(ok);
    // `ok` is reached from the block before the poll, directly or through `set`, which
    // store nothing: what that block recorded holds.
    this.recorded = recorded && { ...recorded, block: this.mb.insertBlockSerial() };
  }

  /** Raises KeyboardInterrupt at `location`. One noreturn call records the place and raises.
   *  (A call that returned for the word's other values would spare a compare, but the
   *  optimiser would then have to assume that it writes memory inside every loop that
   *  polls, and reload arrays' lengths and data pointers at each iteration.) */
  private raiseInterrupt(location: number): void {
    this.b.CreateCall(this.mb.runtime('kiln_interrupted_at'), [this.frameDepth, this.mb.i32c(location)]);
    this.b.CreateUnreachable();
  }

  typeIdConst(t: Type): llvm.Value {
    return this.mb.i32c(this.options.typeId(t));
  }

  // ---- value representations ------------------------------------------------------------

  toBits(v: llvm.Value, t: Type): llvm.Value {
    const { b, mb } = this;
    switch (t.kind) {
      case 'int':
        return v;
      case 'float':
        return b.CreateBitCast(v, mb.i64);
      case 'bool':
        return b.CreateZExt(v, mb.i64);
      default:
        return b.CreatePtrToInt(v, mb.i64);
    }
  }

  fromBits(bits: llvm.Value, t: Type): llvm.Value {
    const { b, mb } = this;
    switch (t.kind) {
      case 'int':
        return bits;
      case 'float':
        return b.CreateBitCast(bits, mb.f64);
      case 'bool':
        return b.CreateICmpNE(bits, mb.int(0));
      default:
        return b.CreateIntToPtr(bits, mb.ptr);
    }
  }

  toMem(v: llvm.Value, t: Type): llvm.Value {
    return t.kind === 'bool' ? this.b.CreateZExt(v, this.mb.i64) : v;
  }

  fromMem(v: llvm.Value, t: Type): llvm.Value {
    return t.kind === 'bool' ? this.b.CreateICmpNE(v, this.mb.int(0)) : v;
  }

  /** Pointer to the 8-byte word at `offset` bytes into a heap object, typed for `memType`. */
  /** The pointer's name says what it points into (see ModuleBuilder.print: type-based alias info). */
  word(base: llvm.Value, offsetBytes: number, memType: llvm.Type, region: 'hdr' | 'field'): llvm.Value {
    const raw = offsetBytes === 0 ? base : this.b.CreateInBoundsGEP(this.mb.i8, base, [this.mb.int(offsetBytes)]);
    return this.b.CreateBitCast(raw, llvm.PointerType.getUnqual(memType), region);
  }

  /** An array's element storage (`data`, in its header). */
  dataPointer(array: llvm.Value, elem: Type): llvm.Value {
    const data = this.b.CreateLoad(this.mb.ptr, this.word(array, 16, this.mb.ptr, 'hdr'));
    return this.b.CreateBitCast(data, llvm.PointerType.getUnqual(this.mb.memType(elem)));
  }

  /** Address of element `index` in an array's storage (no check). */
  elementSlot(data: llvm.Value, index: llvm.Value, elem: Type): llvm.Value {
    return this.b.CreateInBoundsGEP(this.mb.memType(elem), data, [index], 'elem');
  }

  /** Length of a str or an array (both keep it in their first word). */
  lengthOf(base: llvm.Value): llvm.Value {
    return this.b.CreateLoad(this.mb.i64, this.word(base, 0, this.mb.i64, 'hdr'));
  }

  /** Address of element `index` of an array of `elem`, after the bounds check. */
  elementAddress(array: llvm.Value, index: llvm.Value, elem: Type, line: number): llvm.Value {
    const { b } = this;
    const length = this.lengthOf(array);
    this.guard(b.CreateICmpUGE(index, length), () => {
      this.setLine(line);
      this.raise('kiln_index_error', [index, length]);
    });
    return this.elementSlot(this.dataPointer(array, elem), index, elem);
  }

  fieldAddress(object: llvm.Value, fieldIndex: number, fieldType: Type): llvm.Value {
    return this.word(object, 8 * fieldIndex, this.mb.memType(fieldType), 'field');
  }

  private globalAddress(ref: Extract<VarRef, { kind: 'global' }>): llvm.Value {
    if (this.self) this.options.usedByFunction?.(ref.global);
    return this.mb.address(ref.global.slot!, this.mb.memType(ref.global.type));
  }

  // ---- statements ----------------------------------------------------------------------

  statements(stmts: Stmt[]): void {
    stmts.forEach((stmt, i) => {
      // A long run of statements is cut into blocks: instruction selection at %opt 0
      // works a block at a time and slows down more than linearly on a huge one (a
      // 20,000-line cell took 1.4 s instead of 0.2 s).
      if (i > 0 && i % STATEMENTS_PER_BLOCK === 0) this.options.checkInterrupt?.();
      if (i > 0 && i % STATEMENTS_PER_BLOCK === 0 && !this.terminated()) {
        const next = this.block('stmts');
        this.b.CreateBr(next);
        this.b.SetInsertPoint(next);
      }
      this.statement(stmt);
    });
  }

  private blockStmts(block: Block): void {
    this.statements(block.stmts);
  }

  /** A loop's body: `break` jumps to breakTo, `continue` to continueTo. */
  loopBody(body: Block, breakTo: llvm.BasicBlock, continueTo: llvm.BasicBlock): void {
    this.loops.push({ breakTo, continueTo });
    this.blockStmts(body);
    this.loops.pop();
  }

  private statement(s: Stmt): void {
    const { b, mb } = this;
    switch (s.kind) {
      case 'let':
        this.declareVar(s.target!, () => this.expr(s.init), s.span.line);
        return this.recordLetRan(s.target!);
      case 'assign':
        return this.assign(s);
      case 'expr':
        this.expr(s.expr);
        return;
      case 'block':
        return this.blockStmts(s.block);
      case 'if': {
        const thenBB = this.block('then');
        const elseBB = this.block('else');
        const join = this.block('endif');
        b.CreateCondBr(this.expr(s.cond), thenBB, elseBB);
        b.SetInsertPoint(thenBB);
        this.blockStmts(s.then);
        if (!this.terminated()) b.CreateBr(join);
        b.SetInsertPoint(elseBB);
        if (s.else) this.blockStmts(s.else);
        if (!this.terminated()) b.CreateBr(join);
        b.SetInsertPoint(join);
        return;
      }
      case 'while': {
        const head = this.block('while.cond');
        const body = this.block('while.body');
        const exit = this.block('while.end');
        b.CreateBr(head);
        b.SetInsertPoint(head);
        b.CreateCondBr(this.expr(s.cond), body, exit);
        b.SetInsertPoint(body);
        this.loopBody(s.body, exit, head);
        if (!this.terminated()) {
          this.pollInterrupt(undefined, s.span.line);
          b.CreateBr(head);
        }
        b.SetInsertPoint(exit);
        return;
      }
      case 'for': {
        const start = this.expr(s.start);
        const end = this.expr(s.end);
        return countedLoop(this, { start, end, bindVar: (i) => this.declareVar(s.varRef!, () => i, s.span.line), body: s.body });
      }
      case 'foreach': {
        const array = this.expr(s.iter);
        if (s.iter.type!.kind === 'map') {
          const keyType = (s.iter.type as MapType).key;
          return lowerMapLoop(this, array, keyType, (key) => this.declareVar(s.varRef!, () => key, s.span.line), s.body, s.span.line);
        }
        const elem = (s.iter.type as Extract<Type, { kind: 'array' }>).elem;
        return countedLoop(this, {
          start: mb.int(0),
          end: this.lengthOf(array),
          bindVar: (i) => {
            // In range: the loop checked `i` against the length (current, or unchanging).
            const address = this.elementSlot(this.dataPointer(array, elem), i, elem);
            this.declareVar(s.varRef!, () => this.fromMem(b.CreateLoad(mb.memType(elem), address), elem), s.span.line);
          },
          body: s.body,
          liveEnd: () => this.lengthOf(array),
          endMayChange: mayChangeLength(s.body),
        });
      }
      case 'break':
      case 'continue': {
        const loop = this.loops[this.loops.length - 1];
        b.CreateBr(s.kind === 'break' ? loop.breakTo : loop.continueTo);
        return this.afterJump();
      }
      case 'return':
        this.emitReturn(s.value ? this.expr(s.value) : undefined);
        return this.afterJump();
    }
  }

  /** After the first `let` of a new global: its number goes to the progress word. */
  private recordLetRan(ref: VarRef): void {
    const progress = this.options.globalProgress;
    const ordinal = ref.kind === 'global' ? progress?.ordinals.get(ref.global) : undefined;
    if (!progress || ordinal === undefined || this.recordedLets.has(ordinal)) return;
    this.recordedLets.add(ordinal);
    this.b.CreateStore(this.mb.int(ordinal), this.mb.address(progress.word, this.mb.i64));
  }

  /** A variable's declaration runs (a `let`, a loop's next iteration, a parameter): a captured
   *  local gets a fresh box first, so closures made before see this one's value. */
  private declareVar(ref: VarRef, value: () => llvm.Value, line: number): void {
    if (ref.kind === 'local' && this.boxed.has(ref.id)) this.b.CreateStore(newBox(this, line), this.locals[ref.id]);
    this.storeVar(ref, value());
  }

  private storeVar(ref: VarRef, value: llvm.Value): void {
    const boxed = boxedVar(this, ref);
    if (boxed) this.b.CreateStore(this.toMem(value, boxed.type), boxed.slot);
    else if (ref.kind === 'local') this.b.CreateStore(value, this.locals[ref.id]);
    else if (ref.kind === 'global') this.b.CreateStore(this.toMem(value, ref.global.type), this.globalAddress(ref));
    else throw new Error(`internal error: cannot store to ${ref.kind}`);
  }

  loadVar(ref: VarRef, line = 0): llvm.Value {
    if (ref.kind === 'function') return namedFunctionValue(this, ref.fn);
    const boxed = boxedVar(this, ref);
    if (boxed) return this.fromMem(this.b.CreateLoad(this.mb.memType(boxed.type), boxed.slot), boxed.type);
    if (ref.kind === 'local') return this.parameters.get(ref.id) ?? this.b.CreateLoad(this.mb.regType(ref.type), this.locals[ref.id]);
    if (ref.kind !== 'global') throw new Error(`internal error: cannot load ${ref.kind}`);
    const t = ref.global.type;
    const value = this.fromMem(this.b.CreateLoad(this.mb.memType(t), this.globalAddress(ref)), t);
    if (t.kind === 'array' || t.kind === 'struct' || t.kind === 'map' || t.kind === 'fn') {
      // A function may run before the `let` of a global it reads (numbers read 0 and strings
      // "" then): an array, struct, map or function is not there yet: a NameError, not a crash.
      this.guard(this.b.CreateIsNull(value), () => {
        this.setLine(line);
        this.raise('kiln_uninitialized', [this.mb.stringLiteral(ref.global.name)]);
      });
    }
    return value;
  }

  /** Assignment and compound assignment to a name, an element or a field. */
  private assign(s: Extract<Stmt, { kind: 'assign' }>): void {
    const { b, mb } = this;
    const t = s.target;
    let load: () => llvm.Value;
    let store: (v: llvm.Value) => void;
    if (t.kind === 'name') {
      load = () => this.loadVar(t.ref!, s.span.line);
      store = (v) => this.storeVar(t.ref!, v);
    } else if (t.kind === 'index' && t.target.type!.kind === 'map') {
      const mapType = t.target.type as MapType;
      const map = this.expr(t.target);
      const key = this.expr(t.index);
      load = () => mapGet(this, map, key, mapType, s.span.line);
      store = (v) => mapSet(this, map, key, v, mapType, s.span.line);
    } else if (t.kind === 'index' || t.kind === 'field') {
      const valueType = t.type!;
      let address: llvm.Value;
      if (t.kind === 'index') {
        const array = this.expr(t.target);
        const index = this.expr(t.index);
        address = this.elementAddress(array, index, valueType, s.span.line);
      } else {
        address = this.fieldAddress(this.expr(t.target), t.fieldIndex!, valueType);
      }
      load = () => this.fromMem(b.CreateLoad(mb.memType(valueType), address), valueType);
      store = (v) => b.CreateStore(this.toMem(v, valueType), address);
    } else {
      throw new Error(`internal error: cannot assign to ${t.kind}`);
    }
    if (s.op === '=') return store(this.expr(s.value));
    const old = load();
    const op = s.op.slice(0, 1) as '+' | '-' | '*' | '/' | '%';
    store(arithmetic(this, op, t.type!, old, this.expr(s.value), s.span.line));
  }

  expr(e: Expr): llvm.Value {
    return lowerExpr(this, e);
  }
}
