// Recursion unrolling under one depth guard (recursion-unroll.cc).
#pragma once
#include "llvm/IR/PassManager.h"

namespace kiln {

// The function attribute of the functions the pass made or changed: SelfInlinePass leaves them be.
extern const char* const kUnrolledAttr;

// Unrolls a self-recursive function that calls nothing else into itself a few levels deep,
// with one entry check for all of them. Runs first in the %opt 2/3 pipeline.
struct RecursionUnrollPass : llvm::PassInfoMixin<RecursionUnrollPass> {
  llvm::PreservedAnalyses run(llvm::Module& M, llvm::ModuleAnalysisManager& MAM);
};

}  // namespace kiln
