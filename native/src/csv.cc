// read_csv (LANGUAGE.md 0.2 "Files"): RFC 4180 records from a UTF-8 file.
//
// - Fields are separated by `,`; records end at `\n` or `\r\n` (a lone `\r` is data).
// - A field that starts with `"` is quoted: up to the next lone `"`, with `""` standing
//   for one `"`; separators and line ends inside are data (kept as they are in the
//   file). An unterminated quoted field is `ValueError: <path>:<line>: unterminated
//   quoted field`, with the line on which the field opened.
// - As Python's csv module (whose defaults this follows where RFC 4180 leaves a choice):
//   a `"` inside an unquoted field is data, and bytes after a closing quote up to the
//   next separator are appended to the field (`"ab"c` is `abc`).
// - A blank line (nothing between two line ends) is no record; a last line without a
//   line end is a record. The header is the first record, like any other.
#include <cstring>
#include <string>

#include "kiln.h"

namespace kiln {
namespace {

bool atLineEnd(const char* p, const char* end) { return *p == '\n' || (*p == '\r' && p + 1 < end && p[1] == '\n'); }

void pushStr(KilnArray* out, const char* p, size_t n) { kiln_array_push(out, (int64_t)(uintptr_t)newStr(p, n)); }

[[noreturn]] void unterminated(const KilnStr* path, int64_t line) {
  std::string msg(path->bytes, (size_t)path->len);
  msg += ":" + std::to_string(line) + ": unterminated quoted field";
  raiseError("ValueError", msg.c_str());
}

// The records of text (a whole file).
KilnArray* parseRecords(const KilnStr* text, const KilnStr* path) {
  static thread_local std::string quoted;  // a quoted field's content (reused: raising skips destructors)
  KilnArray* records = kiln_array_new(0, T_STR);  // (any non-atomic element type will do)
  const char* p = text->bytes;
  const char* end = p + text->len;
  int64_t line = 1;
  while (p < end) {
    if (atLineEnd(p, end)) {  // a blank line
      p += *p == '\r' ? 2 : 1;
      line++;
      continue;
    }
    KilnArray* record = kiln_array_new(0, T_STR);
    kiln_array_push(records, (int64_t)(uintptr_t)record);
    for (;;) {  // one field per iteration
      bool isQuoted = p < end && *p == '"';
      if (isQuoted) {
        int64_t openedOn = line;
        quoted.clear();
        for (p++;; p++) {
          if (p == end) unterminated(path, openedOn);
          if (*p == '"') {
            if (p + 1 < end && p[1] == '"') { quoted += '"'; p++; continue; }
            p++;
            break;
          }
          if (*p == '\n') line++;
          quoted += *p;
        }
      }
      const char* rest = p;  // an unquoted field, or what follows a closing quote
      while (p < end && *p != ',' && !atLineEnd(p, end)) p++;
      if (isQuoted) {
        quoted.append(rest, (size_t)(p - rest));
        pushStr(record, quoted.data(), quoted.size());
      } else {
        pushStr(record, rest, (size_t)(p - rest));
      }
      if (p < end && *p == ',') {
        p++;
        continue;
      }
      if (p < end) {  // the record's line end
        p += *p == '\r' ? 2 : 1;
        line++;
      }
      break;
    }
  }
  return records;
}

}  // namespace
}  // namespace kiln

extern "C" kiln::KilnArray* kiln_read_csv(const kiln::KilnStr* path) {
  path = kiln::strOrEmpty(path);
  kiln::KilnStr* text = kiln::readTextFile(path);
  kiln::KilnArray* records = kiln::parseRecords(text, path);
  kiln::releaseText(text);
  return records;
}
