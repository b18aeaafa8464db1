// Slab memory manager for the JIT (slab.cc): every module's sections are carved out of
// one large address-space reservation per JIT, so that a long session costs O(1) mmaps /
// VMAs (not 2–3 per module: vm.max_map_count) and so that each module's code, data,
// GOT and stubs are within ±2 GB of each other (small code model + PIC).
#pragma once
#include <cstddef>
#include <memory>

#include "llvm/ExecutionEngine/RuntimeDyld.h"

namespace kiln {

class JitArena;

// One arena per LLJIT (created with it, released with it: see slab.cc).
std::shared_ptr<JitArena> newJitArena();

// The RTDyldObjectLinkingLayer's GetMemoryManagerFunction: one (small) manager per
// object, all sharing the arena.
std::unique_ptr<llvm::RuntimeDyld::MemoryManager> newSlabMemoryManager(const std::shared_ptr<JitArena>& arena);

struct JitArenaStats {
  size_t slabs = 0;           // address-space reservations made
  size_t reservedBytes = 0;   // their total size
  size_t committedBytes = 0;  // pages made accessible
  size_t usedBytes = 0;       // bytes handed to sections
  size_t modules = 0;         // managers created (one per object)
};
JitArenaStats jitArenaStats(const JitArena& arena);

}  // namespace kiln
