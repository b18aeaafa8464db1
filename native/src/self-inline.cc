// Recursive inlining: LLVM's inliner never inlines a function into itself, gcc does (up to
// 8 levels for small functions), and that is most of gcc's lead on a call-bound function
// like fib (gcc -O2 fib(40): 148 ms; with __attribute__((noinline)): 277 ms). After the standard pipeline a self-recursive Kiln function has had its tail
// self-calls turned into a loop (TailCallElim: the depth is an argument, so RecursionError
// still counts every call as written); each remaining self-call is replaced by a copy of
// the body, whose own self-call stays a call. Every copy keeps the prologue's depth check
// and interrupt poll, so all of a call's guarantees hold in the inlined levels too.
#include "self-inline.h"

#include "recursion-unroll.h"

#include <vector>

#include "llvm/Analysis/AssumptionCache.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Module.h"
#include "llvm/Transforms/InstCombine/InstCombine.h"
#include "llvm/Transforms/Scalar/EarlyCSE.h"
#include "llvm/Transforms/Scalar/SimplifyCFG.h"
#include "llvm/Transforms/Utils/Cloning.h"

using namespace llvm;

namespace kiln {

// Levels of copies at most, and the size (instructions) past which no more are made. Two
// levels took fib(38) from 163 to 131 ms (one: 124–169 ms, noisy); three and more were
// slower (register pressure: each level keeps its depth, location and interrupt checks)
// and cost 0.1–0.5 s of compile time.
static const int kMaxLevels = 2;
static const unsigned kMaxInstructions = 600;

static std::vector<CallBase*> selfCalls(Function& F) {
  std::vector<CallBase*> calls;
  for (BasicBlock& block : F)
    for (Instruction& inst : block)
      if (auto* call = dyn_cast<CallBase>(&inst))
        if (call->getCalledFunction() == &F) calls.push_back(call);
  return calls;
}

// One level: each self-call of F becomes a copy of F's body as it is now.
static bool inlineOneLevel(Function& F) {
  std::vector<CallBase*> calls = selfCalls(F);
  if (calls.empty() || F.getInstructionCount() * (calls.size() + 1) > kMaxInstructions) return false;
  ValueToValueMapTy map;
  Function* copy = CloneFunction(&F, map);  // its self-calls still call F
  bool inlined = false;
  for (CallBase* call : calls) {
    call->setCalledFunction(copy);
    InlineFunctionInfo info;
    if (InlineFunction(*call, info).isSuccess()) inlined = true;
    else call->setCalledFunction(&F);
  }
  copy->eraseFromParent();
  return inlined;
}

PreservedAnalyses SelfInlinePass::run(Module& M, ModuleAnalysisManager& MAM) {
  std::vector<Function*> recursive;
  for (Function& F : M)
    if (!F.isDeclaration() && !F.hasFnAttribute(kUnrolledAttr) && !selfCalls(F).empty()) recursive.push_back(&F);
  if (recursive.empty()) return PreservedAnalyses::all();
  auto& FAM = MAM.getResult<FunctionAnalysisManagerModuleProxy>(M).getManager();
  FunctionPassManager cleanup;
  cleanup.addPass(InstCombinePass());
  cleanup.addPass(SimplifyCFGPass());
  cleanup.addPass(EarlyCSEPass());
  for (Function* F : recursive) {
    for (int level = 0; level < kMaxLevels && inlineOneLevel(*F); level++) {
    }
    FAM.invalidate(*F, PreservedAnalyses::none());
    cleanup.run(*F, FAM);
  }
  return PreservedAnalyses::none();
}

}  // namespace kiln
