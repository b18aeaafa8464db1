// The file built-ins of LANGUAGE.md 0.2 "Files" (docs/runtime-abi.md); read_csv's parser
// is in csv.cc. Paths are used as given, so a relative path is relative to the process's
// working directory (the notebook's folder under Jupyter).
//
// Errors: a failing system call is `IOError: <strerror>: '<path>'` (the path as written);
// text that is not UTF-8 is `ValueError: <path>: invalid UTF-8 at byte offset N`. Files
// are closed before an error is raised (raising unwinds without running destructors).
// A file is read whole into one str (its size is known from fstat, so no copy is made)
// before read_lines and read_csv split it: peak memory is the file plus the result.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "kiln.h"
#include "utf8.h"

#define GC_THREADS 1
#define GC_NO_THREAD_REDIRECTS 1
#include <gc/gc.h>

extern "C" kiln::KilnArray* kiln_read_csv(const kiln::KilnStr* path);

namespace kiln {
namespace {

constexpr size_t kReadStep = 64 << 10;  // what is read at a time past the size fstat gave

[[noreturn]] void ioError(int err, const KilnStr* path) {
  char buf[256];
  std::string msg = strerror_r(err, buf, sizeof buf);
  msg += ": '";
  msg.append(path->bytes, (size_t)path->len);
  msg += "'";
  raiseError("IOError", msg.c_str());
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

}  // namespace

KilnStr* readTextFile(const KilnStr* path) {
  path = strOrEmpty(path);
  KilnStr* text = readBytes(path);
  size_t bad = firstInvalidUtf8(text->bytes, (size_t)text->len);
  if (bad < (size_t)text->len) {
    std::string msg(path->bytes, (size_t)path->len);
    msg += ": invalid UTF-8 at byte offset " + std::to_string(bad);
    raiseError("ValueError", msg.c_str());
  }
  return text;
}

void releaseText(KilnStr* text) { GC_FREE(text); }

}  // namespace kiln

using namespace kiln;

extern "C" {

KilnStr* kiln_read_file(const KilnStr* path) { return readTextFile(path); }

KilnArray* kiln_read_lines(const KilnStr* path) {
  KilnStr* text = readTextFile(path);
  KilnArray* lines = kiln_array_new(0, T_STR);
  const char* end = text->bytes + text->len;
  for (const char* line = text->bytes; line < end;) {
    const char* newline = (const char*)memchr(line, '\n', (size_t)(end - line));
    const char* stop = newline ? newline : end;
    size_t n = (size_t)(stop - line);
    if (newline && n && stop[-1] == '\r') n--;
    kiln_array_push(lines, (int64_t)(uintptr_t)newStr(line, n));
    line = newline ? newline + 1 : end;
  }
  releaseText(text);
  return lines;
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
