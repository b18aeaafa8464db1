// Recursion unrolling under one depth guard. A function that calls only itself (fib) is
// mostly calls, and each Kiln call keeps its depth for RecursionError: as an argument, and
// as an induction variable in every loop that TailCallElim makes of a self-call. Written
// as C with that depth and check, fib(38) took 64 ms with gcc and 85 with clang, against
// 48 and 55 without (on the bench's machine); gcc -O2's own fib (59 ms) inlines itself
// eight levels deep.
//
// So, before the rest of the pipeline (and before TailCallElim), each self-call of such a
// function is replaced by a copy of its body, level after level, as a tree: the copies at
// level k run at the function's depth + k, a constant offset, so they need no depth of
// their own, and their entry checks are dropped. One check at the entry covers them all:
// if depth + levels passes the call limit, the call goes to `NAME.exact`, the function as
// lowered, whose own self-calls come back here; so RecursionError is raised at the same
// depth as before, and a dropped limit (an interrupt, an `eval`'s redefinition) sends the
// next call through the exact function's cold path. The copies' calls at the leaves are
// ordinary calls with their checks. Five levels (62 copies) took Kiln's fib(38) from 68 to
// 41 ms (gcc -O2: 59); compile time is bounded by kMaxInstructions.
//
// Only functions that call nothing but themselves, intrinsics and the runtime's noreturn
// errors qualify: nothing they run can `eval`, so no redefinition can happen between the
// entry check and a copy, and the copies' interrupt checks are the next real call's.
#include "recursion-unroll.h"

#include <vector>

#include "llvm/IR/Function.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Module.h"
#include "llvm/Pass.h"
#include "llvm/Transforms/InstCombine/InstCombine.h"
#include "llvm/Transforms/Scalar/SROA.h"
#include "llvm/Transforms/Scalar/SimplifyCFG.h"
#include "llvm/Transforms/Utils/Cloning.h"
#include "llvm/Transforms/Utils/Local.h"

using namespace llvm;

namespace kiln {

const char* const kUnrolledAttr = "kiln-unrolled";

// Levels of copies, and the most instructions they may add. Fewer levels were slower than
// SelfInlinePass's loops (fib(38): 3 levels 78-106 ms, 4 levels 60-75, 5 levels 41, the
// loops 68), so a function gets all five or none. fib's 62 copies of 12 instructions are
// 744, and lengthen its compile at %opt 2 from 13 to 22 ms; the limit lets in copies of up
// to 22 instructions (a function that stores its calls' locations and divides: 13 -> 23 ms,
// and its run 74-90 -> 40-70 ms).
static const int kLevels = 5;
static const unsigned kMaxInstructions = 1400;

// The entry check as lowering emits it (docs/runtime-abi.md): the entry block ends in
// `br (llvm.expect (icmp sgt (trunc %depth), (load volatile limit))), %call_slow, %ok`.
struct EntryCheck {
  BranchInst* branch;
  ICmpInst* compare;
};

static bool entryCheck(Function& F, EntryCheck* check) {
  auto* branch = dyn_cast<BranchInst>(F.getEntryBlock().getTerminator());
  if (!branch || !branch->isConditional()) return false;
  Value* condition = branch->getCondition();
  if (auto* expect = dyn_cast<IntrinsicInst>(condition))
    if (expect->getIntrinsicID() == Intrinsic::expect) condition = expect->getArgOperand(0);
  auto* compare = dyn_cast<ICmpInst>(condition);
  if (!compare || compare->getPredicate() != ICmpInst::ICMP_SGT) return false;
  auto* depth = dyn_cast<TruncInst>(compare->getOperand(0));
  auto* limit = dyn_cast<LoadInst>(compare->getOperand(1));
  if (!depth || depth->getOperand(0) != F.getArg(0) || !limit || !limit->isVolatile()) return false;
  *check = {branch, compare};
  return true;
}

static std::vector<CallBase*> callsOf(Function& F, Function& callee) {
  std::vector<CallBase*> calls;
  for (BasicBlock& block : F)
    for (Instruction& inst : block)
      if (auto* call = dyn_cast<CallBase>(&inst))
        if (call->getCalledFunction() == &callee) calls.push_back(call);
  return calls;
}

// Self-calls, if F calls nothing else but intrinsics and functions that never return (the
// runtime's errors: lowering ends their blocks with `unreachable`, the bindings cannot mark
// the declarations noreturn).
static unsigned onlySelfCalls(Function& F) {
  unsigned self = 0;
  for (BasicBlock& block : F)
    for (Instruction& inst : block) {
      auto* call = dyn_cast<CallBase>(&inst);
      if (!call) continue;
      Function* callee = call->getCalledFunction();
      if (!callee || isa<InvokeInst>(call)) return 0;
      if (callee == &F) self++;
      else if (!callee->isIntrinsic() && !isa_and_nonnull<UnreachableInst>(call->getNextNode())) return 0;
    }
  return self;
}

// The copy that replaces each self-call: F without its entry check, tidied (its stack
// slots in registers, its blocks merged). 63 copies of fib as lowered were 1,600
// instructions for the pipeline, most of them the checks' cold paths and the lowering's
// block structure; tidied, 744. The copy's limit load goes too: it is volatile, and no
// pass would drop it, unused, from each of the 62 copies.
static Function* tidyCopy(Function& F, const EntryCheck& check, FunctionAnalysisManager& FAM) {
  ValueToValueMapTy map;
  Function* copy = CloneFunction(&F, map);  // its self-calls still call F
  auto* branch = cast<BranchInst>(map[check.branch]);
  auto* limit = cast<LoadInst>(cast<ICmpInst>(map[check.compare])->getOperand(1));
  Value* condition = branch->getCondition();
  branch->setCondition(ConstantInt::getFalse(F.getContext()));
  RecursivelyDeleteTriviallyDeadInstructions(condition);
  if (limit->use_empty()) limit->eraseFromParent();  // volatile: no pass would drop it
  ConstantFoldTerminator(&copy->getEntryBlock());
  removeUnreachableBlocks(*copy);
  FunctionPassManager passes;
  passes.addPass(SROAPass());
  passes.addPass(InstCombinePass());
  passes.addPass(SimplifyCFGPass());
  passes.run(*copy, FAM);
  return copy;
}

static void erase(Function* F, FunctionAnalysisManager& FAM) {
  FAM.clear(*F, F->getName());
  F->eraseFromParent();
}

// F with each self-call replaced by `copy`, kLevels deep, and its entry check made the guard.
static void unroll(Function& F, const EntryCheck& check, Function& copy) {
  LLVMContext& ctx = F.getContext();
  ValueToValueMapTy map;
  Function* exact = CloneFunction(&F, map);  // its self-calls still call F
  exact->setName(F.getName() + ".exact");
  exact->setLinkage(GlobalValue::InternalLinkage);
  exact->addFnAttr(kUnrolledAttr);

  for (int level = 0; level < kLevels; level++)
    for (CallBase* call : callsOf(F, F)) {
      call->setCalledFunction(&copy);
      InlineFunctionInfo info;
      if (!InlineFunction(*call, info).isSuccess()) call->setCalledFunction(&F);
    }

  IRBuilder<> b(check.compare);
  check.compare->setOperand(0, b.CreateTrunc(b.CreateAdd(F.getArg(0), b.getInt64(kLevels)), b.getInt32Ty()));
  BasicBlock* toExact = BasicBlock::Create(ctx, "exact", &F);
  IRBuilder<> e(toExact);
  std::vector<Value*> args;
  for (Argument& arg : F.args()) args.push_back(&arg);
  CallInst* call = e.CreateCall(exact, args);
  call->setCallingConv(F.getCallingConv());
  call->setTailCall();
  if (F.getReturnType()->isVoidTy()) e.CreateRetVoid();
  else e.CreateRet(call);
  check.branch->setSuccessor(0, toExact);  // the old cold path, now unreachable, is left to SimplifyCFG
  F.addFnAttr(kUnrolledAttr);
}

PreservedAnalyses RecursionUnrollPass::run(Module& M, ModuleAnalysisManager& MAM) {
  auto& FAM = MAM.getResult<FunctionAnalysisManagerModuleProxy>(M).getManager();
  std::vector<Function*> candidates;
  for (Function& F : M)
    if (!F.isDeclaration() && !F.arg_empty() && F.getArg(0)->getType()->isIntegerTy(64)) candidates.push_back(&F);
  bool changed = false;
  for (Function* F : candidates) {
    unsigned selfCalls = onlySelfCalls(*F);
    EntryCheck check;
    if (selfCalls < 2 || !entryCheck(*F, &check)) continue;
    unsigned copies = 0;
    for (unsigned level = 1, width = 1; level <= kLevels; level++) copies += (width *= selfCalls);
    Function* copy = tidyCopy(*F, check, FAM);
    if (copies * copy->getInstructionCount() <= kMaxInstructions) {
      unroll(*F, check, *copy);
      changed = true;
    }
    erase(copy, FAM);
  }
  return changed ? PreservedAnalyses::none() : PreservedAnalyses::all();
}

}  // namespace kiln
