// C libraries loaded by `extern "libfoo.so" fn ...` (LANGUAGE.md "C libraries"): one list
// per JIT (so %reset forgets them), searched before the filtered process symbols.
#pragma once
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "llvm/ExecutionEngine/Orc/Core.h"

namespace kiln {

struct LoadedLibraries {
  // (name as the cell wrote it, dlopen handle), in load order.
  std::vector<std::pair<std::string, void*>> list;
};

// dlopens `name` (RTLD_NOW | RTLD_LOCAL) unless the list has it already; "" or the loader's message.
std::string loadLibrary(LoadedLibraries& libs, const std::string& name);
// Forgets the libraries after the first `count` (those of a cell that failed to compile).
void forgetLibraries(LoadedLibraries& libs, size_t count);
// The address an extern's IR name binds to: `sym@library` only from that library, a plain
// `sym` from the loaded libraries in load order; nullptr if none has it.
void* findLibrarySymbol(const LoadedLibraries& libs, const std::string& irName);
// A JIT definition generator over findLibrarySymbol (added before the process generator).
std::unique_ptr<llvm::orc::DefinitionGenerator> librariesGenerator(std::shared_ptr<LoadedLibraries> libs);

}  // namespace kiln
