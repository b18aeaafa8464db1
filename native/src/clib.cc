// C libraries for extern fn (clib.h). Libraries are opened RTLD_LOCAL and searched here,
// per JIT, instead of joining the process's global scope: %reset then forgets their
// bindings, and the process generator's filter (jit.cc) keeps refusing node's symbols.
// Libraries are never dlclosed: C code may have left threads, atexit handlers or
// pointers (held in Kiln `ptr` values) into them.
#include "clib.h"

#include <dlfcn.h>

using namespace llvm;
using namespace llvm::orc;

namespace kiln {

std::string loadLibrary(LoadedLibraries& libs, const std::string& name) {
  if (name.empty()) return "no library name";  // dlopen("") is the process itself
  for (auto& entry : libs.list)
    if (entry.first == name) return "";
  dlerror();
  void* handle = dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = dlerror();
    return why ? why : "unknown error";
  }
  libs.list.emplace_back(name, handle);
  return "";
}

void forgetLibraries(LoadedLibraries& libs, size_t count) {
  if (count < libs.list.size()) libs.list.resize(count);
}

void* findLibrarySymbol(const LoadedLibraries& libs, const std::string& irName) {
  size_t at = irName.find('@');
  std::string symbol = irName.substr(0, at);
  if (symbol.empty()) return nullptr;
  for (auto& entry : libs.list) {
    if (at != std::string::npos && entry.first != irName.substr(at + 1)) continue;
    dlerror();
    if (void* addr = dlsym(entry.second, symbol.c_str())) return addr;
  }
  return nullptr;
}

namespace {
class LibrariesGenerator : public DefinitionGenerator {
 public:
  explicit LibrariesGenerator(std::shared_ptr<LoadedLibraries> libs) : libs_(std::move(libs)) {}

  Error tryToGenerate(LookupState&, LookupKind, JITDylib& jd, JITDylibLookupFlags,
                      const SymbolLookupSet& names) override {
    SymbolMap found;
    for (auto& entry : names) {
      void* addr = findLibrarySymbol(*libs_, (*entry.first).str());
      if (addr) found[entry.first] = JITEvaluatedSymbol(pointerToJITTargetAddress(addr), JITSymbolFlags::Exported);
    }
    if (found.empty()) return Error::success();
    return jd.define(absoluteSymbols(std::move(found)));
  }

 private:
  std::shared_ptr<LoadedLibraries> libs_;
};
}  // namespace

std::unique_ptr<DefinitionGenerator> librariesGenerator(std::shared_ptr<LoadedLibraries> libs) {
  return std::make_unique<LibrariesGenerator>(std::move(libs));
}

}  // namespace kiln
