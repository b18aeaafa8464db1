// Learning tests: what llvm-bindings 0.4.2 (the IR builder the engine uses) can and cannot
// do, pinned so that an upgrade that changes them is noticed. kernel/engine/module-builder.ts works
// around each "cannot" (see the comments there).
import llvm from 'llvm-bindings';

const context = new llvm.LLVMContext();

test('IRBuilder.restoreIP rejects the insert point saveIP returns: re-set the block instead', () => {
  const module = new llvm.Module('m', context);
  const b = new llvm.IRBuilder(context);
  const fn = llvm.Function.Create(llvm.FunctionType.get(b.getVoidTy(), [], false), llvm.Function.LinkageTypes.ExternalLinkage, 'f', module);
  const block = llvm.BasicBlock.Create(context, 'entry', fn);
  b.SetInsertPoint(block);
  const saved = b.saveIP();
  expect(() => b.restoreIP(saved)).toThrow(/restoreIP/);
  b.SetInsertPoint(b.GetInsertBlock()!);
  b.CreateRetVoid();
  expect(module.print()).toContain('ret void');
});

test('getPointerTo on an IntegerType throws; PointerType.getUnqual works', () => {
  const i64 = llvm.Type.getInt64Ty(context);
  expect(() => i64.getPointerTo()).toThrow(/Illegal invocation/);
  expect(llvm.PointerType.getUnqual(i64).isPointerTy()).toBe(true);
});

test('there is no API for volatile loads or metadata: the printed text is edited instead', () => {
  const loadMethods = Object.getOwnPropertyNames(llvm.LoadInst.prototype);
  expect(loadMethods).not.toContain('setVolatile');
  expect(Object.getOwnPropertyNames(llvm.Instruction.prototype)).not.toContain('setMetadata');
});

test('integer constants travel as JS numbers: build wider ones from 32-bit halves', () => {
  const b = new llvm.IRBuilder(context);
  const i64 = b.getInt64Ty();
  const high = b.CreateShl(llvm.ConstantInt.get(i64, 0x80000000, false), llvm.ConstantInt.get(i64, 32, false));
  const min = b.CreateOr(high, llvm.ConstantInt.get(i64, 0, false));
  const module = new llvm.Module('c', context);
  new llvm.GlobalVariable(module, i64, true, llvm.Function.LinkageTypes.ExternalLinkage, min as llvm.Constant, 'min');
  expect(module.print()).toContain('@min = constant i64 -9223372036854775808');
});
