// Kiln native addon: shared declarations between the N-API layer (addon.cc),
// the JIT (jit.cc), the runtime library (runtime.cc) and the formatter (format.cc).
#pragma once
#include <node_api.h>
#include <csetjmp>
#include <cstdint>
#include <string>
#include <vector>

namespace kiln {

constexpr int kMaxDepth = 10000;          // recursion limit (docs/runtime-abi.md)
// Depths 0 to kMaxDepth + 1: a call one too deep fails its entry check at kMaxDepth + 1, after
// its .outside entry marked that depth (kernel/engine/lower.ts), and an interrupt seen there is
// recorded there.
constexpr int kStackWords = kMaxDepth + 2;
// kiln_call_limit while the interrupt word is set: below every depth, so each call takes
// its cold path (kernel/engine/interrupt-word.ts).
constexpr int kCallLimitSlow = -1;
// kiln_call_refused's argument for a callee whose self-calls record their location.
constexpr int kNoSelfCallSite = -1;
// The interrupt word's value when the user has interrupted (INTERRUPT_REQUESTED in
// kernel/engine/runtime-abi.ts).
constexpr int kInterruptRequested = 1;

struct KilnStr { int64_t len; char bytes[1]; };
struct KilnArray { int64_t len; int64_t cap; int64_t* data; };

enum : int32_t { T_INT = 0, T_FLOAT = 1, T_BOOL = 2, T_STR = 3, T_PTR = 4, T_FIRST_COMPOSITE = 16 };

struct TypeDesc {
  bool isArray = false;
  int32_t elem = 0;                         // array
  std::string name;                         // struct
  std::vector<std::string> fieldNames;
  std::vector<int32_t> fieldTypes;
  bool isMap = false;                       // map: key type in `key`, value type in `elem`
  int32_t key = 0;
  bool isFn = false;                        // function value: a KilnFn, shown by its own text
};

// A function value (docs/runtime-abi.md "Function values"): code, its text/plain format,
// then the boxes of the variables it captures.
struct KilnFn { void* code; const KilnStr* text; int64_t* boxes[1]; };

// One guarded entry (run) level.
struct RunFrame {
  sigjmp_buf jb;
  int64_t baseDepth = 0;
  bool hasResult = false;
  std::string result;
  RunFrame* prev = nullptr;
};

// Per engine thread (one Node environment per thread).
struct Session {
  napi_env env = nullptr;
  napi_ref host = nullptr;                  // host callback
  napi_ref flagRef = nullptr;               // Int32Array kept alive
  int32_t internalWords[2] = {0, kMaxDepth};
  int32_t* interruptFlag = internalWords;   // kiln_interrupt, then kiln_call_limit
  int32_t* jitInterruptFlag = nullptr;      // the address baked into the current JIT
  // runtime state seen by JIT code (absolute symbols)
  int64_t depth = 0;
  int32_t fstack[kStackWords] = {};
  int32_t lstack[kStackWords] = {};
  // guarded entry
  RunFrame* top = nullptr;
  bool inJit = false;                       // faults are ours only while true
  // pending error (set by raise, read by run after the longjmp)
  std::string errKind, errMsg;
  int faultSig = 0, faultCode = 0;
  uintptr_t faultAddr = 0;
  std::string hostOut;                      // string returned by the last host call
  // output buffering
  int curStream = 0;                        // 1 stdout, 2 stderr, 0 none
  std::string outBuf;
  uint64_t lastFlushNs = 0;
  // scratch for formatting
  std::string fmtBuf;
  // stack range of this thread (for stack overflow detection)
  uintptr_t stackLo = 0, stackHi = 0;
  void* altStack = nullptr;
  size_t altStackSize = 0;
  bool gcRegistered = false;
  bool inLowMemory = false;                 // allocated by newSession's mmap
  int refs = 0;
  // jit
  struct Jit* jit = nullptr;
  // kiln_cfunc: the C function an extern call is in (its NUL-terminated name), else null
  const char* cFunction = nullptr;
  // progress(): the last call that skipped the trip to JS (drawn at the end of the cell)
  int64_t progressLastCallNs = 0;
  bool progressSkipped = false;
  int64_t progressDone = 0, progressTotal = 0;
  uint64_t progressSkippedNs = 0;
};

extern __thread Session* tlsSession __attribute__((tls_model("initial-exec")));
inline Session* session() { return tlsSession; }   // current thread's session

// types registry (process-wide; ids >= 16)
int32_t registerType(TypeDesc d);
bool updateType(int32_t id, TypeDesc d);      // false if id is not a registered composite type
const TypeDesc* getType(int32_t id);

// runtime
void runtimeThreadInit(Session* s);          // GC registration, sigaltstack, handlers
void runtimeThreadExit(Session* s);
void* gcAllocUncollectable(size_t n);
[[noreturn]] void raiseError(const char* kind, const char* msg);
[[noreturn]] void raisePending();            // raise s->errKind/errMsg (already set)
KilnStr* newStr(const char* p, size_t n);
KilnStr* emptyStr();
uint64_t nowNs();
// output
int flushOutput(Session* s);                 // 0 ok; 1 host threw (errKind/errMsg set)
void describeFault(Session* s);              // sets errKind/errMsg from faultSig/faultCode/faultAddr
// host call helpers: returns 0 ok, 1 host threw (errKind/errMsg set)
struct HostArg {
  enum Kind { Str, Num, FloatArr, StrArr } kind;
  const char* s; size_t n; double d; const KilnArray* arr;
};
// The ops of the host callback (docs/runtime-abi.md "Host callback"); kHostOpNames spells
// them as the TypeScript HostCall union does (kernel/engine/runtime-abi.ts), and
// test/runtime-abi.test.ts checks that the two agree.
enum class HostOp { Stdout, Stderr, Display, DisplayId, UpdateDisplay, ClearOutput, Chart, Hist, Bar, Progress, Input, Eval, Count };
extern const char* const kHostOpNames[(int)HostOp::Count];
// The returned string (if the host returned one) goes to s->hostOut.
int callHost(Session* s, HostOp op, const HostArg* args, int nargs, bool wantString);

// formatting (format.cc)
void formatValue(std::string& out, int64_t bits, int32_t type, bool repr, int nesting = 0);
void formatFloat(std::string& out, double d);
void reprString(std::string& out, const char* p, size_t n);

// runtime symbol table for the JIT
struct RuntimeSymbol { const char* name; void* addr; bool isFunction; };
std::vector<RuntimeSymbol> runtimeSymbols(Session* s);
// The addon's `abi()` (abi.cc): the runtime symbols, shared constants and host ops, for
// test/runtime-abi.test.ts to compare with the TypeScript declarations.
napi_value RuntimeAbi(napi_env env, napi_callback_info info);
// N-API strings (addon.cc): false if the value is not a string / an array of strings.
bool getString(napi_env env, napi_value v, std::string& out);
bool getStringArray(napi_env env, napi_value v, std::vector<std::string>& out);
// The addon's `releaseLoadPages(paths)` (pages.cc): unmaps clean read-only pages of images.
napi_value ReleaseLoadPages(napi_env env, napi_callback_info info);

// jit (jit.cc): all return empty string on success, error text otherwise
struct Jit;
std::string jitCreate(Session* s, Jit** out);
void jitDestroy(Jit* j);
std::string jitAddModule(Jit* j, const std::string& ir, int opt, bool wantIR, int64_t* tracker, std::string* irOut);
std::string jitLookup(Jit* j, const std::vector<std::string>& names, std::vector<uint64_t>* addrs);
std::string jitRemove(Jit* j, int64_t tracker);
// Optimizes a module as addModule would and gives its assembly, or its IR if wantIR.
std::string jitEmitAsm(Jit* j, const std::string& ir, int opt, std::string* out, bool wantIR = false);
// extern fn symbols: `sym` (loaded libraries, then the filtered process) or `sym@library`.
bool hasCSymbol(Jit* j, const std::string& irName);
std::string jitLoadLibrary(Jit* j, const std::string& name);   // "" or the loader's message
size_t jitLibraryCount(Jit* j);
void jitForgetLibraries(Jit* j, size_t count);

// families of built-ins in files of their own (strings.cc, arrays.cc, files.cc)
[[noreturn]] void memoryError(size_t bytes);
KilnStr* newStrOfLength(size_t n);           // n bytes to fill in (then a NUL); MemoryError if too big
inline const KilnStr* strOrEmpty(const KilnStr* s) { return s ? s : emptyStr(); }
void appendStringSymbols(std::vector<RuntimeSymbol>& out);
void appendArraySymbols(std::vector<RuntimeSymbol>& out);
void appendFileSymbols(std::vector<RuntimeSymbol>& out);

}  // namespace kiln

extern "C" {
kiln::KilnArray* kiln_array_new(int64_t len, int32_t elemType);
void kiln_array_push(kiln::KilnArray* a, int64_t bits);
}
extern "C" void kiln_sort_by_keys(kiln::KilnArray* a, kiln::KilnArray* keys, int32_t keyType);
