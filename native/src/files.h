// A text file read a window at a time (files.cc), for the built-ins that split a file
// into records (read_lines, read_csv): memory is one window plus the longest record, not
// the whole file, on top of the result.
#pragma once
#include <cstddef>
#include <cstdint>

#include "kiln.h"

namespace kiln {

// Raises `kind: <path><tail>` (e.g. `ValueError: data.csv:12: unterminated quoted field`).
[[noreturn]] void raiseAboutFile(const char* kind, const KilnStr* path, const char* tail);

class TextWindow {
 public:
  // Opens `path` and reads the first window (IOError; ValueError if not UTF-8).
  explicit TextWindow(const KilnStr* path);
  // The text read and not yet dropped: whole UTF-8 sequences, validated.
  const char* begin() const { return buf_; }
  const char* end() const { return buf_ + valid_; }
  // True while the file may have more after end().
  bool more() const { return fd_ >= 0; }
  // Drops the text before `from` (records already parsed) and reads more after the rest,
  // growing the window when the rest fills it. At the end of the file, more() turns false.
  void advance(const char* from);
  const KilnStr* path() const { return path_; }

 private:
  [[noreturn]] void fail(int err);             // closes the file, raises IOError
  void validate();                              // raises ValueError (after closing) at a bad byte
  void close();

  const KilnStr* path_;
  int fd_ = -1;
  char* buf_ = nullptr;   // collected memory, so that a MemoryError while parsing leaks only the file
  size_t cap_ = 0;
  size_t filled_ = 0;     // bytes read into buf_
  size_t valid_ = 0;      // bytes of buf_ validated (the rest: an incomplete sequence at the end)
  int64_t offset_ = 0;    // file offset of buf_[0]
  int64_t size_ = -1;     // the file's size if it is a regular file
};

}  // namespace kiln
