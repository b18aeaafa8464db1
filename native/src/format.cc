// text/plain formatting of Kiln values (LANGUAGE.md "Output formats").
#include "kiln.h"
#include "map.h"

#include <string>
#include <vector>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace kiln {

// Floats: the shortest decimal that reads back to the same double (like Python's
// repr and JS), found by binary search over the precision 1..17 of "%.*e" (if p digits
// round-trip then p+1 digits do too, so the search is exact). Layout, as Python's
// repr: with decimal exponent e (d.ddd × 10^e), fixed notation when -4 <= e < 16,
// with ".0" added if there is no fractional part (3.0, 0.0001, 123456789.0,
// 1234567890123456.0); otherwise scientific, mantissa without a trailing ".0", and
// an exponent with a sign and at least two digits (1e+16, 1.5e+20, 1e-05, 1e+300).
// Specials: inf, -inf, nan; negative zero is -0.0.
void formatFloat(std::string& out, double d) {
  if (std::isnan(d)) { out += "nan"; return; }
  if (std::isinf(d)) { out += d < 0 ? "-inf" : "inf"; return; }
  if (d == 0) { out += std::signbit(d) ? "-0.0" : "0.0"; return; }
  char buf[40];
  int lo = 1, hi = 17;
  while (lo < hi) {
    int mid = (lo + hi) / 2;
    snprintf(buf, sizeof buf, "%.*e", mid - 1, d);
    if (strtod(buf, nullptr) == d) hi = mid; else lo = mid + 1;
  }
  snprintf(buf, sizeof buf, "%.*e", lo - 1, d);
  // buf: [-]D[.DDD]e[+-]XX
  const char* p = buf;
  bool neg = false;
  if (*p == '-') { neg = true; p++; }
  char digits[24];
  int nd = 0;
  for (; *p && *p != 'e'; p++)
    if (*p >= '0' && *p <= '9') digits[nd++] = *p;
  int e = atoi(p + 1);
  while (nd > 1 && digits[nd - 1] == '0') nd--;
  if (neg) out += '-';
  if (e >= -4 && e < 16) {
    if (e >= 0) {
      for (int i = 0; i <= e; i++) out += i < nd ? digits[i] : '0';
      out += '.';
      if (nd > e + 1) out.append(digits + e + 1, nd - e - 1);
      else out += '0';
    } else {
      out += "0.";
      out.append(-e - 1, '0');
      out.append(digits, nd);
    }
  } else {
    out += digits[0];
    if (nd > 1) { out += '.'; out.append(digits + 1, nd - 1); }
    char eb[16];
    snprintf(eb, sizeof eb, "e%c%02d", e < 0 ? '-' : '+', e < 0 ? -e : e);
    out += eb;
  }
}

// Strings as results: double quotes; \\ \" \n \t \r \0 escaped; other control
// characters (0x01-0x1f, 0x7f, and the C1 controls U+0080-U+009F, whose U+009B is a
// terminal's escape introducer) as \u{hex} (lowercase, no padding); other bytes raw.
void reprString(std::string& out, const char* p, size_t n) {
  out += '"';
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)p[i];
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      case 0: out += "\\0"; break;
      default: {
        unsigned controlChar = c < 0x20 || c == 0x7f ? c : 0;
        // C1 controls are two bytes in UTF-8: C2 80 .. C2 9F.
        if (c == 0xc2 && i + 1 < n && (unsigned char)p[i + 1] >= 0x80 && (unsigned char)p[i + 1] <= 0x9f)
          controlChar = (unsigned char)p[++i];
        if (controlChar) {
          char b[12];
          snprintf(b, sizeof b, "\\u{%x}", controlChar);
          out += b;
        } else {
          out += (char)c;
        }
      }
    }
  }
  out += '"';
}

static constexpr int kMaxNesting = 100;
/** The composite values being formatted, outermost first. */
static thread_local std::vector<int64_t> path;

void formatValue(std::string& out, int64_t bits, int32_t type, bool repr, int nesting) {
  switch (type) {
    case T_INT: {
      char b[24];
      snprintf(b, sizeof b, "%lld", (long long)bits);
      out += b;
      return;
    }
    case T_FLOAT: {
      double d;
      memcpy(&d, &bits, 8);
      formatFloat(out, d);
      return;
    }
    case T_BOOL: out += bits ? "true" : "false"; return;
    case T_PTR: {
      if (bits == 0) { out += "null"; return; }
      char b[32];
      snprintf(b, sizeof b, "ptr(0x%llx)", (unsigned long long)bits);
      out += b;
      return;
    }
    case T_STR: {
      const KilnStr* s = (const KilnStr*)(uintptr_t)bits;
      if (!s) { out += repr ? "\"\"" : ""; return; }
      if (repr) reprString(out, s->bytes, (size_t)s->len);
      else out.append(s->bytes, (size_t)s->len);
      return;
    }
    default: break;
  }
  const TypeDesc* t = getType(type);
  if (!t) { out += "<?>"; return; }
  if (bits == 0) { out += "null"; return; }
  if (t->isFn) {
    const KilnStr* text = ((const KilnFn*)(uintptr_t)bits)->text;
    out.append(text->bytes, (size_t)text->len);
    return;
  }
  // Deeper than the limit: marked apart from `...`, which is a value that contains itself.
  if (nesting >= kMaxNesting) { out += "...depth " + std::to_string(kMaxNesting); return; }
  // A value that contains itself (a node in its own list) is shown as `...` where it recurs.
  if (nesting == 0) path.clear();  // (a fault in an earlier format may have left entries)
  for (int64_t p : path)
    if (p == bits) { out += "..."; return; }
  path.push_back(bits);
  struct PopOnExit { ~PopOnExit() { path.pop_back(); } } popOnExit;
  if (t->isMap) {
    formatMap(out, (const KilnMap*)(uintptr_t)bits, t->key, t->elem, nesting);
    return;
  }
  if (t->isArray) {
    const KilnArray* a = (const KilnArray*)(uintptr_t)bits;
    int64_t n = a->len;
    out += '[';
    for (int64_t i = 0; i < n; i++) {
      if (n > 100 && i == 50) { out += ", ..."; i = n - 50; }
      if (i > 0) out += ", ";
      formatValue(out, a->data[i], t->elem, true, nesting + 1);
    }
    out += ']';
    if (n > 100) {
      char b[32];
      snprintf(b, sizeof b, " (len %lld)", (long long)n);
      out += b;
    }
    return;
  }
  const int64_t* w = (const int64_t*)(uintptr_t)bits;
  out += t->name;
  if (t->fieldNames.empty()) { out += " {}"; return; }
  out += " { ";
  for (size_t i = 0; i < t->fieldNames.size(); i++) {
    if (i) out += ", ";
    out += t->fieldNames[i];
    out += ": ";
    formatValue(out, w[i], t->fieldTypes[i], true, nesting + 1);
  }
  out += " }";
}

}  // namespace kiln
