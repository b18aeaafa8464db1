// The runtime ABI as the engine sees it (docs/runtime-abi.md), declared once: the
// runtime's functions with their LLVM signatures, its data symbols, the constants C++
// and TypeScript share (native/src/kiln.h), and the ops of the host callback.
// test/runtime-abi.test.ts asks the addon for its side of each and compares.

/** Kiln frames deeper than this are a RecursionError (kMaxDepth in kiln.h). */
export const RECURSION_LIMIT = 10000;

/** Values of the interrupt word `kiln_interrupt` (an Int32Array element shared with the
 *  main thread): 0 nothing to do; INTERRUPT_REQUESTED the user interrupted (the main thread
 *  sets it; kiln_interrupted() clears it); REDEFINED_WHILE_RUNNING an eval has redefined a
 *  function while code runs (the engine sets it, and clears it when the cell ends): code
 *  then takes the slow path at each poll, where a function that calls itself directly
 *  checks its slot (lower.ts). Loops compare the word with 0 on their fast path; a
 *  function's entry compares its depth with `kiln_call_limit` instead, which is dropped
 *  while the word is set (interrupt-word.ts). */
export const INTERRUPT_REQUESTED = 1;
export const REDEFINED_WHILE_RUNNING = 2;

/** kiln_call_refused's argument when the callee's self-calls record their location. */
export const NO_SELF_CALL_SITE = -1;

/** `kiln_call_limit` while the interrupt word is set (kCallLimitSlow in kiln.h): below every
 *  frame's depth, so each call takes its cold path (interrupt-word.ts). */
export const CALL_LIMIT_SLOW = -1;

/** The runtime's type ids of the primitive types (T_INT... in kiln.h); `void` never
 *  reaches the runtime's formatter and shares int's id. */
export const PRIMITIVE_TYPE_IDS: Readonly<Record<'int' | 'float' | 'bool' | 'str' | 'void' | 'ptr', number>> =
  { int: 0, float: 1, bool: 2, str: 3, void: 0, ptr: 4 };

/** The first id the runtime gives a registered composite type (T_FIRST_COMPOSITE). */
export const FIRST_COMPOSITE_TYPE_ID = 16;

/** The runtime's data symbols (runtimeSymbols in native/src/runtime.cc). */
export const RUNTIME_DATA = ['kiln_depth', 'kiln_interrupt', 'kiln_call_limit', 'kiln_fstack', 'kiln_lstack', 'kiln_cfunc'] as const;
export type RuntimeData = (typeof RUNTIME_DATA)[number];

type RuntimeSig = [ret: string, params: string[]];

/** Runtime functions by name: return type and parameter types, in the ABI's spelling. */
export const RUNTIME: Record<string, RuntimeSig> = {
  kiln_call_refused: ['void', ['i64', 'i32', 'i32']],
  kiln_interrupted: ['void', []],
  kiln_interrupted_at: ['void', ['i64', 'i32']],
  kiln_zero_division: ['void', []],
  kiln_index_error: ['void', ['i64', 'i64']],
  kiln_assert_fail: ['void', ['ptr']],
  kiln_uninitialized: ['void', ['ptr']],
  kiln_alloc: ['ptr', ['i64']],
  kiln_str_concat: ['ptr', ['ptr', 'ptr']],
  kiln_str_cmp: ['i64', ['ptr', 'ptr']],
  kiln_substr: ['ptr', ['ptr', 'i64', 'i64']],
  kiln_fmt: ['ptr', ['i64', 'i32']],
  kiln_repr: ['ptr', ['i64', 'i32']],
  kiln_parse_int: ['i64', ['ptr']],
  kiln_parse_float: ['double', ['ptr']],
  kiln_str_from_c: ['ptr', ['ptr']],
  kiln_array_new: ['ptr', ['i64', 'i32']],
  kiln_array_push: ['void', ['ptr', 'i64']],
  kiln_array_pop: ['i64', ['ptr']],
  kiln_array_fill: ['ptr', ['i64', 'i64', 'i32']],
  kiln_print_value: ['void', ['i32', 'i64', 'i32', 'i32']],
  kiln_random: ['double', []],
  kiln_seed: ['void', ['i64']],
  kiln_clock: ['double', []],
  kiln_result: ['void', ['ptr']],
  kiln_display: ['void', ['ptr', 'ptr']],
  kiln_display_id: ['ptr', ['ptr', 'ptr']],
  kiln_update_display: ['void', ['ptr', 'ptr', 'ptr']],
  kiln_clear_output: ['void', []],
  kiln_chart: ['void', ['i32', 'ptr', 'ptr', 'ptr']],
  kiln_hist: ['void', ['ptr', 'i64', 'ptr']],
  kiln_bar: ['void', ['ptr', 'ptr', 'ptr']],
  kiln_progress: ['void', ['i64', 'i64']],
  kiln_input: ['ptr', ['ptr']],
  kiln_eval: ['ptr', ['ptr']],
  kiln_map_new: ['ptr', ['i32', 'i32', 'i64']],
  kiln_map_set: ['void', ['ptr', 'i64', 'i64']],
  kiln_map_get: ['i64', ['ptr', 'i64']],
  kiln_map_get_or: ['i64', ['ptr', 'i64', 'i64']],
  kiln_map_has: ['i64', ['ptr', 'i64']],
  kiln_map_remove: ['void', ['ptr', 'i64']],
  kiln_map_keys: ['ptr', ['ptr']],
  kiln_map_values: ['ptr', ['ptr']],
  kiln_map_next: ['i64', ['ptr', 'ptr', 'i64']],
  // strings (native/src/strings.cc)
  kiln_str_split: ['ptr', ['ptr', 'ptr']],
  kiln_str_words: ['ptr', ['ptr']],
  kiln_str_join: ['ptr', ['ptr', 'ptr']],
  kiln_str_find: ['i64', ['ptr', 'ptr']],
  kiln_str_starts_with: ['i64', ['ptr', 'ptr']],
  kiln_str_ends_with: ['i64', ['ptr', 'ptr']],
  kiln_str_replace: ['ptr', ['ptr', 'ptr', 'ptr']],
  kiln_str_trim: ['ptr', ['ptr']],
  kiln_str_upper: ['ptr', ['ptr']],
  kiln_str_lower: ['ptr', ['ptr']],
  kiln_str_repeat: ['ptr', ['ptr', 'i64']],
  kiln_str_chars: ['ptr', ['ptr']],
  kiln_str_ord: ['i64', ['ptr']],
  kiln_str_chr: ['ptr', ['i64']],
  kiln_str_fmt_fixed: ['ptr', ['double', 'i64']],
  // arrays (native/src/arrays.cc)
  kiln_array_sort: ['void', ['ptr', 'i32']],
  kiln_array_reverse: ['void', ['ptr']],
  kiln_array_slice: ['ptr', ['ptr', 'i64', 'i64', 'i32']],
  kiln_array_insert: ['void', ['ptr', 'i64', 'i64']],
  kiln_array_remove_at: ['i64', ['ptr', 'i64']],
  kiln_array_index_of: ['i64', ['ptr', 'i64', 'i32']],
  kiln_array_sum: ['i64', ['ptr', 'i32']],
  kiln_array_min_of: ['i64', ['ptr', 'i32']],
  kiln_array_max_of: ['i64', ['ptr', 'i32']],
  // files (native/src/files.cc, csv.cc)
  kiln_read_file: ['ptr', ['ptr']],
  kiln_read_lines: ['ptr', ['ptr']],
  kiln_write_file: ['void', ['ptr', 'ptr']],
  kiln_append_file: ['void', ['ptr', 'ptr']],
  kiln_file_exists: ['i64', ['ptr']],
  kiln_list_dir: ['ptr', ['ptr']],
  kiln_read_csv: ['ptr', ['ptr']],
  kiln_sort_by_keys: ['void', ['ptr', 'ptr', 'i32']],
};

/** Runtime functions that never return (lowering follows each call with `unreachable`). */
export const NORETURN = new Set([
  'kiln_call_refused',
  'kiln_interrupted',
  'kiln_interrupted_at',
  'kiln_zero_division',
  'kiln_index_error',
  'kiln_assert_fail',
  'kiln_uninitialized',
]);

/**
 * A call of the host callback: the runtime calls the engine's host function with an op
 * name and its arguments (native/src/host.cc callHost; op names in kHostOpNames).
 * Strings arrive as JS strings, numbers as numbers, float and str arrays as JS arrays.
 * `display_id` and `input`/`eval` return a string; a throw becomes a Kiln error.
 */
export type HostCall =
  | [op: 'stdout' | 'stderr', text: string]
  | [op: 'display', mime: string, data: string]
  | [op: 'display_id', mime: string, data: string]
  | [op: 'update_display', displayId: string, mime: string, data: string]
  | [op: 'clear_output']
  | [op: 'chart', kind: 'line' | 'scatter', xs: number[], ys: number[], title: string]
  | [op: 'hist', xs: number[], bins: number, title: string]
  | [op: 'bar', labels: string[], values: number[], title: string]
  | [op: 'progress', done: number, total: number]
  | [op: 'input', prompt: string]
  | [op: 'eval', src: string];

export type HostOp = HostCall[0];

/** Each op's value in the runtime's HostOp enum (kiln.h): the compiler checks that every
 *  op of HostCall has one, and the test that kHostOpNames spells them in this order. */
export const HOST_OP_INDEX: Readonly<Record<HostOp, number>> = {
  stdout: 0, stderr: 1, display: 2, display_id: 3, update_display: 4, clear_output: 5,
  chart: 6, hist: 7, bar: 8, progress: 9, input: 10, eval: 11,
};
