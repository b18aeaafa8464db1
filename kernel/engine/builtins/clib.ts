// Built-ins of the C-library family (LANGUAGE.md "C libraries"): making and reading
// `ptr` values. `int(p)` is in core.ts, `p == null` in the operator rules
// (check-builtins.ts); calls of C functions in lower-extern.ts.
import { INT, PTR, STR } from '../ast';
import { argValues, Builtin, fixed, runtimeCall } from './declare';

export const CLIB_BUILTINS: Builtin[] = [
  fixed('ptr', [['address', INT]], PTR, 'The C pointer at this address (`ptr(0)` is `null`; `int(p)` gives the address back).',
    (f, e) => f.b.CreateIntToPtr(argValues(f, e)[0], f.mb.ptr)),
  runtimeCall('cstr', [['p', PTR]], STR, 'kiln_str_from_c', 'A copy of the NUL-terminated bytes at p (`null` gives "").'),
];
