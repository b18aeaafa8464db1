// The addon's `abi()`: what the runtime defines for JIT code and the constants it shares
// with the engine, so that test/runtime-abi.test.ts can compare them with their
// TypeScript declarations (kernel/engine/runtime-abi.ts) both ways.
#include "kiln.h"

#include <memory>

namespace kiln {
namespace {

napi_value stringArray(napi_env env, const std::vector<const char*>& names) {
  napi_value arr;
  napi_create_array_with_length(env, names.size(), &arr);
  for (size_t i = 0; i < names.size(); i++) {
    napi_value v;
    napi_create_string_utf8(env, names[i], NAPI_AUTO_LENGTH, &v);
    napi_set_element(env, arr, (uint32_t)i, v);
  }
  return arr;
}

void setNumber(napi_env env, napi_value o, const char* name, double d) {
  napi_value v;
  napi_create_double(env, d, &v);
  napi_set_named_property(env, o, name, v);
}

}  // namespace

napi_value RuntimeAbi(napi_env env, napi_callback_info) {
  // The symbol table only takes the addresses of a session's fields: a blank one will do.
  auto blank = std::make_unique<Session>();
  std::vector<const char*> functions, data;
  for (const RuntimeSymbol& sym : runtimeSymbols(blank.get())) (sym.isFunction ? functions : data).push_back(sym.name);
  std::vector<const char*> hostOps(kHostOpNames, kHostOpNames + (int)HostOp::Count);

  napi_value o, typeIds;
  napi_create_object(env, &o);
  napi_set_named_property(env, o, "functions", stringArray(env, functions));
  napi_set_named_property(env, o, "data", stringArray(env, data));
  napi_set_named_property(env, o, "hostOps", stringArray(env, hostOps));
  setNumber(env, o, "maxDepth", kMaxDepth);
  setNumber(env, o, "callLimitSlow", kCallLimitSlow);
  setNumber(env, o, "noSelfCallSite", kNoSelfCallSite);
  setNumber(env, o, "interruptRequested", kInterruptRequested);
  napi_create_object(env, &typeIds);
  setNumber(env, typeIds, "int", T_INT);
  setNumber(env, typeIds, "float", T_FLOAT);
  setNumber(env, typeIds, "bool", T_BOOL);
  setNumber(env, typeIds, "str", T_STR);
  setNumber(env, typeIds, "ptr", T_PTR);
  setNumber(env, typeIds, "firstComposite", T_FIRST_COMPOSITE);
  napi_set_named_property(env, o, "typeIds", typeIds);
  return o;
}

}  // namespace kiln
