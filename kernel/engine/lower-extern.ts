// Lowering of calls to C (LANGUAGE.md "extern fn" and "C libraries"): the C ABI of each
// Kiln type, the C types i32/u32/u64/f32, and arrays passed as a pointer to their first
// element. Before each call the C function's name is stored in
// kiln_cfunc (docs/runtime-abi.md), so that a fault inside it is reported by name.
import llvm from 'llvm-bindings';
import type { CType, Expr, FnSig, Type } from './ast';
import type { FunctionLowerer } from './lower';

type CallExpr = Extract<Expr, { kind: 'call' }>;

/** The LLVM name an extern binds: the C symbol, or `symbol@library` (that library only). */
export function externSymbol(fn: FnSig): string {
  const symbol = fn.cName ?? fn.name;
  return fn.library === undefined ? symbol : `${symbol}@${fn.library}`;
}

function cTypeOf(f: FunctionLowerer, t: Type, c: CType | undefined, isReturn: boolean): llvm.Type {
  const { mb } = f;
  if (c === 'i32' || c === 'u32') return mb.i32;
  if (c === 'f32') return mb.b.getFloatTy();
  if (t.kind === 'bool') return isReturn ? mb.i8 : mb.i32;
  return mb.regType(t);
}

/** A Kiln value as the C parameter of (Kiln type t, C type c) receives it. */
function toC(f: FunctionLowerer, v: llvm.Value, t: Type, c: CType | undefined): llvm.Value {
  const { b, mb } = f;
  if (c === 'i32' || c === 'u32') return b.CreateTrunc(v, mb.i32);
  if (c === 'f32') return b.CreateFPTrunc(v, mb.b.getFloatTy());
  if (t.kind === 'bool') return b.CreateZExt(v, mb.i32);
  // A str's bytes follow its 8-byte length and end in a NUL (docs/runtime-abi.md).
  if (t.kind === 'str') return b.CreateInBoundsGEP(mb.i8, v, [mb.int(8)]);
  if (t.kind === 'array') return b.CreateBitCast(f.dataPointer(v, t.elem), mb.ptr);
  return v;
}

/** A C result as the Kiln value of its declared type. */
function fromC(f: FunctionLowerer, result: llvm.Value, t: Type, c: CType | undefined, line: number): llvm.Value {
  const { b, mb } = f;
  if (c === 'i32') return b.CreateSExt(result, mb.i64);
  if (c === 'u32') return b.CreateZExt(result, mb.i64);
  if (c === 'f32') return b.CreateFPExt(result, mb.f64);
  if (t.kind === 'bool') return b.CreateICmpNE(result, llvm.ConstantInt.get(mb.i8, 0, false));
  if (t.kind === 'str') return f.callRuntime('kiln_str_from_c', [result], line);
  return result;
}

export function callExtern(f: FunctionLowerer, fn: FnSig, e: CallExpr): llvm.Value {
  const { b, mb } = f;
  const cParams = fn.cParams ?? [];
  const args = e.args.map((a, i) => toC(f, f.expr(a), fn.params[i].type, cParams[i]));
  const { callee, fnType } = mb.declareC(
    externSymbol(fn),
    cTypeOf(f, fn.ret, fn.cRet, true),
    fn.params.map((p, i) => cTypeOf(f, p.type, cParams[i], false)),
  );
  f.setLine(e.span.line);
  f.publishDepth();
  const cFunction = mb.runtimeGlobal('kiln_cfunc');
  const name = b.CreateInBoundsGEP(mb.i8, mb.stringLiteral(fn.cName ?? fn.name), [mb.int(8)]);
  b.CreateStore(name, cFunction);
  // Copying a returned str still counts as the C function's: a bad pointer it returned
  // faults in the copy.
  const result = fromC(f, b.CreateCall(fnType, callee, args), fn.ret, fn.cRet, e.span.line);
  b.CreateStore(llvm.ConstantPointerNull.get(mb.ptr), cFunction);
  return result;
}
