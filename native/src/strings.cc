// The string built-ins (LANGUAGE.md 0.2 "Strings"; docs/runtime-abi.md). Positions are
// byte offsets; code points are decoded as UTF-8 only by words, chars and ord. Each
// function matches the Python behaviour LANGUAGE.md names (split as str.split(sep),
// words as str.split(), fmt as C's "%.*f"); decisions for what the page leaves open
// are in docs/decisions.md.
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <cstdint>

#define GC_THREADS 1
#define GC_NO_THREAD_REDIRECTS 1
#include <gc/gc.h>

#include "kiln.h"
#include "utf8.h"

namespace kiln {
namespace {

constexpr int64_t kMaxFmtDecimals = 1000;

const KilnStr* S(const KilnStr* s) { return strOrEmpty(s); }

// The first occurrence of [needle, needle + n) in [hay, hay + len) at or after `from`, or nullptr.
const char* search(const KilnStr* hay, size_t from, const KilnStr* needle) {
  return (const char*)memmem(hay->bytes + from, (size_t)hay->len - from, needle->bytes, (size_t)needle->len);
}

void pushStr(KilnArray* out, const char* p, size_t n) { kiln_array_push(out, (int64_t)(uintptr_t)newStr(p, n)); }

// Python's str.isspace() for one code point (the separators of str.split()).
bool isPythonSpace(uint32_t cp) {
  if (cp <= 0x20) return (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20);
  return cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 ||
         cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

// The byte length of the code point at p (p < end); an invalid byte counts as one.
size_t codePointAt(const unsigned char* p, const unsigned char* end, uint32_t* cp, bool* valid) {
  size_t n = decodeUtf8(p, end, cp);
  *valid = n != 0;
  return n ? n : 1;
}

// Calls word(p, n) for each maximal run of non-space code points, as str.split() splits.
template <typename OnWord>
void forEachWord(const KilnStr* s, OnWord word) {
  const unsigned char* end = (const unsigned char*)s->bytes + s->len;
  const unsigned char* start = nullptr;  // of the current word
  for (const unsigned char* p = (const unsigned char*)s->bytes; p < end;) {
    bool space;
    size_t n = 1;
    if (*p < 0x80) {
      space = *p <= 0x20 && isPythonSpace(*p);
    } else {
      uint32_t cp;
      bool valid;
      n = codePointAt(p, end, &cp, &valid);
      space = valid && isPythonSpace(cp);
    }
    if (space) {
      if (start) word((const char*)start, (size_t)(p - start));
      start = nullptr;
    } else if (!start) {
      start = p;
    }
    p += n;
  }
  if (start) word((const char*)start, (size_t)(end - start));
}

// Many small strings from few collector blocks: one allocation per 64 KiB chunk instead
// of one per string. The strings are interior pointers into their chunk (the collector
// recognises them: GC_all_interior_pointers, on in Debian's libgc; without it, every
// string gets a block of its own), so one string kept keeps its chunk: at most 64 KiB,
// and maps copy the short keys they store. Longer strings get blocks of their own.
//
// While it exists, the collector is off: everything made here stays live until words()
// returns, so a collection could free none of it and would mark all of it (for a 50 MB
// text, a quarter of the time). If the heap cannot grow, collecting is tried before
// MemoryError; the collector is on again whenever this raises or is destroyed.
class StrChunks {
 public:
  StrChunks() : shared_(GC_get_all_interior_pointers() != 0) { GC_disable(); }
  ~StrChunks() { GC_enable(); }

  KilnStr* make(const char* p, size_t n) {
    size_t bytes = (sizeof(int64_t) + n + 1 + 7) & ~(size_t)7;
    KilnStr* s;
    if (bytes > kChunkBytes / 8 || !shared_) {
      s = (KilnStr*)allocate(bytes);
    } else {
      if (bytes > (size_t)(end_ - next_)) {
        next_ = (char*)allocate(kChunkBytes);
        end_ = next_ + kChunkBytes;
      }
      s = (KilnStr*)next_;
      next_ += bytes;
    }
    s->len = (int64_t)n;
    memcpy(s->bytes, p, n);
    s->bytes[n] = 0;
    return s;
  }

 private:
  static void* allocate(size_t bytes) {
    void* block = GC_MALLOC_ATOMIC(bytes);
    if (block) return block;
    GC_enable();
    block = GC_MALLOC_ATOMIC(bytes);
    if (!block) memoryError(bytes);  // (raising skips the destructor: the collector is on)
    GC_disable();
    return block;
  }

  static constexpr size_t kChunkBytes = 64 << 10;
  const bool shared_;
  char* next_ = nullptr;
  char* end_ = nullptr;
};

bool isAsciiSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// (The message is formatted on the stack: raising unwinds without running destructors.)
[[noreturn]] __attribute__((format(printf, 1, 2))) void valueError(const char* format, ...) {
  char message[160];
  va_list args;
  va_start(args, format);
  vsnprintf(message, sizeof message, format, args);
  va_end(args);
  raiseError("ValueError", message);
}

}  // namespace
}  // namespace kiln

using namespace kiln;

extern "C" {

KilnArray* kiln_str_split(const KilnStr* s, const KilnStr* sep) {
  s = S(s);
  sep = S(sep);
  if (sep->len == 0) valueError("empty separator");
  KilnArray* out = kiln_array_new(0, T_STR);
  size_t from = 0;
  for (const char* hit; (hit = search(s, from, sep)); from = (size_t)(hit - s->bytes) + (size_t)sep->len)
    pushStr(out, s->bytes + from, (size_t)(hit - s->bytes) - from);
  pushStr(out, s->bytes + from, (size_t)s->len - from);
  return out;
}

// Two passes: the first counts the words, so the array is allocated once at its size.
KilnArray* kiln_str_words(const KilnStr* s) {
  s = S(s);
  int64_t count = 0;
  forEachWord(s, [&](const char*, size_t) { count++; });
  KilnArray* out = kiln_array_new(count, T_STR);
  StrChunks chunks;
  int64_t i = 0;
  forEachWord(s, [&](const char* p, size_t n) { out->data[i++] = (int64_t)(uintptr_t)chunks.make(p, n); });
  return out;
}

KilnStr* kiln_str_join(const KilnArray* parts, const KilnStr* sep) {
  sep = S(sep);
  auto part = [&](int64_t i) { return S((const KilnStr*)(uintptr_t)parts->data[i]); };
  size_t total = parts->len > 1 ? (size_t)sep->len * (size_t)(parts->len - 1) : 0;
  for (int64_t i = 0; i < parts->len; i++) total += (size_t)part(i)->len;
  KilnStr* r = newStrOfLength(total);
  char* out = r->bytes;
  for (int64_t i = 0; i < parts->len; i++) {
    if (i) out = (char*)mempcpy(out, sep->bytes, (size_t)sep->len);
    out = (char*)mempcpy(out, part(i)->bytes, (size_t)part(i)->len);
  }
  return r;
}

int64_t kiln_str_find(const KilnStr* s, const KilnStr* sub) {
  s = S(s);
  const char* hit = search(s, 0, S(sub));
  return hit ? (int64_t)(hit - s->bytes) : -1;
}

int64_t kiln_str_starts_with(const KilnStr* s, const KilnStr* prefix) {
  s = S(s);
  prefix = S(prefix);
  return prefix->len <= s->len && memcmp(s->bytes, prefix->bytes, (size_t)prefix->len) == 0;
}

int64_t kiln_str_ends_with(const KilnStr* s, const KilnStr* suffix) {
  s = S(s);
  suffix = S(suffix);
  return suffix->len <= s->len && memcmp(s->bytes + s->len - suffix->len, suffix->bytes, (size_t)suffix->len) == 0;
}

KilnStr* kiln_str_replace(const KilnStr* s, const KilnStr* old, const KilnStr* with) {
  s = S(s);
  old = S(old);
  with = S(with);
  if (old->len == 0) valueError("empty string to replace");
  size_t hits = 0;
  for (const char* hit = search(s, 0, old); hit; hit = search(s, (size_t)(hit - s->bytes + old->len), old)) hits++;
  if (hits == 0) return (KilnStr*)s;  // strs are immutable: the same str will do
  KilnStr* r = newStrOfLength((size_t)s->len + hits * (size_t)with->len - hits * (size_t)old->len);
  char* out = r->bytes;
  size_t from = 0;
  for (const char* hit; (hit = search(s, from, old)); from = (size_t)(hit - s->bytes) + (size_t)old->len) {
    out = (char*)mempcpy(out, s->bytes + from, (size_t)(hit - s->bytes) - from);
    out = (char*)mempcpy(out, with->bytes, (size_t)with->len);
  }
  memcpy(out, s->bytes + from, (size_t)s->len - from);
  return r;
}

KilnStr* kiln_str_trim(const KilnStr* s) {
  s = S(s);
  const char* p = s->bytes;
  const char* e = p + s->len;
  while (p < e && isAsciiSpace(*p)) p++;
  while (e > p && isAsciiSpace(e[-1])) e--;
  return newStr(p, (size_t)(e - p));
}

static KilnStr* mapAscii(const KilnStr* s, char from, char to) {
  s = S(s);
  KilnStr* r = newStr(s->bytes, (size_t)s->len);
  for (int64_t i = 0; i < r->len; i++)
    if (r->bytes[i] >= from && r->bytes[i] <= to) r->bytes[i] ^= 0x20;
  return r;
}

KilnStr* kiln_str_upper(const KilnStr* s) { return mapAscii(s, 'a', 'z'); }
KilnStr* kiln_str_lower(const KilnStr* s) { return mapAscii(s, 'A', 'Z'); }

KilnStr* kiln_str_repeat(const KilnStr* s, int64_t n) {
  s = S(s);
  if (n < 0) valueError("negative repeat count: %lld", (long long)n);
  unsigned __int128 total = (unsigned __int128)s->len * (unsigned __int128)n;
  if (total > ((size_t)1 << 40)) memoryError(total > SIZE_MAX ? SIZE_MAX : (size_t)total);
  KilnStr* r = newStrOfLength((size_t)s->len * (size_t)n);
  for (int64_t i = 0; i < n; i++) memcpy(r->bytes + i * s->len, s->bytes, (size_t)s->len);
  return r;
}

KilnArray* kiln_str_chars(const KilnStr* s) {
  s = S(s);
  KilnArray* out = kiln_array_new(0, T_STR);
  const unsigned char* end = (const unsigned char*)s->bytes + s->len;
  for (const unsigned char* p = (const unsigned char*)s->bytes; p < end;) {
    uint32_t cp;
    bool valid;
    size_t n = codePointAt(p, end, &cp, &valid);
    pushStr(out, (const char*)p, n);
    p += n;
  }
  return out;
}

int64_t kiln_str_ord(const KilnStr* c) {
  c = S(c);
  const unsigned char* p = (const unsigned char*)c->bytes;
  const unsigned char* end = p + c->len;
  int64_t count = 0;
  uint32_t first = 0;
  for (const unsigned char* q = p; q < end; count++) {
    uint32_t cp;
    bool valid;
    q += codePointAt(q, end, &cp, &valid);
    if (!valid) valueError("ord() expected a character, but string is not valid UTF-8");
    if (count == 0) first = cp;
  }
  if (count != 1) valueError("ord() expected a character, but string of length %lld found", (long long)count);
  return first;
}

KilnStr* kiln_str_chr(int64_t n) {
  if (n < 0 || n > 0x10FFFF) valueError("chr() arg not in range(0x110000)");
  if (n >= 0xD800 && n <= 0xDFFF) valueError("chr() arg is a surrogate code point: 0x%llx", (long long)n);
  char bytes[4];
  return newStr(bytes, encodeUtf8((uint32_t)n, bytes));
}

KilnStr* kiln_str_fmt_fixed(double x, int64_t decimals) {
  if (decimals < 0 || decimals > kMaxFmtDecimals)
    valueError("fmt() decimals must be in 0..%lld, found %lld", (long long)kMaxFmtDecimals, (long long)decimals);
  if (std::isnan(x)) return newStr("nan", 3);  // glibc writes "-nan" for a nan with its sign bit set
  int n = snprintf(nullptr, 0, "%.*f", (int)decimals, x);
  KilnStr* text = newStrOfLength((size_t)n);
  snprintf(text->bytes, (size_t)n + 1, "%.*f", (int)decimals, x);
  return text;
}

}  // extern "C"

namespace kiln {

void appendStringSymbols(std::vector<RuntimeSymbol>& out) {
#define F(n) out.push_back({#n, (void*)&n, true})
  F(kiln_str_split); F(kiln_str_words); F(kiln_str_join); F(kiln_str_find); F(kiln_str_starts_with);
  F(kiln_str_ends_with); F(kiln_str_replace); F(kiln_str_trim); F(kiln_str_upper); F(kiln_str_lower);
  F(kiln_str_repeat); F(kiln_str_chars); F(kiln_str_ord); F(kiln_str_chr); F(kiln_str_fmt_fixed);
#undef F
}

}  // namespace kiln
