// The addon's `releaseLoadPages(paths)`: hands back the resident pages of the named shared
// objects' read-only segments, the main program's too (node: named by /proc/self/exe's
// path). See kernel/engine/native-api.ts and docs/decisions.md, "Kernel weight and the
// first cell".
//
// Loading llvm-bindings.node touches far more of it than building IR later does: the
// dynamic loader reads every relocation and symbol (330k relocations, 8 MB) and each
// translation unit's static constructor faults in its own corner of the code. Those pages
// are clean copies of the file: madvise(MADV_DONTNEED) unmaps them, the page cache keeps
// them, and a page used again comes back with a minor fault.
//
// Only the object's loadable segments without write permission are released, found with
// dl_iterate_phdr (no /proc parsing), and only whole pages inside them. Their pages cannot
// have been written: the loader writes relocations only to writable segments (the RELRO
// range is part of one: read-only after relocation, but its pages are private copies and
// are never touched here), and an object with text relocations is skipped whole.
#include "kiln.h"

#include <elf.h>
#include <limits.h>
#include <link.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdlib>
#include <set>
#include <string>

namespace kiln {
namespace {

struct Release {
  std::set<std::string> paths;
  uintptr_t pageSize = 4096;
  double released = 0;
};

bool hasTextRelocations(const dl_phdr_info* info) {
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_DYNAMIC) continue;
    for (auto* d = reinterpret_cast<const ElfW(Dyn)*>(info->dlpi_addr + ph.p_vaddr); d->d_tag != DT_NULL; d++) {
      if (d->d_tag == DT_TEXTREL) return true;
      if (d->d_tag == DT_FLAGS && (d->d_un.d_val & DF_TEXTREL)) return true;
    }
  }
  return false;
}

int releaseObject(dl_phdr_info* info, size_t, void* data) {
  auto* r = static_cast<Release*>(data);
  // The main program (node) has no name here: it is /proc/self/exe.
  const char* name = info->dlpi_name && info->dlpi_name[0] ? info->dlpi_name : "/proc/self/exe";
  char real[PATH_MAX];
  if (!realpath(name, real) || r->paths.count(real) == 0) return 0;
  if (hasTextRelocations(info)) return 0;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_LOAD || (ph.p_flags & PF_W)) continue;
    // Whole pages inside the segment only: a page shared with a neighbour is left alone.
    uintptr_t start = info->dlpi_addr + ph.p_vaddr;
    uintptr_t end = start + ph.p_filesz;
    start = (start + r->pageSize - 1) & ~(r->pageSize - 1);
    end &= ~(r->pageSize - 1);
    if (end > start && madvise(reinterpret_cast<void*>(start), end - start, MADV_DONTNEED) == 0) {
      r->released += double(end - start);
    }
  }
  return 0;
}

}  // namespace

// releaseLoadPages(paths: string[]): bytes of address space released.
napi_value ReleaseLoadPages(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value arg;
  napi_get_cb_info(env, info, &argc, &arg, nullptr, nullptr);
  std::vector<std::string> paths;
  if (argc < 1 || !getStringArray(env, arg, paths)) {
    napi_throw_type_error(env, nullptr, "releaseLoadPages(paths: string[])");
    return nullptr;
  }
  Release r;
  r.pageSize = uintptr_t(sysconf(_SC_PAGESIZE));
  r.paths.insert(paths.begin(), paths.end());
  dl_iterate_phdr(releaseObject, &r);
  napi_value out;
  napi_create_double(env, r.released, &out);
  return out;
}

}  // namespace kiln
