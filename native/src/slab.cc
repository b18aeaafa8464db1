// Slab memory manager for the JIT's RTDyldObjectLinkingLayer (declarations in slab.h).
//
// Why: the default (one SectionMemoryManager per module) maps every section of every
// module separately: ≥3 VMAs per cell or `eval`, so a long session reaches
// vm.max_map_count (65,530) and the kernel dies; and separate mmaps do not keep a
// module's code within ±2 GB of its data/GOT, which the small code model needs.
//
// Design
// - Arena (one per LLJIT): reserves a slab of address space up front (1 GB by default,
//   PROT_NONE + MAP_NORESERVE: costs no memory, one VMA). KILN_JIT_SLAB_MB overrides
//   the size (tests). The slab is handed out in chunks (4 MB) to three zones, one per
//   kind of section: code (RX once finalized), read-only data (R: .rodata, .eh_frame)
//   and read-write data (RW: .data, .bss, GOT). Code and data never share a page.
// - Each zone is a bump allocator; pages are committed (mprotect PROT_NONE → RW) as the
//   cursor crosses them. Sections of successive modules are packed densely, so that a
//   zone's pages form one VMA per chunk: the per-module VMA cost is ~0 (adjacent ranges
//   with the same protection merge).
// - Packing across modules in the code / RO zones means a module may start in the last
//   page of the previous one: that page, already finalized (RX / R), is made RW again
//   while the new module is written and gets its final protection back at
//   finalizeMemory. This is safe because everything here runs on the engine thread:
//   JIT code on that page does not run while the compiler is running (a nested compile
//   from `eval` returns into its caller only after finalization).
//   A module never packs into a page of another module that is not finalized yet (ORC
//   may load module B, then materialize A for B's symbol lookup before finalizing B):
//   it then starts on a fresh page, so finalizing A never write-protects B's pages.
// - finalizeMemory: code ranges → RX + instruction-cache invalidation, RO ranges → R.
// - EH frames: registered like SectionMemoryManager (inherited from
//   RTDyldMemoryManager; there are no C++ exceptions in JIT code, but unwinders,
//   debuggers and profilers use them), and deregistered when the module goes.
// - Module removal (ResourceTracker::remove: cells that failed before running, and code
//   the engine knows no frame can run any more) and a module that failed to load: its
//   memory is left inside the arena (a bump allocator has no free list; a cell's module
//   is small, and removal still frees ORC's bookkeeping for it), after its pages got
//   their final protection back (so they merge with their neighbours).
// - Several JITs over time (%reset → createJit): each LLJIT owns its arena (shared by
//   its managers); when the old LLJIT is destroyed all its managers go and the slabs
//   are unmapped. The old JIT's code is gone then, as with SectionMemoryManager.
// - Exhaustion: reserveAllocationSpace (RuntimeDyld tells us a module's total sizes
//   before allocating) checks that the whole module fits in the current slab; if not, a
//   new slab is reserved (hinted next to the previous one) and the module goes there
//   entirely. Caveat of the small code model: only references *inside* a module must be
//   within ±2 GB (cross-module calls and data go through the module's own stubs and GOT
//   with 64-bit addresses; the engine marks only a module's own functions dso_local), so
//   a module never straddles two slabs. If no slab can be had (mmap/mprotect fail, e.g.
//   at vm.max_map_count), sections come from malloc'd scratch memory so that
//   RuntimeDyld (which aborts on a null section) carries on, and finalizeMemory fails:
//   the lookup returns a clean "out of JIT memory" error; nothing runs from scratch.
#include "slab.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <mutex>
#include <string>
#include <vector>

#include "llvm/ExecutionEngine/RTDyldMemoryManager.h"
#include "llvm/Support/Memory.h"

namespace kiln {

namespace {

enum Kind { K_CODE = 0, K_RO = 1, K_RW = 2, K_N = 3 };
const int kFinalProt[K_N] = {PROT_READ | PROT_EXEC, PROT_READ, PROT_READ | PROT_WRITE};
const char* kKindName[K_N] = {"code", "read-only data", "data"};

constexpr size_t kMB = size_t(1) << 20;
constexpr size_t kDefaultSlab = 1024 * kMB;
constexpr size_t kChunk = 4 * kMB;

size_t pageSize() {
  static size_t ps = (size_t)sysconf(_SC_PAGESIZE);
  return ps;
}
inline uintptr_t alignUp(uintptr_t x, size_t a) { return (x + a - 1) & ~(uintptr_t)(a - 1); }
inline uintptr_t alignDown(uintptr_t x, size_t a) { return x & ~(uintptr_t)(a - 1); }
inline size_t pow2AtLeast(size_t a) {
  size_t p = 1;
  while (p < a) p <<= 1;
  return p;
}

struct Range {
  int kind;
  uintptr_t start, end;   // bytes handed out (not page-rounded)
};

struct Slab {
  uintptr_t base = 0;
  size_t size = 0;
  size_t next = 0;        // offset of the first chunk not yet given to a zone
};

// The chunk run a zone is currently carving (in the current slab).
struct Zone {
  uintptr_t cur = 0, end = 0;
  uintptr_t committed = 0;        // pages below are accessible; == page-rounded cur
  const void* lastOwner = nullptr;  // manager that allocated last here, until finalized
  bool tailFinal = false;         // the page holding `cur` has its final protection
};

}  // namespace

class JitArena {
 public:
  JitArena() {
    slabBytes_ = kDefaultSlab;
    if (const char* e = getenv("KILN_JIT_SLAB_MB")) {
      long mb = strtol(e, nullptr, 10);
      if (mb >= 8 && mb <= 1 << 20) slabBytes_ = (size_t)mb * kMB;
    }
  }
  ~JitArena() {
    for (auto& s : slabs_) munmap((void*)s.base, s.size);
  }

  std::mutex mu;
  JitArenaStats stats;

  // Current slab index, after making sure a module of these sizes fits in it whole.
  // -1: no slab can be had.
  int reserve(const size_t sizes[K_N], const size_t aligns[K_N]) {
    if (!slabs_.empty()) {
      size_t need = 0;
      for (int k = 0; k < K_N; k++) need += chunksFor(k, sizes[k], aligns[k], true);
      const Slab& s = slabs_.back();
      if (s.next + need <= s.size) return (int)slabs_.size() - 1;
    }
    size_t need = 0;   // in a new slab, every kind starts a new chunk run
    for (int k = 0; k < K_N; k++) need += chunksFor(k, sizes[k], aligns[k], false);
    return newSlab(need) ? (int)slabs_.size() - 1 : -1;
  }

  int currentSlab() {
    if (slabs_.empty() && !newSlab(0)) return -1;
    return (int)slabs_.size() - 1;
  }

  // Bump-allocates `size` bytes of `kind` for `owner` in the current slab (which must be
  // `slab`); records the range. 0: does not fit / cannot commit.
  // `expect`: bytes of this kind the module still expects to allocate (sizes a new run).
  uintptr_t alloc(int slab, int kind, size_t size, size_t align, size_t expect, const void* owner,
                  std::vector<Range>& ranges) {
    if (slab < 0 || slab != (int)slabs_.size() - 1) return 0;
    if (size == 0) size = 1;
    align = pow2AtLeast(align ? align : 1);
    const size_t ps = pageSize();
    Zone& z = zones_[kind];
    // Do not share a page with a module that is still being loaded (see the top).
    bool freshPage = kind != K_RW && z.lastOwner && z.lastOwner != owner;
    uintptr_t p = 0;
    if (z.cur) p = alignUp(freshPage ? alignUp(z.cur, ps) : z.cur, align);
    if (!z.cur || p + size > z.end) {
      Slab& s = slabs_[slab];
      size_t run = alignUp(std::max(size, expect) + align + 2 * ps, kChunk);
      if (s.next + run > s.size) return 0;
      z.cur = s.base + s.next;
      z.end = z.cur + run;
      z.committed = z.cur;
      z.lastOwner = nullptr;
      z.tailFinal = false;
      s.next += run;
      p = alignUp(z.cur, align);
    }
    uintptr_t e = p + size;
    if (z.tailFinal && alignDown(p, ps) < z.committed) {
      // Reopen the finalized last page to write this module's start into it.
      if (mprotect((void*)alignDown(p, ps), ps, PROT_READ | PROT_WRITE) != 0) return 0;
    }
    if (e > z.committed) {
      uintptr_t ce = alignUp(e, ps);
      if (mprotect((void*)z.committed, ce - z.committed, PROT_READ | PROT_WRITE) != 0) {
        if (z.tailFinal && alignDown(p, ps) < z.committed)
          mprotect((void*)alignDown(p, ps), ps, kFinalProt[kind]);
        return 0;
      }
      stats.committedBytes += ce - z.committed;
      z.committed = ce;
    }
    z.tailFinal = false;   // the page holding the new cursor is this module's, writable
    z.cur = e;
    if (kind != K_RW) z.lastOwner = owner;
    stats.usedBytes += size;
    if (!ranges.empty() && ranges.back().kind == kind && ranges.back().end <= p &&
        alignDown(p, ps) <= alignUp(ranges.back().end, ps))
      ranges.back().end = e;   // same pages or the next one: one protection range
    else
      ranges.push_back({kind, p, e});
    return p;
  }

  // Final protections for a manager's ranges (at finalizeMemory, or when a manager that
  // never got finalized goes away). Returns false with errno if an mprotect failed.
  bool seal(const void* owner, const std::vector<Range>& ranges) {
    const size_t ps = pageSize();
    bool ok = true;
    for (const Range& r : ranges) {
      if (r.kind == K_RW) continue;
      uintptr_t a = alignDown(r.start, ps), b = alignUp(r.end, ps);
      if (mprotect((void*)a, b - a, kFinalProt[r.kind]) != 0) ok = false;
      if (r.kind == K_CODE) llvm::sys::Memory::InvalidateInstructionCache((const void*)r.start, r.end - r.start);
    }
    for (int k = 0; k < K_N; k++) {
      if (zones_[k].lastOwner == owner) {
        zones_[k].lastOwner = nullptr;
        zones_[k].tailFinal = true;
      }
    }
    return ok;
  }

  size_t slabCount() const { return slabs_.size(); }

 private:
  // Bytes of new chunks a module's `size` bytes of `kind` need (0: the zone's current
  // run has room, when `useZone`).
  size_t chunksFor(int kind, size_t size, size_t align, bool useZone) const {
    if (size == 0) return 0;
    const Zone& z = zones_[kind];
    size_t slack = 2 * pageSize() + pow2AtLeast(align ? align : 1);
    size_t want = size + slack;
    if (useZone && z.cur && z.end - z.cur >= want) return 0;
    return alignUp(want, kChunk);
  }

  bool newSlab(size_t need) {
    size_t size = slabBytes_;
    if (need + kChunk > size) size = alignUp(need + kChunk, kChunk);
    void* hint = nullptr;
    if (!slabs_.empty()) {
      // Next to the previous slab (mappings grow down on Linux), if free.
      const Slab& prev = slabs_.back();
      if (prev.base > size) hint = (void*)(prev.base - size);
    }
    void* m = mmap(hint, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED) return false;
    Slab s;
    s.base = (uintptr_t)m;
    s.size = size;
    slabs_.push_back(s);
    for (auto& z : zones_) z = Zone();
    stats.slabs++;
    stats.reservedBytes += size;
    return true;
  }

  size_t slabBytes_;
  std::vector<Slab> slabs_;
  Zone zones_[K_N];
};

namespace {

class SlabMemoryManager : public llvm::RTDyldMemoryManager {
 public:
  explicit SlabMemoryManager(std::shared_ptr<JitArena> arena) : arena_(std::move(arena)) {
    std::lock_guard<std::mutex> g(arena_->mu);
    arena_->stats.modules++;
  }

  ~SlabMemoryManager() override {
    deregisterEHFrames();
    if (!finalized_ && !ranges_.empty()) {
      std::lock_guard<std::mutex> g(arena_->mu);
      arena_->seal(this, ranges_);
    }
    for (void* p : scratch_) free(p);
  }

  bool needsToReserveAllocationSpace() override { return true; }

  void reserveAllocationSpace(uintptr_t codeSize, uint32_t codeAlign, uintptr_t roSize, uint32_t roAlign,
                              uintptr_t rwSize, uint32_t rwAlign) override {
    size_t sizes[K_N] = {codeSize, roSize, rwSize};
    size_t aligns[K_N] = {codeAlign, roAlign, rwAlign};
    for (int k = 0; k < K_N; k++) expect_[k] = sizes[k];
    std::lock_guard<std::mutex> g(arena_->mu);
    slab_ = arena_->reserve(sizes, aligns);
    if (slab_ < 0) fail("cannot reserve JIT memory: " + std::string(strerror(errno)));
  }

  uint8_t* allocateCodeSection(uintptr_t size, unsigned align, unsigned, llvm::StringRef name) override {
    return allocate(K_CODE, size, align, name);
  }

  uint8_t* allocateDataSection(uintptr_t size, unsigned align, unsigned, llvm::StringRef name,
                               bool readOnly) override {
    return allocate(readOnly ? K_RO : K_RW, size, align, name);
  }

  void registerEHFrames(uint8_t* addr, uint64_t loadAddr, size_t size) override {
    if (failed_) return;   // scratch memory: freed with this manager, never runs
    RTDyldMemoryManager::registerEHFrames(addr, loadAddr, size);
  }

  bool finalizeMemory(std::string* errMsg) override {
    if (failed_) {
      if (errMsg) *errMsg = error_;
      return true;
    }
    if (finalized_) return false;
    bool ok;
    {
      std::lock_guard<std::mutex> g(arena_->mu);
      ok = arena_->seal(this, ranges_);
    }
    finalized_ = true;
    if (!ok) {
      if (errMsg) *errMsg = "out of JIT memory: cannot protect code pages: " + std::string(strerror(errno));
      return true;
    }
    return false;
  }

 private:
  uint8_t* allocate(int kind, uintptr_t size, unsigned align, llvm::StringRef name) {
    errno = 0;
    size_t expect = expect_[kind];
    expect_[kind] = expect > size ? expect - size : 0;
    if (!failed_) {
      std::lock_guard<std::mutex> g(arena_->mu);
      if (slab_ < 0 && ranges_.empty()) slab_ = arena_->currentSlab();   // not reserved
      uintptr_t p = arena_->alloc(slab_, kind, size, align, expect, this, ranges_);
      if (!p && ranges_.empty()) {
        // Nothing of this module placed yet: it can still go whole into a new slab.
        size_t sizes[K_N] = {0, 0, 0}, aligns[K_N] = {1, 1, 1};
        sizes[kind] = size;
        aligns[kind] = align;
        slab_ = arena_->reserve(sizes, aligns);
        p = arena_->alloc(slab_, kind, size, align, size, this, ranges_);
      }
      if (p) return (uint8_t*)p;
      fail("out of JIT memory: cannot allocate " + std::to_string((unsigned long long)size) + " bytes of " +
           kKindName[kind] + " for section " + name.str() + (errno ? std::string(": ") + strerror(errno) : ""));
    }
    // Scratch memory so that RuntimeDyld (which aborts on a null section) carries on to
    // finalizeMemory, which reports the error.
    size_t a = pow2AtLeast(align ? align : 16);
    if (a < sizeof(void*)) a = sizeof(void*);
    void* m = nullptr;
    if (posix_memalign(&m, a, size ? size : 1) != 0) m = nullptr;
    if (!m) return nullptr;   // malloc itself failed: RuntimeDyld reports a fatal error
    memset(m, 0, size ? size : 1);
    scratch_.push_back(m);
    return (uint8_t*)m;
  }

  void fail(std::string msg) {
    if (!failed_) error_ = std::move(msg);
    failed_ = true;
  }

  std::shared_ptr<JitArena> arena_;
  std::vector<Range> ranges_;
  std::vector<void*> scratch_;
  size_t expect_[K_N] = {0, 0, 0};   // reserved sizes not yet allocated
  int slab_ = -1;
  bool finalized_ = false;
  bool failed_ = false;
  std::string error_;
};

}  // namespace

std::shared_ptr<JitArena> newJitArena() { return std::make_shared<JitArena>(); }

std::unique_ptr<llvm::RuntimeDyld::MemoryManager> newSlabMemoryManager(const std::shared_ptr<JitArena>& arena) {
  return std::make_unique<SlabMemoryManager>(arena);
}

JitArenaStats jitArenaStats(const JitArena& arena) {
  auto& a = const_cast<JitArena&>(arena);
  std::lock_guard<std::mutex> g(a.mu);
  JitArenaStats s = a.stats;
  return s;
}

}  // namespace kiln
