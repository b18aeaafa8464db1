// Recursive inlining of a function into itself (self-inline.cc).
#pragma once
#include "llvm/IR/PassManager.h"

namespace kiln {

// Inlines each direct self-call of a small self-recursive function into it, a few levels
// deep, then cleans the result up. Runs last in the %opt 2/3 pipeline.
struct SelfInlinePass : llvm::PassInfoMixin<SelfInlinePass> {
  llvm::PreservedAnalyses run(llvm::Module& M, llvm::ModuleAnalysisManager& MAM);
};

}  // namespace kiln
