// The file built-ins of LANGUAGE.md 0.2 "Files" (docs/runtime-abi.md); read_csv's parser
// is in csv.cc. Paths are used as given, so a relative path is relative to the process's
// working directory (the notebook's folder under Jupyter).
//
// Errors: a failing system call is `IOError: <strerror>: '<path>'` (the path as written);
// text that is not UTF-8 is `ValueError: <path>: invalid UTF-8 at byte offset N`. Files
// are closed before an error is raised (raising unwinds without running destructors;
// only a MemoryError while a result is built leaves a file open, or list_dir's names).
//
// Memory: read_file reads into one str of the file's size (from fstat: no copy);
// read_lines and read_csv read a window at a time (files.h), so their peak is the result
// plus a window (1 MB, or the rest of the file if one record is longer than that).
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "files.h"
#include "kiln.h"
#include "utf8.h"

#define GC_THREADS 1
#define GC_NO_THREAD_REDIRECTS 1
#include <gc/gc.h>

extern "C" kiln::KilnArray* kiln_read_csv(const kiln::KilnStr* path);

namespace kiln {
namespace {

constexpr size_t kReadStep = 64 << 10;  // what is read at a time past the size fstat gave
constexpr size_t kWindow = 1 << 20;     // what read_lines and read_csv read at a time

// Messages are built in the session's error slot: raising unwinds without running
// destructors, so a local std::string would leak.
[[noreturn]] void ioError(int err, const KilnStr* path) {
  char buf[256];
  Session* s = session();
  s->errKind = "IOError";
  s->errMsg = strerror_r(err, buf, sizeof buf);
  s->errMsg += ": '";
  s->errMsg.append(path->bytes, (size_t)path->len);
  s->errMsg += "'";
  raisePending();
}

// The path as a C string; ValueError if it holds a NUL byte (the system would cut it there).
const char* cPath(const KilnStr* path) {
  if (memchr(path->bytes, 0, (size_t)path->len)) raiseError("ValueError", "embedded null byte in path");
  return path->bytes;
}

int openOrRaise(const KilnStr* path, int flags, mode_t mode = 0) {
  const char* c = cPath(path);
  int fd;
  do fd = open(c, flags | O_CLOEXEC, mode);
  while (fd < 0 && errno == EINTR);
  if (fd < 0) ioError(errno, path);
  return fd;
}

// Reads from fd into bytes[*filled, cap); returns false (errno set) on a read error.
bool readInto(int fd, char* bytes, size_t cap, size_t* filled) {
  while (*filled < cap) {
    ssize_t n = read(fd, bytes + *filled, cap - *filled);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) break;
    *filled += (size_t)n;
  }
  return true;
}

// The whole file as one str (any bytes). A regular file is read into a str of its size;
// one that grew meanwhile, or a pipe or /proc file (size 0), in steps.
KilnStr* readBytes(const KilnStr* path) {
  int fd = openOrRaise(path, O_RDONLY);
  struct stat st;
  size_t cap = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? (size_t)st.st_size : kReadStep;
  if (cap > ((size_t)1 << 40)) {
    close(fd);
    memoryError(cap);
  }
  KilnStr* text = newStrOfLength(cap);
  size_t filled = 0;
  for (;;) {
    if (!readInto(fd, text->bytes, cap, &filled)) {
      int err = errno;
      close(fd);
      ioError(err, path);
    }
    if (filled < cap) break;
    char probe;  // full: is there more?
    size_t extra = 0;
    if (!readInto(fd, &probe, 1, &extra)) {
      int err = errno;
      close(fd);
      ioError(err, path);
    }
    if (!extra) break;
    KilnStr* bigger = newStrOfLength(cap + std::max(cap, kReadStep));
    memcpy(bigger->bytes, text->bytes, filled);
    bigger->bytes[filled++] = probe;
    GC_FREE(text);
    text = bigger;
    cap = (size_t)bigger->len;
  }
  close(fd);
  text->len = (int64_t)filled;
  text->bytes[filled] = 0;
  return text;
}

void writeAll(const KilnStr* path, const KilnStr* s, int flags) {
  s = strOrEmpty(s);
  int fd = openOrRaise(path, O_WRONLY | O_CREAT | flags, 0666);
  for (size_t done = 0; done < (size_t)s->len;) {
    ssize_t n = write(fd, s->bytes + done, (size_t)s->len - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      close(fd);
      ioError(err, path);
    }
    done += (size_t)n;
  }
  if (close(fd) != 0 && errno != EINTR) ioError(errno, path);
}

// The end of the whole UTF-8 sequences in bytes[from, n): n, or where an incomplete
// sequence at the end starts (its other bytes are still to be read).
size_t completeSequencesEnd(const char* bytes, size_t from, size_t n) {
  for (size_t i = n; i > from && n - i < 4;) {
    unsigned char c = (unsigned char)bytes[--i];
    if (c < 0x80) break;
    if (c >= 0xC0) {
      size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
      return n - i < need ? i : n;
    }
  }
  return n;
}

[[noreturn]] void notUtf8(const KilnStr* path, int64_t offset) {
  char tail[64];
  snprintf(tail, sizeof tail, ": invalid UTF-8 at byte offset %lld", (long long)offset);
  raiseAboutFile("ValueError", path, tail);
}

}  // namespace

void raiseAboutFile(const char* kind, const KilnStr* path, const char* tail) {
  Session* s = session();  // (the message is built in place: raising skips destructors)
  s->errKind = kind;
  s->errMsg.assign(path->bytes, (size_t)path->len);
  s->errMsg += tail;
  raisePending();
}

TextWindow::TextWindow(const KilnStr* path) : path_(strOrEmpty(path)) {
  fd_ = openOrRaise(path_, O_RDONLY);
  struct stat st;
  if (fstat(fd_, &st) == 0 && S_ISREG(st.st_mode)) size_ = st.st_size;
  cap_ = size_ >= 0 ? std::max<size_t>(64, std::min((size_t)size_ + 1, kWindow)) : kWindow;
  buf_ = (char*)GC_MALLOC_ATOMIC(cap_);
  if (!buf_) {
    close();
    memoryError(cap_);
  }
  advance(buf_);
}

void TextWindow::advance(const char* from) {
  size_t dropped = (size_t)(from - buf_);
  memmove(buf_, from, filled_ - dropped);
  filled_ -= dropped;
  valid_ -= dropped;
  offset_ += (int64_t)dropped;
  if (fd_ < 0) return;
  if (filled_ == cap_) {  // one record fills the window: grow it (for a regular file, to all the rest)
    size_t want = cap_ * 2;
    if (size_ > offset_) want = std::max(want, (size_t)(size_ - offset_) + 1);
    char* bigger = (char*)GC_MALLOC_ATOMIC(want);
    if (!bigger) {
      close();
      memoryError(want);
    }
    memcpy(bigger, buf_, filled_);
    GC_FREE(buf_);
    buf_ = bigger;
    cap_ = want;
  }
  if (!readInto(fd_, buf_, cap_, &filled_)) fail(errno);
  if (filled_ < cap_) close();  // (readInto stops short only at the end of the file)
  validate();
}

void TextWindow::validate() {
  size_t stop = more() ? completeSequencesEnd(buf_, valid_, filled_) : filled_;
  size_t bad = firstInvalidUtf8(buf_ + valid_, stop - valid_);
  if (bad < stop - valid_) {
    close();
    notUtf8(path_, offset_ + (int64_t)(valid_ + bad));
  }
  valid_ = stop;
}

void TextWindow::fail(int err) {
  close();
  ioError(err, path_);
}

void TextWindow::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

}  // namespace kiln

using namespace kiln;

extern "C" {

KilnStr* kiln_read_file(const KilnStr* path) {
  path = strOrEmpty(path);
  KilnStr* text = readBytes(path);
  size_t bad = firstInvalidUtf8(text->bytes, (size_t)text->len);
  if (bad < (size_t)text->len) notUtf8(path, (int64_t)bad);
  return text;
}

KilnArray* kiln_read_lines(const KilnStr* path) {
  TextWindow window(path);
  KilnArray* lines = kiln_array_new(0, T_STR);
  for (;;) {
    const char* line = window.begin();
    const char* end = window.end();
    for (const char* newline; (newline = (const char*)memchr(line, '\n', (size_t)(end - line))); line = newline + 1) {
      size_t n = (size_t)(newline - line);
      if (n && newline[-1] == '\r') n--;
      kiln_array_push(lines, (int64_t)(uintptr_t)newStr(line, n));
    }
    if (!window.more()) {
      if (line < end) kiln_array_push(lines, (int64_t)(uintptr_t)newStr(line, (size_t)(end - line)));
      return lines;
    }
    window.advance(line);
  }
}

void kiln_write_file(const KilnStr* path, const KilnStr* s) { writeAll(strOrEmpty(path), s, O_TRUNC); }

void kiln_append_file(const KilnStr* path, const KilnStr* s) { writeAll(strOrEmpty(path), s, O_APPEND); }

int64_t kiln_file_exists(const KilnStr* path) {
  path = strOrEmpty(path);
  struct stat st;
  return !memchr(path->bytes, 0, (size_t)path->len) && stat(path->bytes, &st) == 0;
}

KilnArray* kiln_list_dir(const KilnStr* path) {
  path = strOrEmpty(path);
  DIR* dir = opendir(cPath(path));
  if (!dir) ioError(errno, path);
  std::vector<std::string> names;
  errno = 0;
  for (struct dirent* entry; (entry = readdir(dir)); errno = 0) {
    if (strcmp(entry->d_name, ".") != 0 && strcmp(entry->d_name, "..") != 0) names.emplace_back(entry->d_name);
  }
  int err = errno;
  closedir(dir);
  if (err) ioError(err, path);
  std::sort(names.begin(), names.end());  // std::string compares bytes as unsigned char
  KilnArray* out = kiln_array_new(0, T_STR);
  for (const std::string& name : names) kiln_array_push(out, (int64_t)(uintptr_t)newStr(name.data(), name.size()));
  return out;
}

}  // extern "C"

namespace kiln {

void appendFileSymbols(std::vector<RuntimeSymbol>& out) {
#define F(n) out.push_back({#n, (void*)&n, true})
  F(kiln_read_file); F(kiln_read_lines); F(kiln_write_file); F(kiln_append_file); F(kiln_file_exists);
  F(kiln_list_dir); F(kiln_read_csv);
#undef F
}

}  // namespace kiln
