// The addon's `releaseLoadPages(paths)`: hands back the resident pages of the named shared
// objects' read-only mappings (see kernel/engine/native-api.ts and docs/decisions.md,
// "Kernel weight").
//
// Loading an LLVM image touches far more of it than a compile later uses: the dynamic
// loader reads every relocation and symbol (llvm-bindings.node has 330k relocations, 8 MB),
// and each translation unit's static constructor faults in its own corner of the code.
// Those pages are clean copies of the file: madvise(MADV_DONTNEED) unmaps them, the page
// cache keeps them, and a page used again later comes back with a minor fault.
//
// Only private mappings that are not writable and hold no anonymous (copy-on-write) page
// are touched: for those, MADV_DONTNEED cannot lose data. The relocated RELRO segment
// (read-only now, but written by the loader) has anonymous pages and is left alone, as is
// every writable mapping.
#include "kiln.h"

#include <sys/mman.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>
#include <string>
#include <vector>

namespace kiln {
namespace {

struct Mapping {
  uintptr_t start = 0, end = 0;
  bool writable = false, shared = false;
  std::string path;
  long anonymousKb = -1;
};

// /proc/self/smaps: a header line per mapping ("start-end perms offset dev inode path"),
// then "Key: value kB" lines.
std::vector<Mapping> readMappings() {
  std::vector<Mapping> out;
  FILE* f = std::fopen("/proc/self/smaps", "r");
  if (!f) return out;
  char line[4352];
  while (std::fgets(line, sizeof line, f)) {
    unsigned long start, end, offset, inode;
    char perms[8], dev[32];
    int pathAt = 0;
    if (std::sscanf(line, "%lx-%lx %7s %lx %31s %lu %n", &start, &end, perms, &offset, dev, &inode, &pathAt) >= 6 &&
        pathAt > 0) {
      Mapping m;
      m.start = start;
      m.end = end;
      m.writable = perms[1] == 'w';
      m.shared = perms[3] == 's';
      m.path = line + pathAt;
      while (!m.path.empty() && (m.path.back() == '\n' || m.path.back() == ' ')) m.path.pop_back();
      out.push_back(std::move(m));
    } else if (!out.empty() && std::strncmp(line, "Anonymous:", 10) == 0) {
      out.back().anonymousKb = std::atol(line + 10);
    }
  }
  std::fclose(f);
  return out;
}

}  // namespace

// releaseLoadPages(paths: string[]): bytes of address space released.
napi_value ReleaseLoadPages(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value arg;
  napi_get_cb_info(env, info, &argc, &arg, nullptr, nullptr);
  std::set<std::string> paths;
  uint32_t n = 0;
  if (argc < 1 || napi_get_array_length(env, arg, &n) != napi_ok) {
    napi_throw_type_error(env, nullptr, "releaseLoadPages(paths: string[])");
    return nullptr;
  }
  for (uint32_t i = 0; i < n; i++) {
    napi_value v;
    char buf[4096];
    size_t len = 0;
    napi_get_element(env, arg, i, &v);
    if (napi_get_value_string_utf8(env, v, buf, sizeof buf, &len) != napi_ok) {
      napi_throw_type_error(env, nullptr, "releaseLoadPages: paths must be strings");
      return nullptr;
    }
    paths.insert(std::string(buf, len));
  }
  double released = 0;
  for (const Mapping& m : readMappings()) {
    if (m.writable || m.shared || m.anonymousKb != 0 || paths.count(m.path) == 0) continue;
    if (madvise(reinterpret_cast<void*>(m.start), m.end - m.start, MADV_DONTNEED) == 0) released += double(m.end - m.start);
  }
  napi_value out;
  napi_create_double(env, released, &out);
  return out;
}

}  // namespace kiln
