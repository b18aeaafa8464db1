// The Kiln runtime library (docs/runtime-abi.md): errors, memory (Boehm GC), strings,
// arrays, output buffering and the calls JIT code makes into the host. Per-thread set-up
// (collector, fault handlers) is in thread.cc; the N-API side of the host in host.cc.
#include "kiln.h"
#include "map.h"

#define GC_THREADS 1
#define GC_NO_THREAD_REDIRECTS 1
#include <gc/gc.h>
#include <gc/gc_mark.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

namespace kiln {

__thread Session* tlsSession __attribute__((tls_model("initial-exec"))) = nullptr;

// ---------------------------------------------------------------- types registry
static std::mutex typesMu;
static std::vector<TypeDesc*> types;  // never shrinks; pointers stay valid

int32_t registerType(TypeDesc d) {
  std::lock_guard<std::mutex> g(typesMu);
  types.push_back(new TypeDesc(std::move(d)));
  return (int32_t)(T_FIRST_COMPOSITE + types.size() - 1);
}

bool updateType(int32_t id, TypeDesc d) {
  std::lock_guard<std::mutex> g(typesMu);
  size_t index = (size_t)(id - T_FIRST_COMPOSITE);
  if (id < T_FIRST_COMPOSITE || index >= types.size()) return false;
  *types[index] = std::move(d);
  return true;
}

const TypeDesc* getType(int32_t id) {
  if (id < T_FIRST_COMPOSITE) return nullptr;
  std::lock_guard<std::mutex> g(typesMu);
  size_t i = (size_t)(id - T_FIRST_COMPOSITE);
  return i < types.size() ? types[i] : nullptr;
}

uint64_t nowNs() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

// ---------------------------------------------------------------- errors
[[noreturn]] void raisePending() {
  Session* s = tlsSession;
  if (!s || !s->top) {
    fprintf(stderr, "kiln: runtime error outside a guarded entry: %s: %s\n", s ? s->errKind.c_str() : "?",
            s ? s->errMsg.c_str() : "?");
    abort();
  }
  siglongjmp(s->top->jb, 1);
}

[[noreturn]] void raiseError(const char* kind, const char* msg) {
  Session* s = tlsSession;
  if (s) {
    s->errKind = kind;
    s->errMsg = msg;
  }
  raisePending();
}

[[noreturn]] void memoryError(size_t bytes) {
  char m[96];
  snprintf(m, sizeof m, "out of memory (cannot allocate %llu bytes)", (unsigned long long)bytes);
  raiseError("MemoryError", m);
}

// ---------------------------------------------------------------- strings
static KilnStr kEmpty = {0, {0}};
KilnStr* emptyStr() { return &kEmpty; }

KilnStr* newStrOfLength(size_t n) {
  if (n > ((size_t)1 << 40)) memoryError(n);
  KilnStr* s = (KilnStr*)GC_MALLOC_ATOMIC(sizeof(int64_t) + n + 1);
  if (!s) memoryError(n + 9);
  s->len = (int64_t)n;
  s->bytes[n] = 0;
  return s;
}

KilnStr* newStr(const char* p, size_t n) {
  KilnStr* s = newStrOfLength(n);
  if (n) memcpy(s->bytes, p, n);
  return s;
}

static inline const KilnStr* S(const void* p) { return p ? (const KilnStr*)p : &kEmpty; }

// ---------------------------------------------------------------- arrays
// C pointers (T_PTR) never point into Kiln's heap: not scanned either.
static inline bool atomicElem(int32_t t) { return t == T_INT || t == T_FLOAT || t == T_BOOL || t == T_PTR; }

// Counted in elements: the size in bytes of a huge array does not fit in 64 bits.
[[noreturn]] static void arrayMemoryError(int64_t elements) {
  char m[112];
  snprintf(m, sizeof m, "out of memory (cannot allocate an array of %lld elements)", (long long)elements);
  raiseError("MemoryError", m);
}

// Asks for huge pages under a large block's whole 2 MB pages (transparent huge pages in
// "madvise" mode, Debian's default): its first touch then takes one fault per 2 MB instead of
// 512, which on a VM was most of the cost of a fresh 16 MB array. Memory already touched
// keeps its pages; the system may refuse (no huge pages free): nothing changes then.
static void adviseHugePages(void* block, size_t bytes) {
  constexpr uintptr_t kHuge = 2u << 20;
  uintptr_t lo = ((uintptr_t)block + kHuge - 1) & ~(kHuge - 1);
  uintptr_t hi = ((uintptr_t)block + bytes) & ~(kHuge - 1);
  if (hi > lo) madvise((void*)lo, hi - lo, MADV_HUGEPAGE);
}

static int64_t* allocWords(int64_t cap, bool atomic) {
  if (cap < 0 || cap > ((int64_t)1 << 56)) arrayMemoryError(cap);
  size_t bytes = (size_t)cap * 8;
  int64_t* d = (int64_t*)(atomic ? GC_MALLOC_ATOMIC(bytes) : GC_MALLOC(bytes));
  if (!d) arrayMemoryError(cap);
  if (bytes >= (4u << 20)) adviseHugePages(d, bytes);
  return d;
}

}  // namespace kiln

using namespace kiln;

// ================================================================ the C ABI
extern "C" {

// A call too deep, raised at its callee's entry (at `depth`) from the caller's frame. `selfCallSite`
// is the callee's self-call location when its self-calls record none (kernel/engine/lower.ts
// settleSelfCalls), else kNoSelfCallSite: a self-call (the callee's depth unmarked in fstack) recorded
// nothing, so the caller's frame is put at that site.
[[noreturn]] static void recursionError(int64_t depth, int32_t selfCallSite) {
  Session* s = tlsSession;
  int64_t caller = depth - 1;
  s->depth = caller;
  if (selfCallSite != kNoSelfCallSite && caller >= 0 && depth < kStackWords && s->fstack[depth] == 0) s->lstack[caller] = selfCallSite;
  raiseError("RecursionError", "maximum recursion depth exceeded");
}

// Clears the interrupt word and restores the call limit after it, as clearInterruptWord in
// kernel/engine/interrupt-word.ts does.
static void clearInterruptWord(int32_t* words) {
  __atomic_store_n(&words[0], 0, __ATOMIC_SEQ_CST);
  __atomic_store_n(&words[1], kMaxDepth, __ATOMIC_SEQ_CST);
  if (__atomic_load_n(&words[0], __ATOMIC_SEQ_CST) != 0) __atomic_store_n(&words[1], kCallLimitSlow, __ATOMIC_SEQ_CST);
}

[[noreturn]] void kiln_interrupted() {
  Session* s = tlsSession;
  if (s->jitInterruptFlag) clearInterruptWord(s->jitInterruptFlag);
  if (s->interruptFlag) clearInterruptWord(s->interruptFlag);
  raiseError("KeyboardInterrupt", "interrupted");
}

// An interrupt seen by the poll at `location` of the frame at `depth`.
[[noreturn]] void kiln_interrupted_at(int64_t depth, int32_t location) {
  Session* s = tlsSession;
  s->lstack[depth] = location;
  s->depth = depth;
  kiln_interrupted();
}

// A call that its entry check refused (kernel/engine/lower.ts finishEntryCheck): interrupted, it
// raises KeyboardInterrupt at `location`; else it was too deep, and raises RecursionError.
[[noreturn]] void kiln_call_refused(int64_t depth, int32_t location, int32_t selfCallSite) {
  Session* s = tlsSession;
  if (__atomic_load_n(&s->interruptFlag[0], __ATOMIC_SEQ_CST) == kInterruptRequested) kiln_interrupted_at(depth, location);
  recursionError(depth, selfCallSite);
}

[[noreturn]] void kiln_zero_division() { raiseError("ZeroDivisionError", "integer division or modulo by zero"); }

[[noreturn]] void kiln_index_error(int64_t index, int64_t len) {
  char m[96];
  snprintf(m, sizeof m, "index %lld out of range for length %lld", (long long)index, (long long)len);
  raiseError("IndexError", m);
}

[[noreturn]] void kiln_uninitialized(const KilnStr* name) {
  Session* s = tlsSession;
  s->errKind = "NameError";
  s->errMsg = "global `" + std::string(S(name)->bytes, (size_t)S(name)->len) + "` is used before its `let` has run";
  raisePending();
}

[[noreturn]] void kiln_assert_fail(const KilnStr* msg) {
  Session* s = tlsSession;
  s->errKind = "AssertionError";
  s->errMsg.assign(S(msg)->bytes, (size_t)S(msg)->len);
  raisePending();
}

void* kiln_alloc(int64_t bytes) {
  if (bytes < 0) memoryError((size_t)bytes);
  void* p = GC_MALLOC(bytes ? (size_t)bytes : 8);
  if (!p) memoryError((size_t)bytes);
  return p;
}

KilnStr* kiln_str_concat(const KilnStr* a, const KilnStr* b) {
  a = S(a);
  b = S(b);
  size_t n = (size_t)a->len + (size_t)b->len;
  if (n > ((size_t)1 << 40)) memoryError(n);
  KilnStr* r = (KilnStr*)GC_MALLOC_ATOMIC(sizeof(int64_t) + n + 1);
  if (!r) memoryError(n + 9);
  r->len = (int64_t)n;
  memcpy(r->bytes, a->bytes, (size_t)a->len);
  memcpy(r->bytes + a->len, b->bytes, (size_t)b->len);
  r->bytes[n] = 0;
  return r;
}

int64_t kiln_str_cmp(const KilnStr* a, const KilnStr* b) {
  a = S(a);
  b = S(b);
  size_t n = (size_t)(a->len < b->len ? a->len : b->len);
  int c = memcmp(a->bytes, b->bytes, n);
  if (c) return c < 0 ? -1 : 1;
  return a->len < b->len ? -1 : a->len > b->len ? 1 : 0;
}

KilnStr* kiln_substr(const KilnStr* s, int64_t start, int64_t end) {
  s = S(s);
  if (start < 0 || end < start || end > s->len) {
    char m[128];
    snprintf(m, sizeof m, "substring %lld..%lld out of range for length %lld", (long long)start, (long long)end,
             (long long)s->len);
    raiseError("IndexError", m);
  }
  return newStr(s->bytes + start, (size_t)(end - start));
}

KilnStr* kiln_str_from_c(const char* c) {
  if (!c) return newStr("", 0);
  return newStr(c, strlen(c));
}

KilnStr* kiln_fmt(int64_t bits, int32_t type) {
  Session* s = tlsSession;
  s->fmtBuf.clear();
  formatValue(s->fmtBuf, bits, type, false);
  return newStr(s->fmtBuf.data(), s->fmtBuf.size());
}

KilnStr* kiln_repr(int64_t bits, int32_t type) {
  Session* s = tlsSession;
  s->fmtBuf.clear();
  formatValue(s->fmtBuf, bits, type, true);
  return newStr(s->fmtBuf.data(), s->fmtBuf.size());
}

static void parseError(const char* what, const KilnStr* str) {
  Session* s = tlsSession;
  s->errKind = "ValueError";
  s->errMsg = "invalid literal for ";
  s->errMsg += what;
  s->errMsg += "(): ";
  reprString(s->errMsg, str->bytes, (size_t)str->len);
  raisePending();
}

static inline bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

int64_t kiln_parse_int(const KilnStr* str) {
  str = S(str);
  const char* p = str->bytes;
  const char* e = p + str->len;
  while (p < e && isSpace(*p)) p++;
  while (e > p && isSpace(e[-1])) e--;
  bool neg = false;
  if (p < e && (*p == '+' || *p == '-')) neg = *p++ == '-';
  if (p == e) parseError("int", str);
  unsigned __int128 v = 0;
  bool lastUnderscore = true;
  for (; p < e; p++) {
    if (*p == '_' && !lastUnderscore && p + 1 < e) { lastUnderscore = true; continue; }
    if (*p < '0' || *p > '9') parseError("int", str);
    v = v * 10 + (unsigned)(*p - '0');
    if (v > ((unsigned __int128)1 << 63)) parseError("int", str);
    lastUnderscore = false;
  }
  if (!neg && v > (unsigned __int128)INT64_MAX) parseError("int", str);
  return neg ? (int64_t)(0 - (uint64_t)v) : (int64_t)v;
}

double kiln_parse_float(const KilnStr* str) {
  str = S(str);
  const char* p = str->bytes;
  const char* e = p + str->len;
  while (p < e && isSpace(*p)) p++;
  while (e > p && isSpace(e[-1])) e--;
  if (p == e || (size_t)(e - p) > 400 || memchr(p, 0, (size_t)(e - p))) parseError("float", str);
  char buf[512];
  size_t n = (size_t)(e - p);
  memcpy(buf, p, n);
  buf[n] = 0;
  for (size_t i = 0; i < n; i++)  // no hex floats
    if (buf[i] == 'x' || buf[i] == 'X') parseError("float", str);
  char* end = nullptr;
  double d = strtod(buf, &end);
  if (end != buf + n) parseError("float", str);
  return d;
}

KilnArray* kiln_array_new(int64_t len, int32_t elemType) {
  if (len < 0) {
    char m[80];
    snprintf(m, sizeof m, "negative array length: %lld", (long long)len);
    raiseError("ValueError", m);
  }
  KilnArray* a = (KilnArray*)GC_MALLOC(sizeof(KilnArray));
  if (!a) memoryError(sizeof(KilnArray));
  int64_t cap = len < 4 ? 4 : len;
  bool atomic = atomicElem(elemType);
  a->data = allocWords(cap, atomic);
  if (atomic) memset(a->data, 0, (size_t)len * 8);
  a->len = len;
  a->cap = cap;
  return a;
}

void kiln_array_push(KilnArray* a, int64_t bits) {
  if (a->len >= a->cap) {
    int64_t ncap = a->cap < 4 ? 4 : a->cap * 2;
    bool atomic = false;
    if (a->data) {
      size_t sz = 0;
      atomic = GC_get_kind_and_size(a->data, &sz) == 0 /* PTRFREE */;
    }
    int64_t* nd = allocWords(ncap, atomic);
    if (a->len) memcpy(nd, a->data, (size_t)a->len * 8);
    a->data = nd;  // the old block is left to the collector (a live interior pointer may exist)
    a->cap = ncap;
  }
  a->data[a->len++] = bits;
}

int64_t kiln_array_pop(KilnArray* a) {
  if (a->len <= 0) raiseError("IndexError", "pop from empty array");
  int64_t v = a->data[--a->len];
  a->data[a->len] = 0;
  return v;
}

KilnArray* kiln_array_fill(int64_t n, int64_t bits, int32_t elemType) {
  KilnArray* a = kiln_array_new(n, elemType);
  for (int64_t i = 0; i < n; i++) a->data[i] = bits;
  return a;
}

// ---------------------------------------------------------------- output
void kiln_print_value(int32_t stream, int64_t bits, int32_t type, int32_t last) {
  Session* s = tlsSession;
  if (stream != 2) stream = 1;
  if (s->curStream != stream && !s->outBuf.empty())
    if (flushOutput(s)) raisePending();
  s->curStream = stream;
  formatValue(s->outBuf, bits, type, false);
  s->outBuf += last ? '\n' : ' ';
  if (s->outBuf.size() > (64u << 10) || nowNs() - s->lastFlushNs >= 5000000ull)
    if (flushOutput(s)) raisePending();
}

// ---------------------------------------------------------------- misc
static uint64_t rng[4];
static bool rngSeeded = false;

static inline uint64_t splitmix(uint64_t& x) {
  uint64_t z = (x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

void kiln_seed(int64_t n) {
  uint64_t x = (uint64_t)n;
  for (auto& w : rng) w = splitmix(x);
  rngSeeded = true;
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

// xoshiro256** (Blackman & Vigna); seeded from the clock unless seed(n) was called.
double kiln_random() {
  if (!rngSeeded) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    kiln_seed((int64_t)(ts.tv_sec * 1000000000ll + ts.tv_nsec) ^ (int64_t)nowNs() ^ (int64_t)getpid() << 32);
  }
  uint64_t result = rotl(rng[1] * 5, 7) * 9;
  uint64_t t = rng[1] << 17;
  rng[2] ^= rng[0];
  rng[3] ^= rng[1];
  rng[1] ^= rng[2];
  rng[0] ^= rng[3];
  rng[2] ^= t;
  rng[3] = rotl(rng[3], 45);
  return (double)(result >> 11) * 0x1.0p-53;
}

double kiln_clock() { return (double)nowNs() * 1e-9; }

void kiln_result(const KilnStr* text) {
  Session* s = tlsSession;
  if (!s->top) return;
  text = S(text);
  s->top->result.assign(text->bytes, (size_t)text->len);
  s->top->hasResult = true;
}

// ---------------------------------------------------------------- host callbacks
static inline HostArg A(const KilnStr* s) {
  s = S(s);
  return HostArg{HostArg::Str, s->bytes, (size_t)s->len, 0, nullptr};
}
static inline HostArg N(double d) { return HostArg{HostArg::Num, nullptr, 0, d, nullptr}; }
static inline HostArg C(const char* s) { return HostArg{HostArg::Str, s, strlen(s), 0, nullptr}; }
static inline HostArg FA(const KilnArray* a) { return HostArg{HostArg::FloatArr, nullptr, 0, 0, a}; }
static inline HostArg SA(const KilnArray* a) { return HostArg{HostArg::StrArr, nullptr, 0, 0, a}; }

static inline void hostVoid(HostOp op, const HostArg* args, int n) {
  Session* s = tlsSession;
  if (!s->outBuf.empty() && flushOutput(s)) raisePending();
  if (callHost(s, op, args, n, false)) raisePending();
}

static inline KilnStr* hostStr(HostOp op, const HostArg* args, int n) {
  Session* s = tlsSession;
  if (!s->outBuf.empty() && flushOutput(s)) raisePending();
  if (callHost(s, op, args, n, true)) raisePending();
  return newStr(s->hostOut.data(), s->hostOut.size());
}

void kiln_display(const KilnStr* mime, const KilnStr* data) {
  HostArg a[] = {A(mime), A(data)};
  hostVoid(HostOp::Display, a, 2);
}

KilnStr* kiln_display_id(const KilnStr* mime, const KilnStr* data) {
  HostArg a[] = {A(mime), A(data)};
  return hostStr(HostOp::DisplayId, a, 2);
}

void kiln_update_display(const KilnStr* id, const KilnStr* mime, const KilnStr* data) {
  HostArg a[] = {A(id), A(mime), A(data)};
  hostVoid(HostOp::UpdateDisplay, a, 3);
}

void kiln_clear_output() {
  // Pending output is sent first (hostVoid flushes), so the messages keep their order
  // whatever the flush timing was; the front end then clears it.
  hostVoid(HostOp::ClearOutput, nullptr, 0);
}

void kiln_chart(int32_t kind, const KilnArray* xs, const KilnArray* ys, const KilnStr* title) {
  HostArg a[] = {C(kind == 1 ? "scatter" : "line"), FA(xs), FA(ys), A(title)};
  hostVoid(HostOp::Chart, a, 4);
}

void kiln_hist(const KilnArray* xs, int64_t bins, const KilnStr* title) {
  HostArg a[] = {FA(xs), N((double)bins), A(title)};
  hostVoid(HostOp::Hist, a, 3);
}

void kiln_bar(const KilnArray* labels, const KilnArray* values, const KilnStr* title) {
  HostArg a[] = {SA(labels), FA(values), A(title)};
  hostVoid(HostOp::Bar, a, 3);
}

void kiln_progress(int64_t done, int64_t total) {
  // The bar redraws at most ~10 times a second (in JS): calls in between that cannot
  // change what is shown skip the trip to JS, so progress() is cheap in a tight loop.
  // The first call after a pause, and the call at 100 %, always go through. The last
  // call skipped is kept: the engine draws it when the cell ends (takeSkippedProgress).
  Session* s = tlsSession;
  int64_t now = (int64_t)nowNs();
  if (done < total && done > 0 && now - s->progressLastCallNs < 20'000'000) {
    s->progressSkipped = true;
    s->progressDone = done;
    s->progressTotal = total;
    s->progressSkippedNs = (uint64_t)now;
    return;
  }
  s->progressLastCallNs = now;
  s->progressSkipped = false;
  HostArg a[] = {N((double)done), N((double)total)};
  hostVoid(HostOp::Progress, a, 2);
}

KilnStr* kiln_input(const KilnStr* prompt) {
  HostArg a[] = {A(prompt)};
  return hostStr(HostOp::Input, a, 1);
}

KilnStr* kiln_eval(const KilnStr* src) {
  HostArg a[] = {A(src)};
  return hostStr(HostOp::Eval, a, 1);
}

}  // extern "C"

namespace kiln {

std::vector<RuntimeSymbol> runtimeSymbols(Session* s) {
#define F(n) {#n, (void*)&n, true}
  std::vector<RuntimeSymbol> symbols = {
      {"kiln_depth", (void*)&s->depth, false},
      {"kiln_interrupt", (void*)s->interruptFlag, false},
      {"kiln_call_limit", (void*)(s->interruptFlag + 1), false},
      {"kiln_fstack", (void*)s->fstack, false},
      {"kiln_lstack", (void*)s->lstack, false},
      {"kiln_cfunc", (void*)&s->cFunction, false},
      F(kiln_call_refused), F(kiln_interrupted), F(kiln_interrupted_at), F(kiln_zero_division), F(kiln_index_error),
      F(kiln_assert_fail), F(kiln_uninitialized), F(kiln_alloc), F(kiln_str_concat), F(kiln_str_cmp), F(kiln_substr),
      F(kiln_str_from_c), F(kiln_fmt), F(kiln_repr), F(kiln_parse_int), F(kiln_parse_float), F(kiln_array_new),
      F(kiln_array_push), F(kiln_array_pop), F(kiln_array_fill), F(kiln_print_value), F(kiln_random),
      F(kiln_seed), F(kiln_clock), F(kiln_result), F(kiln_display), F(kiln_display_id),
      F(kiln_update_display), F(kiln_clear_output), F(kiln_chart), F(kiln_hist), F(kiln_bar),
      F(kiln_progress), F(kiln_input), F(kiln_eval),
      F(kiln_map_new), F(kiln_map_set), F(kiln_map_get), F(kiln_map_get_or), F(kiln_map_has),
      F(kiln_map_remove), F(kiln_map_keys), F(kiln_map_values), F(kiln_map_next),
      F(kiln_sort_by_keys),
  };
#undef F
  appendStringSymbols(symbols);
  appendArraySymbols(symbols);
  appendFileSymbols(symbols);
  return symbols;
}

}  // namespace kiln
