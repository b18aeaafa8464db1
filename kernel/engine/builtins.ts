// The registry of the built-in functions of Kiln (LANGUAGE.md "Built-in functions"): it
// concatenates the families of builtins/, one file each, and the checker (check.ts,
// check-builtins.ts), the lowering (lower-builtins.ts), completion and inspect
// (complete.ts) all read it. An entry (builtins/declare.ts) carries its types or
// checking rule, its signature line and description, and its lowering or runtime symbol.
//
// A builtin either has fixed parameter and return types (`params`/`ret`; an `int`
// argument is promoted where a `float` parameter is expected; arrays are never
// promoted), or is generic and has a checking rule of its own (`check`) in its family's
// file. A name shared by families (`len` of a str, array or map; `contains` of a str or
// an array) is one entry whose rule dispatches on the argument's type.
//
// Builtin names cannot be redefined: a user `fn` or `extern fn` with a builtin's name
// is a NameError ("`print` is a built-in function"). Variables may use those names
// (functions and variables live in different namespaces; only a variable of a function
// type is called in place of a function of its name).
import { ARRAY_BUILTINS } from './builtins/arrays';
import { CLIB_BUILTINS } from './builtins/clib';
import { CORE_BUILTINS } from './builtins/core';
import type { Builtin } from './builtins/declare';
import { DISPLAY_BUILTINS } from './builtins/display';
import { FILE_BUILTINS } from './builtins/files';
import { FUNCTION_BUILTINS } from './builtins/functions';
import { MAP_BUILTINS } from './builtins/maps';
import { MATH_BUILTINS } from './builtins/math';
import { STRING_BUILTINS } from './builtins/strings';

export type { Builtin } from './builtins/declare';

const LIST: Builtin[] = [
  ...CORE_BUILTINS,
  ...MATH_BUILTINS,
  ...DISPLAY_BUILTINS,
  ...STRING_BUILTINS,
  ...ARRAY_BUILTINS,
  ...FILE_BUILTINS,
  ...MAP_BUILTINS,
  ...CLIB_BUILTINS,
  ...FUNCTION_BUILTINS,
];

/** All builtins by name. */
export const BUILTINS: ReadonlyMap<string, Builtin> = new Map(LIST.map((b) => [b.name, b]));

export function isBuiltin(name: string): boolean {
  return BUILTINS.has(name);
}

/** Names of the built-in types (cannot be used as struct names). */
export const BUILTIN_TYPES = ['int', 'float', 'bool', 'str', 'void', 'ptr', 'i32', 'u32', 'u64', 'f32'];
