// The array built-ins of LANGUAGE.md 0.2 "More on arrays" (docs/runtime-abi.md). The
// element type arrives as a type id (T_INT, T_FLOAT, T_BOOL, T_STR or a composite id);
// the checker lets through only the element types each function accepts.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "kiln.h"

#define GC_THREADS 1
#define GC_NO_THREAD_REDIRECTS 1
#include <gc/gc.h>

namespace kiln {
namespace {

double asFloat(int64_t bits) {
  double d;
  memcpy(&d, &bits, sizeof d);
  return d;
}

int64_t floatBits(double d) {
  int64_t bits;
  memcpy(&bits, &d, sizeof bits);
  return bits;
}

const KilnStr* asStr(int64_t bits) { return strOrEmpty((const KilnStr*)(uintptr_t)bits); }

bool strLess(int64_t a, int64_t b) {
  const KilnStr* x = asStr(a);
  const KilnStr* y = asStr(b);
  int c = memcmp(x->bytes, y->bytes, (size_t)std::min(x->len, y->len));
  return c < 0 || (c == 0 && x->len < y->len);
}

bool strEqual(int64_t a, int64_t b) {
  const KilnStr* x = asStr(a);
  const KilnStr* y = asStr(b);
  return x->len == y->len && memcmp(x->bytes, y->bytes, (size_t)x->len) == 0;
}

// Ascending with nan last; equal values (and all nans) keep their order in a stable sort.
bool floatLess(int64_t a, int64_t b) {
  double x = asFloat(a), y = asFloat(b);
  return !std::isnan(x) && (std::isnan(y) || x < y);
}

[[noreturn]] void sliceError(int64_t start, int64_t end, int64_t len) {
  char m[160];
  snprintf(m, sizeof m, "slice %lld..%lld out of range for length %lld", (long long)start, (long long)end, (long long)len);
  raiseError("IndexError", m);
}

[[noreturn]] void insertError(int64_t index, int64_t len) {
  char m[128];
  snprintf(m, sizeof m, "insert index %lld out of range for length %lld", (long long)index, (long long)len);
  raiseError("IndexError", m);
}

[[noreturn]] void emptyError(const char* fn) {
  char m[64];
  snprintf(m, sizeof m, "%s() arg is an empty array", fn);
  raiseError("ValueError", m);
}

// The smallest (or largest) element of a non-empty [int] or [float]; nan if a float is nan.
int64_t extreme(const KilnArray* a, int32_t elemType, bool largest, const char* fn) {
  if (a->len == 0) emptyError(fn);
  if (elemType == T_FLOAT) {
    double best = asFloat(a->data[0]);
    for (int64_t i = 1; i < a->len && !std::isnan(best); i++) {
      double x = asFloat(a->data[i]);
      if (std::isnan(x) || (largest ? x > best : x < best)) best = x;
    }
    return floatBits(best);
  }
  int64_t best = a->data[0];
  for (int64_t i = 1; i < a->len; i++)
    if (largest ? a->data[i] > best : a->data[i] < best) best = a->data[i];
  return best;
}

}  // namespace
}  // namespace kiln

using namespace kiln;

extern "C" {

[[noreturn]] void kiln_index_error(int64_t index, int64_t len);  // runtime.cc: "index 10 out of range for length 3"

void kiln_array_sort(KilnArray* a, int32_t elemType) {
  int64_t* begin = a->data;
  int64_t* end = a->data + a->len;
  if (elemType == T_INT) {
    std::sort(begin, end);
  } else if (elemType == T_FLOAT) {
    std::stable_sort(begin, end, floatLess);
  } else {
    // std::stable_sort moves elements through a buffer the collector does not scan: a
    // scanned copy keeps every str alive meanwhile (another thread may collect).
    KilnArray* keep = kiln_array_new(a->len, T_STR);
    if (a->len) memcpy(keep->data, a->data, (size_t)a->len * 8);
    std::stable_sort(begin, end, strLess);
    GC_reachable_here(keep);
  }
}

void kiln_array_reverse(KilnArray* a) { std::reverse(a->data, a->data + a->len); }

KilnArray* kiln_array_slice(const KilnArray* a, int64_t start, int64_t end, int32_t elemType) {
  if (start < 0 || end < start || end > a->len) sliceError(start, end, a->len);
  KilnArray* out = kiln_array_new(end - start, elemType);
  if (end > start) memcpy(out->data, a->data + start, (size_t)(end - start) * 8);
  return out;
}

void kiln_array_insert(KilnArray* a, int64_t index, int64_t bits) {
  if (index < 0 || index > a->len) insertError(index, a->len);
  kiln_array_push(a, bits);  // grows the storage if needed
  memmove(a->data + index + 1, a->data + index, (size_t)(a->len - 1 - index) * 8);
  a->data[index] = bits;
}

int64_t kiln_array_remove_at(KilnArray* a, int64_t index) {
  if (index < 0 || index >= a->len) kiln_index_error(index, a->len);
  int64_t removed = a->data[index];
  memmove(a->data + index, a->data + index + 1, (size_t)(a->len - 1 - index) * 8);
  a->data[--a->len] = 0;  // (so that the collector does not keep the element alive)
  return removed;
}

int64_t kiln_array_index_of(const KilnArray* a, int64_t bits, int32_t elemType) {
  for (int64_t i = 0; i < a->len; i++) {
    int64_t e = a->data[i];
    bool equal = elemType == T_FLOAT ? asFloat(e) == asFloat(bits) : elemType == T_STR ? strEqual(e, bits) : e == bits;
    if (equal) return i;
  }
  return -1;
}

int64_t kiln_array_sum(const KilnArray* a, int32_t elemType) {
  if (elemType == T_FLOAT) {
    double total = 0.0;
    for (int64_t i = 0; i < a->len; i++) total += asFloat(a->data[i]);
    return floatBits(total);
  }
  uint64_t total = 0;  // wraps on overflow, as int + does
  for (int64_t i = 0; i < a->len; i++) total += (uint64_t)a->data[i];
  return (int64_t)total;
}

int64_t kiln_array_min_of(const KilnArray* a, int32_t elemType) { return extreme(a, elemType, false, "min_of"); }
int64_t kiln_array_max_of(const KilnArray* a, int32_t elemType) { return extreme(a, elemType, true, "max_of"); }

}  // extern "C"

namespace kiln {

void appendArraySymbols(std::vector<RuntimeSymbol>& out) {
#define F(n) out.push_back({#n, (void*)&n, true})
  F(kiln_array_sort); F(kiln_array_reverse); F(kiln_array_slice); F(kiln_array_insert); F(kiln_array_remove_at);
  F(kiln_array_index_of); F(kiln_array_sum); F(kiln_array_min_of); F(kiln_array_max_of);
#undef F
}

}  // namespace kiln
