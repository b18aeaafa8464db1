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
// - A blank line (nothing between two line ends) is no record (Python gives []); a last line without a
//   line end is a record. The header is the first record, like any other.
// - The file is read a window at a time (files.h): a record the window cuts is parsed
//   again once the window has moved on.
#include <cstdio>
#include <cstring>
#include <string>

#include "files.h"
#include "kiln.h"

namespace kiln {
namespace {

bool atLineEnd(const char* p, const char* end) { return *p == '\n' || (*p == '\r' && p + 1 < end && p[1] == '\n'); }

void pushStr(KilnArray* out, const char* p, size_t n) { kiln_array_push(out, (int64_t)(uintptr_t)newStr(p, n)); }

[[noreturn]] void unterminated(const KilnStr* path, int64_t line) {
  char tail[64];
  snprintf(tail, sizeof tail, ":%lld: unterminated quoted field", (long long)line);
  raiseAboutFile("ValueError", path, tail);
}

// Parses the record at p (not a blank line) into `record`; returns where the next one
// starts, or nullptr if the window ends first and the file has more (`more`): the caller
// reads on and parses the record again. *line counts the line ends passed.
const char* parseRecord(const char* p, const char* end, bool more, int64_t* line, KilnArray* record,
                        const KilnStr* path) {
  static thread_local std::string quoted;  // a quoted field's content (reused: raising skips destructors)
  int64_t lineNow = *line;
  for (;;) {  // one field per iteration
    bool isQuoted = p < end && *p == '"';
    if (isQuoted) {
      int64_t openedOn = lineNow;
      quoted.clear();
      for (p++;; p++) {
        if (p == end) {
          if (more) return nullptr;
          unterminated(path, openedOn);
        }
        if (*p == '"') {
          if (p + 1 == end && more) return nullptr;  // `""` or the closing quote: the next byte decides
          if (p + 1 < end && p[1] == '"') {
            quoted += '"';
            p++;
            continue;
          }
          p++;
          break;
        }
        if (*p == '\n') lineNow++;
        quoted += *p;
      }
    }
    const char* rest = p;  // an unquoted field, or what follows a closing quote
    while (p < end && *p != ',' && !atLineEnd(p, end)) p++;
    if (p == end && more) return nullptr;
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
      lineNow++;
    }
    *line = lineNow;
    return p;
  }
}

}  // namespace
}  // namespace kiln

using namespace kiln;

extern "C" KilnArray* kiln_read_csv(const KilnStr* path) {
  TextWindow window(path);
  KilnArray* records = kiln_array_new(0, T_STR);  // (any non-atomic element type will do)
  int64_t line = 1;
  for (;;) {
    const char* p = window.begin();
    const char* end = window.end();
    while (p < end) {
      if (*p == '\r' && p + 1 == end && window.more()) break;  // maybe the first half of a "\r\n"
      if (atLineEnd(p, end)) {  // a blank line
        p += *p == '\r' ? 2 : 1;
        line++;
        continue;
      }
      KilnArray* record = kiln_array_new(0, T_STR);
      const char* next = parseRecord(p, end, window.more(), &line, record, window.path());
      if (!next) break;
      kiln_array_push(records, (int64_t)(uintptr_t)record);
      p = next;
    }
    if (!window.more()) return records;
    window.advance(p);
  }
}
