// sort_by(a, key) (LANGUAGE.md "More on arrays"): a stable bottom-up merge sort of an
// array by keys that JIT code has already computed, one per element, by calling the key
// function once each (as Python's `sort(key=...)`). The sort itself runs no Kiln code,
// so nothing can raise or jump out of it half-way: the array is either untouched (an
// error in the key function) or sorted.
#include "kiln.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace {

using kiln::KilnArray;
using kiln::KilnStr;

struct Item {
  int64_t key;
  int64_t value;
};

/** Is key a before key b? Floats: NaN after every number (as `sort`); strs: byte-wise. */
bool keyLess(int64_t a, int64_t b, int32_t keyType) {
  if (keyType == kiln::T_FLOAT) {
    double x, y;
    memcpy(&x, &a, 8);
    memcpy(&y, &b, 8);
    if (std::isnan(x)) return false;
    if (std::isnan(y)) return true;
    return x < y;
  }
  if (keyType == kiln::T_STR) {
    const KilnStr* s = (const KilnStr*)(uintptr_t)a;
    const KilnStr* t = (const KilnStr*)(uintptr_t)b;
    size_t n = (size_t)(s->len < t->len ? s->len : t->len);
    int c = memcmp(s->bytes, t->bytes, n);
    return c < 0 || (c == 0 && s->len < t->len);
  }
  return a < b;
}

/** Merges the sorted runs from[lo, mid) and from[mid, hi) into to[lo, hi); ties keep the left run first. */
void merge(const Item* from, Item* to, size_t lo, size_t mid, size_t hi, int32_t keyType) {
  size_t i = lo, j = mid, k = lo;
  while (i < mid && j < hi) to[k++] = keyLess(from[j].key, from[i].key, keyType) ? from[j++] : from[i++];
  while (i < mid) to[k++] = from[i++];
  while (j < hi) to[k++] = from[j++];
}

}  // namespace

extern "C" void kiln_sort_by_keys(KilnArray* a, KilnArray* keys, int32_t keyType) {
  if (a->len != keys->len) kiln::raiseError("RuntimeError", "array changed size during sort_by");
  size_t n = (size_t)a->len;
  if (n < 2) return;
  Item* buffer = (Item*)malloc(2 * n * sizeof(Item));
  if (!buffer) kiln::raiseError("MemoryError", "out of memory in sort_by");
  Item* items = buffer;
  Item* scratch = buffer + n;
  for (size_t i = 0; i < n; i++) items[i] = {keys->data[i], a->data[i]};
  for (size_t width = 1; width < n; width *= 2) {
    for (size_t lo = 0; lo < n; lo += 2 * width) {
      size_t mid = lo + width < n ? lo + width : n;
      size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
      merge(items, scratch, lo, mid, hi, keyType);
    }
    std::swap(items, scratch);  // the merged runs are in scratch: they are the items of the next pass
  }
  for (size_t i = 0; i < n; i++) a->data[i] = items[i].value;
  free(buffer);
}
