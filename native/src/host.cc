// The runtime's side of the host callback: calling the engine's JavaScript function
// (set by setHost) with raw N-API, one handle scope per call, and turning what it throws
// into a pending Kiln error. Also the flush of buffered stdout/stderr to the host.
#include "kiln.h"

#include <cstring>
#include <string>

namespace kiln {

static inline const KilnStr* S(const void* p) { return p ? (const KilnStr*)p : emptyStr(); }

// ---------------------------------------------------------------- host (N-API)
static void excToText(napi_env env, napi_value v, std::string& out) {
  napi_value str;
  if (napi_coerce_to_string(env, v, &str) != napi_ok) {
    bool p;
    napi_is_exception_pending(env, &p);
    if (p) {
      napi_value e;
      napi_get_and_clear_last_exception(env, &e);
    }
    out = "?";
    return;
  }
  size_t n = 0;
  napi_get_value_string_utf8(env, str, nullptr, 0, &n);
  out.resize(n);
  napi_get_value_string_utf8(env, str, &out[0], n + 1, &n);
}

static void describeException(napi_env env, napi_value exc, Session* s) {
  napi_valuetype t;
  napi_typeof(env, exc, &t);
  if (t == napi_object || t == napi_function) {
    napi_value name, msg;
    bool has = false;
    s->errKind = "Error";
    s->errMsg.clear();
    if (napi_has_named_property(env, exc, "name", &has) == napi_ok && has &&
        napi_get_named_property(env, exc, "name", &name) == napi_ok)
      excToText(env, name, s->errKind);
    if (napi_has_named_property(env, exc, "message", &has) == napi_ok && has &&
        napi_get_named_property(env, exc, "message", &msg) == napi_ok)
      excToText(env, msg, s->errMsg);
    bool p;
    napi_is_exception_pending(env, &p);
    if (p) {
      napi_value e;
      napi_get_and_clear_last_exception(env, &e);
    }
    if (s->errKind.empty()) s->errKind = "Error";
    // JavaScript's own stack ran out under deep nesting (eval inside eval...): in Kiln
    // terms that is runaway recursion.
    if (s->errKind == "RangeError" && s->errMsg.find("call stack") != std::string::npos) {
      s->errKind = "RecursionError";
      s->errMsg = "maximum recursion depth exceeded";
    }
  } else {
    s->errKind = "Error";
    excToText(env, exc, s->errMsg);
  }
}

static napi_value arrayToJs(napi_env env, const KilnArray* a, bool strings) {
  napi_value arr;
  int64_t n = a ? a->len : 0;
  napi_create_array_with_length(env, (size_t)n, &arr);
  for (int64_t i = 0; i < n; i++) {
    napi_value v;
    if (strings) {
      const KilnStr* s = S((const void*)(uintptr_t)a->data[i]);
      napi_create_string_utf8(env, s->bytes, (size_t)s->len, &v);
    } else {
      double d;
      memcpy(&d, &a->data[i], 8);
      napi_create_double(env, d, &v);
    }
    napi_set_element(env, arr, (uint32_t)i, v);
  }
  return arr;
}

const char* const kHostOpNames[(int)HostOp::Count] = {
    "stdout", "stderr", "display", "display_id", "update_display", "clear_output",
    "chart", "hist", "bar", "progress", "input", "eval",
};

int callHost(Session* s, HostOp op, const HostArg* args, int nargs, bool wantString) {
  s->hostOut.clear();
  if (!s->host || !s->env) return 0;
  napi_env env = s->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) {
    s->errKind = "RuntimeError";
    s->errMsg = "cannot call the host";
    return 1;
  }
  napi_value fn, undef, argv[8], ret;
  napi_get_reference_value(env, s->host, &fn);
  napi_get_undefined(env, &undef);
  napi_create_string_utf8(env, kHostOpNames[(int)op], NAPI_AUTO_LENGTH, &argv[0]);
  for (int i = 0; i < nargs && i < 7; i++) {
    const HostArg& a = args[i];
    switch (a.kind) {
      case HostArg::Str: napi_create_string_utf8(env, a.s, a.n, &argv[i + 1]); break;
      case HostArg::Num: napi_create_double(env, a.d, &argv[i + 1]); break;
      case HostArg::FloatArr: argv[i + 1] = arrayToJs(env, a.arr, false); break;
      case HostArg::StrArr: argv[i + 1] = arrayToJs(env, a.arr, true); break;
    }
  }
  bool savedInJit = s->inJit;
  s->inJit = false;
  napi_status st = napi_call_function(env, undef, fn, (size_t)nargs + 1, argv, &ret);
  s->inJit = savedInJit;
  int rc = 0;
  if (st != napi_ok) {
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (pending) {
      napi_value exc;
      napi_get_and_clear_last_exception(env, &exc);
      describeException(env, exc, s);
    } else {
      s->errKind = "RuntimeError";
      s->errMsg = "the host callback could not be called (is the engine shutting down?)";
    }
    rc = 1;
  } else if (wantString) {
    napi_valuetype t;
    napi_typeof(env, ret, &t);
    if (t == napi_string) {
      size_t n = 0;
      napi_get_value_string_utf8(env, ret, nullptr, 0, &n);
      s->hostOut.resize(n);
      napi_get_value_string_utf8(env, ret, &s->hostOut[0], n + 1, &n);
    }
  }
  napi_close_handle_scope(env, scope);
  return rc;
}

int flushOutput(Session* s) {
  s->lastFlushNs = nowNs();
  if (s->outBuf.empty()) return 0;
  std::string text;
  text.swap(s->outBuf);
  HostArg a{HostArg::Str, text.data(), text.size(), 0, nullptr};
  return callHost(s, s->curStream == 2 ? HostOp::Stderr : HostOp::Stdout, &a, 1, false);
}

}  // namespace kiln
