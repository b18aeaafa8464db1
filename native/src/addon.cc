// N-API bindings of the Kiln native addon (see kernel/engine/native-api.ts).
#include "kiln.h"

#define GC_THREADS 1
#define GC_NO_THREAD_REDIRECTS 1
#include <gc/gc.h>
#include <sys/mman.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>

namespace kiln {

bool getString(napi_env env, napi_value v, std::string& out) {
  size_t n = 0;
  if (napi_get_value_string_utf8(env, v, nullptr, 0, &n) != napi_ok) return false;
  out.resize(n);
  return napi_get_value_string_utf8(env, v, &out[0], n + 1, &n) == napi_ok;
}

bool getStringArray(napi_env env, napi_value v, std::vector<std::string>& out) {
  bool isArray = false;
  uint32_t count = 0;
  if (napi_is_array(env, v, &isArray) != napi_ok || !isArray || napi_get_array_length(env, v, &count) != napi_ok) return false;
  out.resize(count);
  for (uint32_t i = 0; i < count; i++) {
    napi_value element;
    if (napi_get_element(env, v, i, &element) != napi_ok || !getString(env, element, out[i])) return false;
  }
  return true;
}

namespace {

#define CHECK(call)                                  \
  do {                                               \
    if ((call) != napi_ok) return throwLast(env);    \
  } while (0)

napi_value undefined(napi_env env) {
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

napi_value throwLast(napi_env env) {
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (!pending) {
    const napi_extended_error_info* info = nullptr;
    napi_get_last_error_info(env, &info);
    napi_throw_error(env, nullptr, info && info->error_message ? info->error_message : "N-API call failed");
  }
  return nullptr;
}

napi_value throwError(napi_env env, const std::string& msg, const char* name = nullptr) {
  napi_value m, e;
  napi_create_string_utf8(env, msg.data(), msg.size(), &m);
  napi_create_error(env, nullptr, m, &e);
  if (name) {
    napi_value n;
    napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &n);
    napi_set_named_property(env, e, "name", n);
  }
  napi_throw(env, e);
  return nullptr;
}

napi_value str(napi_env env, const std::string& s) {
  napi_value v;
  napi_create_string_utf8(env, s.data(), s.size(), &v);
  return v;
}

napi_value num(napi_env env, double d) {
  napi_value v;
  napi_create_double(env, d, &v);
  return v;
}

// The session of the calling thread (created at module init on this thread).
Session* cur(napi_env env) {
  Session* s = tlsSession;
  if (s) s->env = env;
  return s;
}

struct Args {
  napi_value argv[4];
  size_t argc = 4;
  Session* s = nullptr;
  bool ok = false;
  Args(napi_env env, napi_callback_info info, size_t need) {
    for (auto& a : argv) a = nullptr;
    if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok) return;
    s = cur(env);
    if (!s) {
      napi_throw_error(env, nullptr, "kiln native: no session on this thread");
      return;
    }
    if (argc < need) {
      napi_throw_type_error(env, nullptr, "kiln native: missing arguments");
      return;
    }
    ok = true;
  }
};

bool getNumber(napi_env env, napi_value v, double* d) { return napi_get_value_double(env, v, d) == napi_ok; }

bool getWord(napi_env env, napi_value v, int64_t* out) {
  napi_valuetype t;
  napi_typeof(env, v, &t);
  if (t == napi_bigint) {
    bool lossless;
    return napi_get_value_bigint_int64(env, v, out, &lossless) == napi_ok;
  }
  double d;
  if (napi_get_value_double(env, v, &d) != napi_ok) return false;
  if (d >= 9223372036854775808.0) *out = (int64_t)(uint64_t)d;
  else *out = (int64_t)d;
  return true;
}

Jit* requireJit(napi_env env, Session* s) {
  if (!s->jit) napi_throw_error(env, nullptr, "kiln native: createJit() has not been called");
  return s->jit;
}

// ---------------------------------------------------------------- JIT
napi_value CreateJit(napi_env env, napi_callback_info info) {
  Args a(env, info, 0);
  if (!a.ok) return nullptr;
  Session* s = a.s;
  if (s->top) return throwError(env, "createJit() while Kiln code is running");
  if (s->jit) {
    jitDestroy(s->jit);
    s->jit = nullptr;
  }
  s->depth = 0;
  memset(s->fstack, 0, sizeof s->fstack);
  memset(s->lstack, 0, sizeof s->lstack);
  Jit* j = nullptr;
  std::string err = jitCreate(s, &j);
  if (!err.empty()) return throwError(env, err);
  s->jit = j;
  s->jitInterruptFlag = s->interruptFlag;
  // The addresses of the runtime's data that JIT code may name as 32-bit absolute
  // displacements (below 2 GB; see newSession): one instruction and no register per use.
  // Each datum must end below 2 GB; the largest, a stack, bounds them all.
  napi_value low;
  napi_create_object(env, &low);
  for (const RuntimeSymbol& sym : runtimeSymbols(s)) {
    uintptr_t addr = (uintptr_t)sym.addr;
    if (sym.isFunction || addr + sizeof s->lstack >= (uintptr_t(1) << 31)) continue;
    napi_value v;
    napi_create_double(env, (double)addr, &v);
    napi_set_named_property(env, low, sym.name, v);
  }
  return low;
}

napi_value AddModule(napi_env env, napi_callback_info info) {
  Args a(env, info, 1);
  if (!a.ok) return nullptr;
  Jit* j = requireJit(env, a.s);
  if (!j) return nullptr;
  std::string ir;
  if (!getString(env, a.argv[0], ir)) return throwError(env, "addModule: IR text must be a string");
  double opt = 2;
  if (a.argc > 1) getNumber(env, a.argv[1], &opt);
  bool want = false;
  if (a.argc > 2) napi_get_value_bool(env, a.argv[2], &want);
  int64_t tracker = 0;
  std::string irOut;
  std::string err = jitAddModule(j, ir, (int)opt, want, &tracker, &irOut);
  if (!err.empty()) return throwError(env, err);
  napi_value o;
  CHECK(napi_create_object(env, &o));
  napi_set_named_property(env, o, "tracker", num(env, (double)tracker));
  if (want) napi_set_named_property(env, o, "optimizedIR", str(env, irOut));
  return o;
}

napi_value Lookup(napi_env env, napi_callback_info info) {
  Args a(env, info, 1);
  if (!a.ok) return nullptr;
  Jit* j = requireJit(env, a.s);
  if (!j) return nullptr;
  std::string name;
  if (!getString(env, a.argv[0], name)) return throwError(env, "lookup: name must be a string");
  std::vector<uint64_t> addrs;
  std::string err = jitLookup(j, {name}, &addrs);
  if (!err.empty()) return throwError(env, err);
  return num(env, (double)addrs[0]);
}

// lookupAll(names): their addresses, in one lookup.
napi_value LookupAll(napi_env env, napi_callback_info info) {
  Args a(env, info, 1);
  if (!a.ok) return nullptr;
  Jit* j = requireJit(env, a.s);
  if (!j) return nullptr;
  std::vector<std::string> names;
  if (!getStringArray(env, a.argv[0], names)) return throwError(env, "lookupAll: names must be an array of strings");
  const uint32_t count = (uint32_t)names.size();
  std::vector<uint64_t> addrs;
  std::string err = jitLookup(j, names, &addrs);
  if (!err.empty()) return throwError(env, err);
  napi_value out;
  CHECK(napi_create_array_with_length(env, count, &out));
  for (uint32_t i = 0; i < count; i++) CHECK(napi_set_element(env, out, i, num(env, (double)addrs[i])));
  return out;
}

napi_value RemoveModule(napi_env env, napi_callback_info info) {
  Args a(env, info, 1);
  if (!a.ok) return nullptr;
  Jit* j = requireJit(env, a.s);
  if (!j) return nullptr;
  double t;
  if (!getNumber(env, a.argv[0], &t)) return throwError(env, "removeModule: tracker must be a number");
  std::string err = jitRemove(j, (int64_t)t);
  if (!err.empty()) return throwError(env, err);
  return undefined(env);
}

// emitAssembly(ir, level) and optimizeIR(ir, level): the module optimized as addModule
// would, as assembly or as IR text.
static napi_value optimizedModule(napi_env env, napi_callback_info info, bool wantIR, const char* call) {
  Args a(env, info, 1);
  if (!a.ok) return nullptr;
  std::string ir, out;
  if (!getString(env, a.argv[0], ir)) return throwError(env, (std::string(call) + ": IR text must be a string").c_str());
  double opt = 2;
  if (a.argc > 1) getNumber(env, a.argv[1], &opt);
  std::string err = jitEmitAsm(a.s->jit, ir, (int)opt, &out, wantIR);
  if (!err.empty()) return throwError(env, err);
  return str(env, out);
}

napi_value EmitAssembly(napi_env env, napi_callback_info info) { return optimizedModule(env, info, false, "emitAssembly"); }

napi_value OptimizeIR(napi_env env, napi_callback_info info) { return optimizedModule(env, info, true, "optimizeIR"); }

napi_value HasCSymbol(napi_env env, napi_callback_info info) {
  Args a(env, info, 1);
  if (!a.ok) return nullptr;
  std::string name;
  if (!getString(env, a.argv[0], name)) return throwError(env, "hasCSymbol: name must be a string");
  napi_value b;
  napi_get_boolean(env, hasCSymbol(a.s->jit, name), &b);
  return b;
}

napi_value LoadLibrary(napi_env env, napi_callback_info info) {
  Args a(env, info, 1);
  if (!a.ok) return nullptr;
  Jit* j = requireJit(env, a.s);
  if (!j) return nullptr;
  std::string name;
  if (!getString(env, a.argv[0], name)) return throwError(env, "loadLibrary: name must be a string");
  std::string err = jitLoadLibrary(j, name);
  if (!err.empty()) return throwError(env, err);
  return undefined(env);
}

napi_value LibraryCount(napi_env env, napi_callback_info info) {
  Args a(env, info, 0);
  if (!a.ok) return nullptr;
  Jit* j = requireJit(env, a.s);
  if (!j) return nullptr;
  return num(env, (double)jitLibraryCount(j));
}

napi_value ForgetLibraries(napi_env env, napi_callback_info info) {
  Args a(env, info, 1);
  if (!a.ok) return nullptr;
  Jit* j = requireJit(env, a.s);
  if (!j) return nullptr;
  double count;
  if (!getNumber(env, a.argv[0], &count) || count < 0) return throwError(env, "forgetLibraries: bad count");
  jitForgetLibraries(j, (size_t)count);
  return undefined(env);
}

// ---------------------------------------------------------------- guarded entry
napi_value outcome(napi_env env, Session* s, bool ok, RunFrame& fr, int64_t errDepth) {
  napi_value o, t;
  napi_create_object(env, &o);
  napi_get_boolean(env, ok, &t);
  napi_set_named_property(env, o, "ok", t);
  if (ok) {
    if (fr.hasResult) napi_set_named_property(env, o, "result", str(env, fr.result));
    return o;
  }
  napi_set_named_property(env, o, "kind", str(env, s->errKind));
  napi_set_named_property(env, o, "message", str(env, s->errMsg));
  napi_value frames;
  napi_create_array(env, &frames);
  int64_t hi = errDepth > kMaxDepth ? kMaxDepth : errDepth;
  uint32_t k = 0;
  for (int64_t d = fr.baseDepth + 1; d <= hi; d++) {
    if (d < 0) continue;
    napi_value f;
    napi_create_array_with_length(env, 2, &f);
    napi_set_element(env, f, 0, num(env, s->fstack[d]));
    napi_set_element(env, f, 1, num(env, s->lstack[d]));
    napi_set_element(env, frames, k++, f);
  }
  napi_set_named_property(env, o, "frames", frames);
  return o;
}

napi_value Run(napi_env env, napi_callback_info info) {
  Args a(env, info, 1);
  if (!a.ok) return nullptr;
  Session* s = a.s;
  double addrD;
  if (!getNumber(env, a.argv[0], &addrD) || addrD <= 0) return throwError(env, "run: bad address");
  void (*fn)() = (void (*)())(uintptr_t)addrD;
  RunFrame fr;
  fr.baseDepth = s->depth;
  if (!s->top && s->outBuf.empty()) s->lastFlushNs = nowNs();  // 5 ms batching starts now
  fr.prev = s->top;
  const bool savedInJit = s->inJit;
  const char* savedCFunction = s->cFunction;
  s->cFunction = nullptr;
  s->top = &fr;
  int code = sigsetjmp(fr.jb, 1);
  if (code == 0) {
    s->inJit = true;
    fn();
  }
  s = tlsSession;
  s->inJit = savedInJit;
  s->top = fr.prev;
  bool ok = code == 0;
  int64_t errDepth = s->depth;
  if (!ok) {
    if (code == 2) describeFault(s);
    s->depth = fr.baseDepth;
  }
  s->cFunction = savedCFunction;
  if (flushOutput(s) && ok) {  // the host threw while receiving the last output
    ok = false;
    errDepth = fr.baseDepth;
  }
  napi_value result = outcome(env, s, ok, fr, errDepth);
  // The frames an error unwound never cleared their marks in kiln_fstack (set by the entry
  // of a function whose self-calls record no location, kernel/engine/lower.ts), nor did a
  // call that failed its entry check one deeper.
  if (code != 0) {
    int64_t from = fr.baseDepth + 1 < 0 ? 0 : fr.baseDepth + 1;
    if (from < kStackWords) memset(&s->fstack[from], 0, sizeof(int32_t) * (size_t)(kStackWords - from));
  }
  return result;
}

// ---------------------------------------------------------------- host, flag, types, memory
napi_value SetHost(napi_env env, napi_callback_info info) {
  Args a(env, info, 1);
  if (!a.ok) return nullptr;
  Session* s = a.s;
  if (s->host) {
    napi_delete_reference(env, s->host);
    s->host = nullptr;
  }
  napi_valuetype t;
  napi_typeof(env, a.argv[0], &t);
  if (t == napi_function) CHECK(napi_create_reference(env, a.argv[0], 1, &s->host));
  else if (t != napi_undefined && t != napi_null) return throwError(env, "setHost: expected a function");
  return undefined(env);
}

napi_value SetInterruptFlag(napi_env env, napi_callback_info info) {
  Args a(env, info, 1);
  if (!a.ok) return nullptr;
  Session* s = a.s;
  bool isTA = false;
  napi_is_typedarray(env, a.argv[0], &isTA);
  if (!isTA) return throwError(env, "setInterruptFlag: expected an Int32Array");
  napi_typedarray_type type;
  size_t len = 0, off = 0;
  void* data = nullptr;
  napi_value ab;
  CHECK(napi_get_typedarray_info(env, a.argv[0], &type, &len, &data, &ab, &off));
  if (type != napi_int32_array || len < 2 || !data) return throwError(env, "setInterruptFlag: expected an Int32Array of two elements (the interrupt word and the call limit)");
  // The flag's address is bound into a JIT when it is created: a new flag takes effect at
  // the next createJit(). The old array stays referenced (never freed) because code of the
  // current JIT may still read it.
  bool oldFlagInUse = s->jit && s->jitInterruptFlag != (int32_t*)data;
  if (s->flagRef && !oldFlagInUse) napi_delete_reference(env, s->flagRef);
  CHECK(napi_create_reference(env, a.argv[0], 1, &s->flagRef));
  s->interruptFlag = (int32_t*)data;
  return undefined(env);
}

napi_value RegisterType(napi_env env, napi_callback_info info) {
  Args a(env, info, 1);
  if (!a.ok) return nullptr;
  napi_value d = a.argv[0], v;
  std::string kind;
  CHECK(napi_get_named_property(env, d, "kind", &v));
  if (!getString(env, v, kind)) return throwError(env, "registerType: kind must be a string");
  TypeDesc t;
  double dn;
  if (kind == "array") {
    t.isArray = true;
    CHECK(napi_get_named_property(env, d, "elem", &v));
    if (!getNumber(env, v, &dn)) return throwError(env, "registerType: elem must be a number");
    t.elem = (int32_t)dn;
  } else if (kind == "struct") {
    CHECK(napi_get_named_property(env, d, "name", &v));
    if (!getString(env, v, t.name)) return throwError(env, "registerType: name must be a string");
    napi_value fields;
    CHECK(napi_get_named_property(env, d, "fields", &fields));
    uint32_t n = 0;
    if (napi_get_array_length(env, fields, &n) != napi_ok) return throwError(env, "registerType: fields must be an array");
    for (uint32_t i = 0; i < n; i++) {
      napi_value f, fv;
      CHECK(napi_get_element(env, fields, i, &f));
      std::string fname;
      CHECK(napi_get_named_property(env, f, "name", &fv));
      if (!getString(env, fv, fname)) return throwError(env, "registerType: field name must be a string");
      CHECK(napi_get_named_property(env, f, "type", &fv));
      if (!getNumber(env, fv, &dn)) return throwError(env, "registerType: field type must be a number");
      t.fieldNames.push_back(fname);
      t.fieldTypes.push_back((int32_t)dn);
    }
  } else if (kind == "map") {
    t.isMap = true;
    CHECK(napi_get_named_property(env, d, "key", &v));
    if (!getNumber(env, v, &dn)) return throwError(env, "registerType: key must be a number");
    t.key = (int32_t)dn;
    CHECK(napi_get_named_property(env, d, "value", &v));
    if (!getNumber(env, v, &dn)) return throwError(env, "registerType: value must be a number");
    t.elem = (int32_t)dn;
  } else if (kind == "fn") {
    t.isFn = true;
  } else {
    return throwError(env, "registerType: kind must be 'array', 'struct', 'map' or 'fn'");
  }
  // A struct that refers to itself (a list node, a tree) is registered first without its
  // fields, to get an id, then again with `id` and the fields, which updates it in place.
  bool hasId = false;
  if (napi_has_named_property(env, d, "id", &hasId) == napi_ok && hasId) {
    CHECK(napi_get_named_property(env, d, "id", &v));
    if (!getNumber(env, v, &dn) || !updateType((int32_t)dn, std::move(t)))
      return throwError(env, "registerType: id must be a registered type id");
    return num(env, dn);
  }
  return num(env, registerType(std::move(t)));
}

napi_value AllocSlot(napi_env env, napi_callback_info info) {
  Args a(env, info, 0);
  if (!a.ok) return nullptr;
  // function-pointer slots: plain memory, never freed (old code may still read them);
  // allocSlot(n) gives n contiguous words (a function value's KilnFn: code and text)
  double words = 1;
  if (a.argc > 0 && a.argv[0] && !getNumber(env, a.argv[0], &words)) words = 1;
  if (words < 1 || words > 512) return throwError(env, "allocSlot: 1 to 512 words");
  static std::mutex mu;
  static int64_t* chunk = nullptr;
  static int used = 512;
  std::lock_guard<std::mutex> g(mu);
  if (used + (int)words > 512) {
    chunk = (int64_t*)calloc(512, 8);
    if (!chunk) return throwError(env, "allocSlot: out of memory");
    used = 0;
  }
  int64_t* slot = &chunk[used];
  used += (int)words;
  return num(env, (double)(uintptr_t)slot);
}

napi_value AllocGlobal(napi_env env, napi_callback_info info) {
  Args a(env, info, 0);
  if (!a.ok) return nullptr;
  // global slots: uncollectable GC memory, i.e. roots the collector scans
  void* p = gcAllocUncollectable(8);
  if (!p) return throwError(env, "allocGlobal: out of memory", "MemoryError");
  memset(p, 0, 8);
  return num(env, (double)(uintptr_t)p);
}

napi_value WriteWord(napi_env env, napi_callback_info info) {
  Args a(env, info, 2);
  if (!a.ok) return nullptr;
  double addr;
  int64_t w;
  if (!getNumber(env, a.argv[0], &addr) || addr <= 0) return throwError(env, "writeWord: bad address");
  if (!getWord(env, a.argv[1], &w)) return throwError(env, "writeWord: value must be a number or bigint");
  *(int64_t*)(uintptr_t)addr = w;
  return undefined(env);
}

napi_value ReadWord(napi_env env, napi_callback_info info) {
  Args a(env, info, 1);
  if (!a.ok) return nullptr;
  double addr;
  if (!getNumber(env, a.argv[0], &addr) || addr <= 0) return throwError(env, "readWord: bad address");
  return num(env, (double)*(int64_t*)(uintptr_t)addr);
}

napi_value StringConstant(napi_env env, napi_callback_info info) {
  Args a(env, info, 1);
  if (!a.ok) return nullptr;
  std::string text;
  if (!getString(env, a.argv[0], text)) return throwError(env, "stringConstant: text must be a string");
  // Outside the JIT's memory and the collector's heap: lives as long as the process (the
  // engine keeps one per distinct text), so values may hold it after its cell's code goes.
  auto* str = (KilnStr*)malloc(sizeof(int64_t) + text.size() + 1);
  if (!str) return throwError(env, "stringConstant: out of memory", "MemoryError");
  str->len = (int64_t)text.size();
  memcpy(str->bytes, text.data(), text.size());
  str->bytes[text.size()] = 0;
  return num(env, (double)(uintptr_t)str);
}

napi_value EmptyString(napi_env env, napi_callback_info info) {
  return num(env, (double)(uintptr_t)emptyStr());
}

napi_value Flush(napi_env env, napi_callback_info info) {
  Args a(env, info, 0);
  if (!a.ok) return nullptr;
  if (flushOutput(a.s)) return throwError(env, a.s->errMsg, a.s->errKind.c_str());
  return undefined(env);
}

napi_value TakeSkippedProgress(napi_env env, napi_callback_info info) {
  Args a(env, info, 0);
  if (!a.ok) return nullptr;
  Session* s = a.s;
  s->progressLastCallNs = 0;  // the next cell's first call goes through
  if (!s->progressSkipped) return undefined(env);
  s->progressSkipped = false;
  napi_value out;
  napi_create_array_with_length(env, 3, &out);
  napi_set_element(env, out, 0, num(env, (double)s->progressDone));
  napi_set_element(env, out, 1, num(env, (double)s->progressTotal));
  napi_set_element(env, out, 2, num(env, (double)(nowNs() - s->progressSkippedNs) / 1e6));
  return out;
}

napi_value GcStats(napi_env env, napi_callback_info info) {
  napi_value o;
  napi_create_object(env, &o);
  napi_set_named_property(env, o, "heapBytes", num(env, (double)GC_get_heap_size()));
  napi_set_named_property(env, o, "collections", num(env, (double)GC_get_gc_no()));
  napi_set_named_property(env, o, "allocatedBytes", num(env, (double)GC_get_total_bytes()));
  // Bytes in the heap that are not free: live objects (after a collection) and garbage.
  napi_set_named_property(env, o, "usedBytes", num(env, (double)(GC_get_heap_size() - GC_get_free_bytes())));
  return o;
}

napi_value GcCollect(napi_env env, napi_callback_info info) {
  GC_gcollect();
  return undefined(env);
}

// ---------------------------------------------------------------- module
// A session lives below 2 GB when the system gives such memory (MAP_32BIT): JIT code then
// reaches its depth, call-site stack and flags by absolute 32-bit addresses, not through
// the GOT, which spares a load and a register per use in every call's checks.
Session* newSession() {
  void* low = mmap(nullptr, sizeof(Session), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
  if (low == MAP_FAILED) return new Session();
  Session* s = new (low) Session();
  s->inLowMemory = true;
  return s;
}

void deleteSession(Session* s) {
  if (!s->inLowMemory) {
    delete s;
    return;
  }
  s->~Session();
  munmap(s, sizeof(Session));
}

void cleanup(void* arg) {
  Session* s = (Session*)arg;
  if (--s->refs > 0) return;
  if (s->jit) jitDestroy(s->jit);
  s->jit = nullptr;
  // references belong to the dying env: do not delete them through it
  s->host = nullptr;
  s->flagRef = nullptr;
  runtimeThreadExit(s);
  if (tlsSession == s) tlsSession = nullptr;
  deleteSession(s);
}

}  // namespace
}  // namespace kiln

using namespace kiln;

NAPI_MODULE_INIT() {
  Session* s = tlsSession;
  if (!s) {
    s = newSession();
    tlsSession = s;
    runtimeThreadInit(s);
  }
  s->env = env;
  s->refs++;
  napi_add_env_cleanup_hook(env, cleanup, s);
  struct {
    const char* name;
    napi_callback cb;
  } fns[] = {
      {"createJit", CreateJit}, {"addModule", AddModule}, {"lookup", Lookup},
      {"removeModule", RemoveModule}, {"emitAssembly", EmitAssembly}, {"hasCSymbol", HasCSymbol},
      {"run", Run}, {"setHost", SetHost}, {"setInterruptFlag", SetInterruptFlag},
      {"registerType", RegisterType}, {"allocSlot", AllocSlot}, {"allocGlobal", AllocGlobal},
      {"writeWord", WriteWord}, {"readWord", ReadWord}, {"emptyString", EmptyString},
      {"flush", Flush}, {"gcStats", GcStats}, {"gcCollect", GcCollect},
      {"loadLibrary", LoadLibrary}, {"libraryCount", LibraryCount}, {"forgetLibraries", ForgetLibraries},
      {"abi", RuntimeAbi},
      {"takeSkippedProgress", TakeSkippedProgress}, {"stringConstant", StringConstant},
      {"optimizeIR", OptimizeIR},
      {"releaseLoadPages", ReleaseLoadPages}, {"lookupAll", LookupAll},
  };
  for (auto& f : fns) {
    napi_value v;
    napi_create_function(env, f.name, NAPI_AUTO_LENGTH, f.cb, nullptr, &v);
    napi_set_named_property(env, exports, f.name, v);
  }
  return exports;
}
