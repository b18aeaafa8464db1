// UTF-8 decoding shared by the string and file built-ins (strings.cc, files.cc).
// Strict, as Python's decoder: no overlong forms, no surrogates (U+D800..U+DFFF), nothing
// above U+10FFFF.
#pragma once
#include <cstddef>
#include <cstdint>

namespace kiln {

// The length (1..4) of the valid UTF-8 sequence at p (p < end), its code point in *cp;
// 0 if the bytes at p do not start a valid sequence.
inline size_t decodeUtf8(const unsigned char* p, const unsigned char* end, uint32_t* cp) {
  unsigned char c = p[0];
  if (c < 0x80) { *cp = c; return 1; }
  size_t n;
  uint32_t v, min;
  if (c >= 0xC2 && c <= 0xDF) { n = 2; v = c & 0x1F; min = 0x80; }
  else if (c >= 0xE0 && c <= 0xEF) { n = 3; v = c & 0x0F; min = 0x800; }
  else if (c >= 0xF0 && c <= 0xF4) { n = 4; v = c & 0x07; min = 0x10000; }
  else return 0;
  if ((size_t)(end - p) < n) return 0;
  for (size_t i = 1; i < n; i++) {
    if ((p[i] & 0xC0) != 0x80) return 0;
    v = (v << 6) | (p[i] & 0x3F);
  }
  if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
  *cp = v;
  return n;
}

// The offset of the first byte of [p, p + n) that is not part of valid UTF-8, or n.
inline size_t firstInvalidUtf8(const char* p, size_t n) {
  const unsigned char* s = (const unsigned char*)p;
  const unsigned char* end = s + n;
  size_t i = 0;
  while (i < n) {
    if (s[i] < 0x80) { i++; continue; }
    uint32_t cp;
    size_t len = decodeUtf8(s + i, end, &cp);
    if (!len) return i;
    i += len;
  }
  return n;
}

// Writes code point cp (valid) as UTF-8 into out; returns the byte count.
inline size_t encodeUtf8(uint32_t cp, char* out) {
  if (cp < 0x80) { out[0] = (char)cp; return 1; }
  if (cp < 0x800) { out[0] = (char)(0xC0 | (cp >> 6)); out[1] = (char)(0x80 | (cp & 0x3F)); return 2; }
  if (cp < 0x10000) {
    out[0] = (char)(0xE0 | (cp >> 12)); out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = (char)(0xF0 | (cp >> 18)); out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  out[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); out[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

}  // namespace kiln
