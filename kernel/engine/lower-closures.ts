// Lowering of functions as values (docs/runtime-abi.md "Function values").
//
// A function value is a pointer to a KilnFn: `{ i8* code; i8* text; i8* boxes[n] }`.
// `code` takes the frame depth, the KilnFn itself, then the parameters; `text` is the
// value's text/plain format (a KilnStr constant); `boxes` are the captured variables'
// boxes. A value that captures nothing is made once: making it allocates nothing, calling
// it is one load and an indirect call. An anonymous function's lives in the JIT's data.
//
// A named function's value is one KilnFn per function signature, outside the JIT (its
// value cell), whose code calls whatever body the function's slot holds: a same-signature
// redefinition, even by eval while running, reaches every value of it; a
// different-signature redefinition gets a new slot and value, and values of the old one
// keep calling the old body.
//
// A captured local lives in an 8-byte GC box, allocated each time its declaration runs
// (so each loop iteration has its own); the function that owns it keeps the box's
// address in its stack slot, and each closure that captures it keeps the same address.
import llvm from 'llvm-bindings';
import { FnSig, FnType, LambdaExpr, Type, typeName, VarRef } from './ast';
import { fnTypeOf } from './check-closures';
import type { ModuleBuilder } from './module-builder';
import type { FunctionLowerer } from './lower';

/** Bytes before a KilnFn's boxes: code and text. */
const KILNFN_HEADER = 16;

/** What one module needs beyond its functions: anonymous function bodies still to lower. */
interface ModuleClosures {
  pending: { lambda: LambdaExpr; fn: llvm.Function }[];
  lambdaCount: number;
}

const perModule = new WeakMap<ModuleBuilder, ModuleClosures>();

function closuresOf(mb: ModuleBuilder): ModuleClosures {
  let state = perModule.get(mb);
  if (!state) {
    state = { pending: [], lambdaCount: 0 };
    perModule.set(mb, state);
  }
  return state;
}

/** The LLVM type of a function value's code: depth, the KilnFn, then the parameters. */
export function closureFunctionType(mb: ModuleBuilder, t: FnType): llvm.FunctionType {
  return llvm.FunctionType.get(mb.regType(t.ret), [mb.i64, mb.ptr, ...t.params.map((p) => mb.regType(p))], false);
}

/** `<fn fib(n: int) -> int>`, `<fn show(s: str)>`, `<fn(x: int) -> int>`. */
export function functionText(sig: FnSig, named: boolean): string {
  const params = sig.params.map((p) => `${p.name}: ${typeName(p.type)}`).join(', ');
  const ret = sig.ret.kind === 'void' ? '' : ` -> ${typeName(sig.ret)}`;
  return `<fn${named ? ' ' + sig.name : ''}(${params})${ret}>`;
}

/** A KilnFn without captures, `{ code, text }`, a constant in the module's data (an i8*). */
function kilnFnGlobal(mb: ModuleBuilder, code: llvm.Function, text: string): llvm.Value {
  const layout = llvm.StructType.get(mb.context, [mb.ptr, mb.ptr]);
  const init = llvm.ConstantStruct.get(layout, [
    llvm.ConstantExpr.getBitCast(code, mb.ptr),
    mb.stringLiteral(text) as llvm.Constant,
  ]);
  const global = mb.createGlobal(layout, true, llvm.Function.LinkageTypes.PrivateLinkage, init, 'fnvalue');
  return llvm.ConstantExpr.getBitCast(global, mb.ptr);
}

/** The symbol of a named function's value code (defineValueCodes). */
export function valueCodeSymbol(sig: FnSig): string {
  return `${sig.symbol}.value`;
}

/**
 * The value codes of named functions, each in `mb`'s module: code that takes (depth, self,
 * params...) and calls whatever body the function's slot holds. A named function's value
 * is its value cell, two words outside the JIT (FnSig.valueCell); the session writes its
 * code there the first time a cell uses the function as a value (most functions never
 * become values: a code made at each definition was a tenth of an eval's time), in a
 * module that stays for good, so that a redefinition can replace the defining module.
 */
export function defineValueCodes(mb: ModuleBuilder, sigs: FnSig[]): void {
  for (const sig of sigs) {
    const code = mb.createFunction(closureFunctionType(mb, fnTypeOf(sig)), valueCodeSymbol(sig));
    mb.b.SetInsertPoint(llvm.BasicBlock.Create(mb.context, 'entry', code));
    const result = mb.b.CreateCall(mb.kilnFunctionType(sig), mb.loadSlot(sig), [code.getArg(0), ...sig.params.map((_, i) => code.getArg(i + 2))]);
    if (sig.ret.kind === 'void') mb.b.CreateRetVoid();
    else mb.b.CreateRet(result);
  }
}

/** A named function as a value: its value cell (the session makes it before lowering). */
export function namedFunctionValue(f: FunctionLowerer, sig: FnSig): llvm.Value {
  if (sig.valueCell === undefined) throw new Error(`internal error: no value cell for function ${sig.name}`);
  return f.b.CreateBitCast(f.mb.address(sig.valueCell, f.mb.i8), f.mb.ptr);
}

/** An anonymous function expression: its body is lowered later (lowerPendingLambdas); here its value is made. */
export function lambdaValue(f: FunctionLowerer, lambda: LambdaExpr): llvm.Value {
  const { mb, b } = f;
  const state = closuresOf(mb);
  const code = mb.createFunction(closureFunctionType(mb, lambda.type as FnType), `${f.options.entrySymbol}.fn${state.lambdaCount++}`);
  state.pending.push({ lambda, fn: code });
  const text = functionText(lambda.sig!, false);
  const captures = lambda.captures!;
  if (captures.length === 0) return kilnFnGlobal(mb, code, text);
  const object = f.callRuntime('kiln_alloc', [mb.int(KILNFN_HEADER + 8 * captures.length)], lambda.span.line);
  b.CreateStore(llvm.ConstantExpr.getBitCast(code, mb.ptr), kilnFnWord(f, object, 0));
  b.CreateStore(mb.stringLiteral(text), kilnFnWord(f, object, 8));
  captures.forEach((ref, i) => b.CreateStore(boxOf(f, ref)!, kilnFnWord(f, object, KILNFN_HEADER + 8 * i)));
  return object;
}

/** Lowers the bodies of the anonymous functions met so far (and of those they contain). */
export function lowerPendingLambdas(mb: ModuleBuilder, lowerBody: (lambda: LambdaExpr, fn: llvm.Function) => void): void {
  const { pending } = closuresOf(mb);
  while (pending.length) {
    const { lambda, fn } = pending.shift()!;
    lowerBody(lambda, fn);
  }
}

/** A call through a function value (arguments already evaluated). */
export function callValue(f: FunctionLowerer, value: llvm.Value, type: FnType, args: llvm.Value[], line: number): llvm.Value {
  const { mb, b } = f;
  const codeType = closureFunctionType(mb, type);
  const codePointer = llvm.PointerType.getUnqual(codeType);
  const code = b.CreateLoad(codePointer, b.CreateBitCast(value, llvm.PointerType.getUnqual(codePointer)));
  f.setLine(line);
  return b.CreateCall(codeType, code, [b.CreateAdd(f.frameDepth, mb.int(1)), value, ...args]);
}

function kilnFnWord(f: FunctionLowerer, object: llvm.Value, offset: number): llvm.Value {
  const { mb, b } = f;
  return b.CreateBitCast(b.CreateInBoundsGEP(mb.i8, object, [mb.int(offset)]), llvm.PointerType.getUnqual(mb.ptr));
}

/** Where a variable that lives in a box keeps its value (a captured local of f, or one of f's captures), typed for it. */
export function boxedVar(f: FunctionLowerer, ref: VarRef): { slot: llvm.Value; type: Type } | undefined {
  if (ref.kind !== 'local' && ref.kind !== 'capture') return undefined;
  const box = boxOf(f, ref);
  return box && { slot: f.b.CreateBitCast(box, llvm.PointerType.getUnqual(f.mb.memType(ref.type))), type: ref.type };
}

/** The box of a captured local of f, or of one of f's captures. */
function boxOf(f: FunctionLowerer, ref: VarRef): llvm.Value | undefined {
  const { mb, b } = f;
  if (ref.kind === 'local' && f.boxed.has(ref.id)) return b.CreateLoad(mb.ptr, f.locals[ref.id]);
  if (ref.kind === 'capture') return b.CreateLoad(mb.ptr, kilnFnWord(f, f.closure!, KILNFN_HEADER + 8 * ref.index));
  return undefined;
}

/** A fresh box for a captured local (its declaration is running). */
export function newBox(f: FunctionLowerer, line: number): llvm.Value {
  return f.callRuntime('kiln_alloc', [f.mb.int(8)], line);
}
