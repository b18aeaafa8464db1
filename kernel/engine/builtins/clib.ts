// Built-ins of the C-library family (LANGUAGE.md "C libraries"): making and reading
// `ptr` values. `int(p)` and `p == null` are in the generic rules (check-builtins.ts).
import { INT, PTR, STR } from '../ast';
import type { Builtin } from '../builtins';

export const CLIB_BUILTINS: Builtin[] = [
  {
    name: 'ptr',
    signature: 'ptr(address: int) -> ptr',
    doc: 'The C pointer at this address (`ptr(0)` is `null`; `int(p)` gives the address back).',
    params: [INT],
    ret: PTR,
  },
  {
    name: 'cstr',
    signature: 'cstr(p: ptr) -> str',
    doc: 'A copy of the NUL-terminated bytes at p (`null` gives "").',
    params: [PTR],
    ret: STR,
  },
];

export const CLIB_BUILTIN_NAMES: ReadonlySet<string> = new Set(CLIB_BUILTINS.map((b) => b.name));
