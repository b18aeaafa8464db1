// The LLVM vocabulary lowering speaks: Kiln types as LLVM types, constants, and the
// runtime's functions and data (declared in runtime-abi.ts), declared on first use.
import llvm from 'llvm-bindings';
import type { FnSig, Type } from './ast';
import { RECURSION_LIMIT, RUNTIME, RuntimeData } from './runtime-abi';

export { INTERRUPT_REQUESTED, NO_SELF_CALL_SITE, NORETURN, RECURSION_LIMIT } from './runtime-abi';

/**
 * Type-based alias information for heap accesses, attached (as text, which the bindings
 * cannot do) to loads and stores through pointers that lowering names after the region
 * they point into: an array's header (`hdr`: length, capacity, data pointer), an array's
 * elements (`elem`) or a struct's fields (`field`). The three never overlap, so a store to
 * an element cannot change an array's length: the optimizer keeps the length and data
 * pointer in registers across a loop that writes elements (the sieve's inner loop).
 */
const TBAA_TAGS = { hdr: '!1001', elem: '!1002', field: '!1003' };
const HEAP_ACCESS = /^(\s+(?:%\S+ = )?(?:load|store) .*\* (%(hdr|elem|field)\d*), align \d+)$/gm;
const HEAP_POINTER = /\* %(hdr|elem|field)\d*, align/;
const TBAA_METADATA = `
!1000 = !{!"kiln heap"}
!1004 = !{!"kiln array header", !1000, i64 0}
!1005 = !{!"kiln array element", !1000, i64 0}
!1006 = !{!"kiln struct field", !1000, i64 0}
!1001 = !{!1004, !1004, i64 0}
!1002 = !{!1005, !1005, i64 0}
!1003 = !{!1006, !1006, i64 0}
`;

/** Integer constants by type and value, per context (LLVM keeps every constant of a
 *  context for good; the bindings make a new wrapper for each get): the values a cell's
 *  code uses over and over (0, 1, the recursion limit, location ids), up to a bound. */
const intConstants = new WeakMap<llvm.LLVMContext, Map<string, llvm.Value>>();
const MAX_CACHED_CONSTANTS = 1 << 14;

const TWO_POW_52 = 2n ** 52n;

/** The types every module uses, per context (made once: a type lives as long as its context). */
interface ContextTypes {
  i1: llvm.IntegerType;
  i8: llvm.IntegerType;
  i32: llvm.IntegerType;
  i64: llvm.IntegerType;
  f64: llvm.Type;
  void: llvm.Type;
  ptr: llvm.PointerType;
  stackType: llvm.ArrayType;
}
const contextTypes = new WeakMap<llvm.LLVMContext, ContextTypes>();

/** Kiln functions' LLVM types by shape, per context (kilnFunctionType). */
const functionTypes = new WeakMap<llvm.LLVMContext, Map<string, llvm.FunctionType>>();

/** The runtime data's absolute addresses as pointer constants, per context and address
 *  (see runtimeGlobal): every function's entry check names one, and making it took three
 *  calls into the bindings. */
const runtimeDataPointers = new WeakMap<llvm.LLVMContext, Map<string, llvm.Value>>();

/** An emptied module and its builder, per context, for the next ModuleBuilder. */
const spareModules = new Map<llvm.LLVMContext, Reusable>();

/** What a ModuleBuilder hands on to the next: the module, its builder, and the runtime's
 *  declarations (the same in every cell; making and erasing them cost ~1 KB a function
 *  that the bindings never gave back). */
interface Reusable {
  module: llvm.Module;
  b: llvm.IRBuilder;
  kept: Map<string, llvm.Function>;
  globals: Map<string, llvm.GlobalVariable>;
}

/** Bumped by every SetInsertPoint of a builder made by countingBuilder: an unchanged count
 *  means code still goes into the same block (llvm-bindings hands out a new wrapper for
 *  each GetInsertBlock(), so a block has no identity to compare). */
let insertPoints = 0;

function countingBuilder(context: llvm.LLVMContext): llvm.IRBuilder {
  const b = new llvm.IRBuilder(context);
  const setInsertPoint = b.SetInsertPoint.bind(b) as (at: unknown) => void;
  // The bindings' methods are read-only properties of the prototype: shadowed on the object.
  Object.defineProperty(b, 'SetInsertPoint', {
    value: (at: unknown) => {
      insertPoints++;
      setInsertPoint(at);
    },
  });
  return b;
}

/** The runtime data's addresses below 2 GB, from the current JIT (setLowRuntimeData). */
let lowRuntimeData: Partial<Record<RuntimeData, number>> = {};

/** Called with what createJit returns: the runtime data that code may address absolutely. */
export function setLowRuntimeData(addresses: Partial<Record<RuntimeData, number>>): void {
  lowRuntimeData = addresses;
}

/** ModuleBuilder.freeze's placeholder, and its calls and declaration as printed. */
const FREEZE_PLACEHOLDER = 'kiln.freeze';
const FREEZE_CALL = /call i64 @kiln\.freeze\(i64 ([^)]+)\)/g;
const FREEZE_DECLARATION = /^declare i64 @kiln\.freeze\(i64\)\n/m;

/** A `declare` line as printed (with the attributes comment LLVM puts above an intrinsic's),
 *  and the function it names. */
const DECLARATION = /^(?:; Function Attrs: [^\n]*\n)?declare [^\n]*? @([-\w$.]+)\([^\n]*\n\n?/gm;
const IDENTIFIER_CHAR = /[-\w$.]/;

/** Whether `text` names `@name` more than once. */
function namedTwice(text: string, name: string): boolean {
  let seen = 0;
  for (let at = text.indexOf(`@${name}`); at >= 0; at = text.indexOf(`@${name}`, at + 1)) {
    if (!IDENTIFIER_CHAR.test(text[at + name.length + 1] ?? '') && ++seen === 2) return true;
  }
  return false;
}

/**
 * The text without the declarations nothing in it calls. The reused module keeps every
 * runtime declaration a session has made (see Reusable), and LLVM prints them all: a cell
 * late in a session would carry dozens that the addon parses for nothing (parsing the six
 * of an `eval`'s one-line function took a third of its parse).
 */
function withoutUnusedDeclarations(text: string): string {
  return text.replace(DECLARATION, (declaration, name: string) => (namedTwice(text, name) ? declaration : ''));
}

/** How the printed IR names a runtime word that another thread writes: by its address, or its global. */
function sharedWordOperand(name: 'kiln_interrupt' | 'kiln_call_limit'): string {
  const low = lowRuntimeData[name];
  return low === undefined ? `@${name}` : `inttoptr (i64 ${low} to i32*)`;
}

/** One module under construction, with the types and declarations it uses. */
export class ModuleBuilder {
  readonly context: llvm.LLVMContext;
  readonly module: llvm.Module;
  readonly b: llvm.IRBuilder;
  readonly i1: llvm.IntegerType;
  readonly i8: llvm.IntegerType;
  readonly i32: llvm.IntegerType;
  readonly i64: llvm.IntegerType;
  readonly f64: llvm.Type;
  readonly void: llvm.Type;
  readonly ptr: llvm.PointerType;
  private readonly stackType: llvm.ArrayType;
  private stringCount = 0;
  /** Declarations of this cell (C functions of `extern fn`), erased by dispose(). */
  private readonly declared = new Map<string, llvm.Function>();
  /** Declarations of the runtime, LLVM intrinsics and libm, and the runtime's globals:
   *  the same in every cell, so they stay in a reused module. */
  private readonly kept: Map<string, llvm.Function>;
  private readonly globals: Map<string, llvm.GlobalVariable>;
  /** Functions defined or declared for this cell only, erased by dispose(). */
  private readonly made: llvm.Function[] = [];
  /** Globals of this cell only (function values), erased by dispose(). */
  private readonly madeGlobals: llvm.GlobalVariable[] = [];
  /** C symbols of this cell's `extern fn`s (declared `nobuiltin` when printed). */
  private readonly cSymbols = new Set<string>();

  /** `stringAddress`, if given, places string literals outside the module (see stringLiteral). */
  constructor(
    context: llvm.LLVMContext,
    name: string,
    private readonly stringAddress?: (text: string) => number,
  ) {
    this.context = context;
    // The bindings never free a module or a builder (4.6 KB a cell): an emptied one is
    // reused (see dispose), unless one is still being built (not the case in practice).
    const spare = spareModules.get(context);
    if (spare) {
      spareModules.delete(context);
      spare.module.setModuleIdentifier(name);
      spare.module.setSourceFileName(name);
    }
    this.module = spare?.module ?? new llvm.Module(name, context);
    this.b = spare?.b ?? countingBuilder(context);
    this.kept = spare?.kept ?? new Map();
    this.globals = spare?.globals ?? new Map();
    let types = contextTypes.get(context);
    if (!types) {
      const i32 = this.b.getInt32Ty();
      types = {
        i1: this.b.getInt1Ty(),
        i8: this.b.getInt8Ty(),
        i32,
        i64: this.b.getInt64Ty(),
        f64: this.b.getDoubleTy(),
        void: this.b.getVoidTy(),
        ptr: this.b.getInt8PtrTy(),
        // Depths 0 to RECURSION_LIMIT + 1 (kStackWords in kiln.h).
        stackType: llvm.ArrayType.get(i32, RECURSION_LIMIT + 2),
      };
      contextTypes.set(context, types);
    }
    ({ i1: this.i1, i8: this.i8, i32: this.i32, i64: this.i64, f64: this.f64, void: this.void, ptr: this.ptr, stackType: this.stackType } = types);
  }

  /** Which block code goes into: equal numbers, same block (see countingBuilder). */
  insertBlockSerial(): number {
    return insertPoints;
  }

  /** The type of a value of Kiln type `t` in a register. */
  regType(t: Type): llvm.Type {
    switch (t.kind) {
      case 'int':
        return this.i64;
      case 'float':
        return this.f64;
      case 'bool':
        return this.i1;
      case 'void':
        return this.void;
      default:
        return this.ptr;
    }
  }

  /** The LLVM type of a Kiln function: its frame depth first, then its parameters. (Made
   *  once per shape and context: a function type lives as long as its context, and making
   *  one took a twentieth of lowering a one-line function.) */
  kilnFunctionType(sig: FnSig): llvm.FunctionType {
    const ret = this.regType(sig.ret);
    const params = [this.i64, ...sig.params.map((p) => this.regType(p.type))];
    let types = functionTypes.get(this.context);
    if (!types) functionTypes.set(this.context, (types = new Map()));
    const key = [ret, ...params].map((t) => this.regTypeKey(t)).join();
    let type = types.get(key);
    if (!type) types.set(key, (type = llvm.FunctionType.get(ret, params, false)));
    return type;
  }

  /** A short name of a register type (as regType makes them), for keys. */
  private regTypeKey(t: llvm.Type): string {
    return t === this.i64 ? 'q' : t === this.f64 ? 'd' : t === this.i1 ? 'b' : t === this.void ? 'v' : 'p';
  }

  /** The body a named function's slot holds now (what a call through the slot runs). */
  loadSlot(sig: FnSig): llvm.Value {
    const pointer = llvm.PointerType.getUnqual(this.kilnFunctionType(sig));
    return this.b.CreateLoad(pointer, this.address(sig.slot!, pointer));
  }

  /** The type of an 8-byte memory slot holding a value of Kiln type `t` (bool is an i64 0/1). */
  memType(t: Type): llvm.Type {
    return t.kind === 'bool' ? this.i64 : this.regType(t);
  }

  int(value: bigint | number): llvm.Value {
    if (typeof value === 'number' && Number.isSafeInteger(value)) return this.cachedInt(this.i64, 'q', value);
    const v = BigInt.asIntN(64, BigInt(value));
    if (v >= -TWO_POW_52 && v < TWO_POW_52) return this.cachedInt(this.i64, 'q', Number(v));
    // Wider than a double holds exactly: build it from two 32-bit halves (the builder folds it).
    const hi = Number(BigInt.asUintN(64, v) >> 32n);
    const lo = Number(BigInt.asUintN(64, v) & 0xffffffffn);
    const high = this.b.CreateShl(llvm.ConstantInt.get(this.i64, hi, false), this.smallInt64(32));
    return this.b.CreateOr(high, llvm.ConstantInt.get(this.i64, lo, false));
  }

  private smallInt64(n: number): llvm.Value {
    return this.cachedInt(this.i64, 'q', n);
  }

  i32c(n: number): llvm.Value {
    return this.cachedInt(this.i32, 'd', n);
  }

  /** ConstantInt.get(type, value, signed) of a value that fits in 52 bits, through the context's cache. */
  private cachedInt(type: llvm.IntegerType, typeKey: string, value: number): llvm.Value {
    let cache = intConstants.get(this.context);
    if (!cache) intConstants.set(this.context, (cache = new Map()));
    const key = typeKey + value;
    let constant = cache.get(key);
    if (!constant) {
      constant = llvm.ConstantInt.get(type, value, true);
      if (cache.size < MAX_CACHED_CONSTANTS) cache.set(key, constant);
    }
    return constant;
  }

  float(value: number): llvm.Value {
    return llvm.ConstantFP.get(this.f64, value);
  }

  bool(value: boolean): llvm.Value {
    return value ? this.b.getTrue() : this.b.getFalse();
  }

  /** A pointer constant to a fixed address (session slots live outside the JIT's memory). */
  address(addr: number, pointee: llvm.Type): llvm.Value {
    return this.b.CreateIntToPtr(llvm.ConstantInt.get(this.i64, addr, false), llvm.PointerType.getUnqual(pointee));
  }

  /** A string literal laid out as a KilnStr `{ i64 len, [len+1 x i8] }`, as an i8*: at the
   *  session's address for that text if there is one (values may keep a literal after its
   *  cell's code is gone, and the module's IR is then freed whole), else in the module. */
  stringLiteral(text: string): llvm.Value {
    if (this.stringAddress) return this.address(this.stringAddress(text), this.i8);
    const bytes = Buffer.from(text, 'utf8');
    const arrayType = llvm.ArrayType.get(this.i8, bytes.length + 1);
    const chars = [...bytes, 0].map((byte) => llvm.ConstantInt.get(this.i8, byte, false));
    const layout = llvm.StructType.get(this.context, [this.i64, arrayType]);
    const init = llvm.ConstantStruct.get(layout, [
      llvm.ConstantInt.get(this.i64, bytes.length, false) as llvm.Constant,
      llvm.ConstantArray.get(arrayType, chars),
    ]);
    const global = new llvm.GlobalVariable(
      this.module,
      layout,
      true,
      llvm.Function.LinkageTypes.PrivateLinkage,
      init,
      `str.${this.stringCount++}`,
    );
    return llvm.ConstantExpr.getBitCast(global, this.ptr);
  }

  private typeOf(spelling: string): llvm.Type {
    switch (spelling) {
      case 'void':
        return this.void;
      case 'ptr':
        return this.ptr;
      case 'i32':
        return this.i32;
      case 'i64':
        return this.i64;
      case 'double':
        return this.f64;
      default:
        throw new Error(`unknown runtime type ${spelling}`);
    }
  }

  /** Declares (once) and returns a function of the given signature. The runtime's and
   *  LLVM's (`kiln_*`, `llvm.*`) and libm's (`libm`) never change and are kept. */
  declare(name: string, ret: llvm.Type, params: llvm.Type[], libm = false): llvm.Function {
    const keep = libm || name.startsWith('kiln_') || name.startsWith('llvm.');
    const table = keep ? this.kept : this.declared;
    let fn = table.get(name);
    if (!fn) {
      const fnType = llvm.FunctionType.get(ret, params, false);
      fn = llvm.Function.Create(fnType, llvm.Function.LinkageTypes.ExternalLinkage, name, this.module);
      if (!keep) this.made.push(fn);
      table.set(name, fn);
    }
    return fn;
  }

  /** A function of this cell (a declaration until a body is added). */
  createFunction(type: llvm.FunctionType, name: string): llvm.Function {
    const fn = llvm.Function.Create(type, llvm.Function.LinkageTypes.ExternalLinkage, name, this.module);
    this.made.push(fn);
    return fn;
  }

  /** A global of this cell (a function value's data), erased by dispose(). */
  createGlobal(type: llvm.Type, constant: boolean, linkage: number, init: llvm.Constant, name: string): llvm.GlobalVariable {
    const global = new llvm.GlobalVariable(this.module, type, constant, linkage, init, name);
    this.madeGlobals.push(global);
    return global;
  }

  /** A C function (extern fn) as a callee of type `fnType`, declared `nobuiltin` when printed:
   *  LLVM must call the C code as it is, not its idea of a libc function of that name (e.g.
   *  fold `strlen(null)`). Externs of earlier cells may bind one symbol with different C
   *  types: the symbol is declared once, with the first, and cast for the others. */
  declareC(symbol: string, ret: llvm.Type, params: llvm.Type[]): { callee: llvm.Constant; fnType: llvm.FunctionType } {
    this.cSymbols.add(symbol);
    const fnType = llvm.FunctionType.get(ret, params, false);
    const fn = this.declare(symbol, ret, params);
    return { callee: llvm.ConstantExpr.getBitCast(fn, llvm.PointerType.getUnqual(fnType)), fnType };
  }

  runtime(name: string): llvm.Function {
    const sig = RUNTIME[name];
    if (!sig) throw new Error(`unknown runtime function ${name}`);
    return this.declare(name, this.typeOf(sig[0]), sig[1].map((p) => this.typeOf(p)));
  }

  /** `value` as an opaque copy (`freeze`, which the bindings cannot make: a call of a
   *  placeholder that print() turns into the instruction). */
  freeze(value: llvm.Value): llvm.Value {
    return this.b.CreateCall(this.declare(FREEZE_PLACEHOLDER, this.i64, [this.i64]), [value]);
  }

  /** `condition`, marked as almost never true (`llvm.expect`): the optimiser lays the
   *  branch's true side out of line, as it does by itself for a path that cannot return. */
  unlikely(condition: llvm.Value): llvm.Value {
    return this.b.CreateCall(this.declare('llvm.expect.i1', this.i1, [this.i1, this.i1]), [condition, this.b.getFalse()]);
  }

  /** An LLVM intrinsic or libm function on doubles, e.g. `llvm.sqrt.f64`, `tan`. */
  mathFunction(name: string, arity: number): llvm.Function {
    return this.declare(name, this.f64, Array(arity).fill(this.f64), true);
  }

  /** A data symbol of the runtime: its absolute address when the JIT gave one below 2 GB
   *  (a 32-bit displacement in the instruction), else an external global (through the GOT). */
  runtimeGlobal(name: RuntimeData): llvm.Value {
    const type = name === 'kiln_depth' ? this.i64 : name === 'kiln_interrupt' || name === 'kiln_call_limit' ? this.i32 : name === 'kiln_cfunc' ? this.ptr : this.stackType;
    const low = lowRuntimeData[name];
    if (low !== undefined) {
      let pointers = runtimeDataPointers.get(this.context);
      if (!pointers) runtimeDataPointers.set(this.context, (pointers = new Map()));
      const key = `${name}@${low}`;
      let pointer = pointers.get(key);
      if (!pointer) pointers.set(key, (pointer = this.address(low, type)));
      return pointer;
    }
    let global = this.globals.get(name);
    if (!global) {
      global = new llvm.GlobalVariable(this.module, type, false, llvm.Function.LinkageTypes.ExternalLinkage, null, name);
      this.globals.set(name, global);
    }
    return global;
  }


  /** The address of element `index` of kiln_fstack or kiln_lstack. */
  stackSlot(name: 'kiln_fstack' | 'kiln_lstack', index: llvm.Value): llvm.Value {
    return this.b.CreateInBoundsGEP(this.stackType, this.runtimeGlobal(name), [this.smallInt64(0), index]);
  }

  /**
   * Frees the cell's IR once printed. The bindings never delete a module or a context,
   * and every cell's IR used to stay in the one shared context (tens of KB a cell). Bodies
   * go first (they use the declarations, through instructions only). A literal placed in
   * the module (no `stringAddress`) is used by a constant: that module is not reused.
   */
  dispose(): void {
    for (const fn of this.made) fn.deleteBody();
    for (const global of this.madeGlobals) global.eraseFromParent();
    this.madeGlobals.length = 0;
    this.cSymbols.clear();
    for (const fn of this.made) {
      fn.removeDeadConstantUsers();
      if (fn.use_empty()) fn.eraseFromParent();
    }
    this.made.length = 0;
    this.declared.clear();
    this.b.ClearInsertionPoint();
    if (this.stringAddress && !spareModules.has(this.context)) {
      spareModules.set(this.context, { module: this.module, b: this.b, kept: this.kept, globals: this.globals });
    }
  }

  /** The module as IR text, with edits the bindings cannot make: the loads of the interrupt
   *  word and the call limit become volatile (so no optimisation hoists a poll out of a loop
   *  or merges the entry checks of inlined calls), freeze()'s placeholders become `freeze`,
   *  and the module's own functions become dso_local (so they call each other directly, not
   *  through a PLT stub, under the JIT's PIC code model). */
  print(): string {
    const word = sharedWordOperand('kiln_interrupt');
    const limit = sharedWordOperand('kiln_call_limit');
    let text = withoutUnusedDeclarations(this.module.print())
      .replaceAll(`load i32, i32* ${word}`, `load volatile i32, i32* ${word}`)
      .replaceAll(`load i32, i32* ${limit}`, `load volatile i32, i32* ${limit}`)
      .replace(/^define /gm, 'define dso_local ');
    if (text.includes(FREEZE_PLACEHOLDER)) {
      text = text.replace(FREEZE_CALL, 'freeze i64 $1').replace(FREEZE_DECLARATION, '');
    }
    // (The two line-by-line edits below only where they can apply: a cell of 50 small
    // functions spent half a millisecond on them finding nothing.)
    if (this.cSymbols.size > 0) {
      text = text.replace(/^declare .* @"?([^"(]+)"?\(.*\)$/gm, (line, symbol: string) => (this.cSymbols.has(symbol) ? `${line} nobuiltin` : line));
    }
    // (The tags' metadata only with them: parsing it took 40,000 instructions, a sixth of
    // parsing an `eval`'s one-line function.)
    if (!HEAP_POINTER.test(text)) return text;
    return text.replace(HEAP_ACCESS, (_line, access: string, _pointer: string, region: keyof typeof TBAA_TAGS) => `${access}, !tbaa ${TBAA_TAGS[region]}`) + TBAA_METADATA;
  }
}
