// The built-in functions of Kiln (LANGUAGE.md, "Built-in functions"): their types for
// the checker, and a signature line and description for inspect and completion.
//
// A builtin either has fixed parameter and return types (`params`/`ret`; an `int`
// argument is promoted where a `float` parameter is expected; arrays are never
// promoted), or is generic (`generic: true`) and is checked by a rule of its own in
// check-builtins.ts (print, eprint, len, push, pop, fill, int, float, str, abs, min,
// max) or in its family's file. The families of 0.2 are declared in builtins/ (one file
// each: strings, arrays, files, maps), with their checking and lowering rules.
//
// Builtin names cannot be redefined: a user `fn` or `extern fn` with a builtin's name
// is a NameError ("`print` is a built-in function"). Variables may use those names
// (functions and variables live in different namespaces; only a variable of a function
// type is called in place of a function of its name).
import { arrayOf, BOOL, FLOAT, INT, STR, VOID } from './ast';
import { ARRAY_BUILTINS } from './builtins/arrays';
import { Builtin, fixed, generic } from './builtins/declare';
import { CLIB_BUILTINS } from './builtins/clib';
import { FILE_BUILTINS } from './builtins/files';
import { FUNCTION_BUILTINS } from './builtins/functions';
import { MAP_BUILTINS } from './builtins/maps';
import { STRING_BUILTINS } from './builtins/strings';

export type { Builtin } from './builtins/declare';

const FLOATS = arrayOf(FLOAT);
const STRS = arrayOf(STR);

const LIST: Builtin[] = [
  generic('print', 'print(a, b, ...)', 'Writes its arguments (any types) separated by spaces, then a newline, to stdout.'),
  generic('eprint', 'eprint(a, b, ...)', 'Writes its arguments separated by spaces, then a newline, to stderr.'),
  fixed('input', [['prompt', STR]], STR, 'Asks the front end for a line of text.'),
  generic('len', 'len(x: str | [T] | {K: V}) -> int', 'Length of a str (in bytes), of an array, or of a map (its number of keys).'),
  generic('push', 'push(a: [T], x: T)', 'Appends x to the end of the array a.'),
  generic('pop', 'pop(a: [T]) -> T', 'Removes and returns the last element of a (IndexError if empty).'),
  generic('fill', 'fill(n: int, x: T) -> [T]', 'A new array of n copies of x.'),
  generic('int', 'int(x: int | float | str) -> int', 'Converts to int: a float is truncated, a str is parsed (ValueError on bad text).'),
  generic('float', 'float(x: int | float | str) -> float', 'Converts to float: a str is parsed (ValueError on bad text).'),
  generic('str', 'str(x) -> str', 'The text/plain format of x.'),
  fixed('substr', [['s', STR], ['start', INT], ['end', INT]], STR, 'Bytes start..end of s (IndexError outside).'),
  fixed('sqrt', [['x', FLOAT]], FLOAT, 'Square root.'),
  fixed('sin', [['x', FLOAT]], FLOAT, 'Sine (radians).'),
  fixed('cos', [['x', FLOAT]], FLOAT, 'Cosine (radians).'),
  fixed('tan', [['x', FLOAT]], FLOAT, 'Tangent (radians).'),
  fixed('exp', [['x', FLOAT]], FLOAT, 'e raised to the power x.'),
  fixed('log', [['x', FLOAT]], FLOAT, 'Natural logarithm.'),
  fixed('floor', [['x', FLOAT]], FLOAT, 'Largest integral value not greater than x (as a float).'),
  fixed('ceil', [['x', FLOAT]], FLOAT, 'Smallest integral value not less than x (as a float).'),
  generic('abs', 'abs(x: int | float) -> int | float', 'Absolute value.'),
  generic('min', 'min(a: int | float, b: int | float) -> int | float', 'The smaller of a and b (float if either is a float).'),
  generic('max', 'max(a: int | float, b: int | float) -> int | float', 'The larger of a and b (float if either is a float).'),
  fixed('pow', [['x', FLOAT], ['y', FLOAT]], FLOAT, 'x raised to the power y.'),
  fixed('random', [], FLOAT, 'A uniform random float in [0, 1).'),
  fixed('seed', [['n', INT]], VOID, 'Seeds random() so that it is repeatable.'),
  fixed('clock', [], FLOAT, 'Seconds from a monotonic clock.'),
  fixed('assert', [['c', BOOL], ['msg', STR]], VOID, 'Raises AssertionError: msg when c is false.'),
  fixed('display', [['mime', STR], ['data', STR]], VOID, 'Shows a rich output (display_data) with the given MIME type.'),
  fixed('html', [['s', STR]], VOID, 'Shows s as text/html.'),
  fixed('markdown', [['s', STR]], VOID, 'Shows s as text/markdown.'),
  fixed('svg', [['s', STR]], VOID, 'Shows s as image/svg+xml.'),
  fixed('latex', [['s', STR]], VOID, 'Shows s as text/latex.'),
  fixed('display_id', [['mime', STR], ['data', STR]], STR, 'Like display, and returns an id for update_display.'),
  fixed('update_display', [['id', STR], ['mime', STR], ['data', STR]], VOID, 'Replaces an earlier output (from display_id) in place.'),
  fixed('clear_output', [], VOID, "Clears the cell's output so far."),
  fixed('plot', [['xs', FLOATS], ['ys', FLOATS], ['title', STR]], VOID, 'Line chart shown as a picture.'),
  fixed('scatter', [['xs', FLOATS], ['ys', FLOATS], ['title', STR]], VOID, 'Scatter chart shown as a picture.'),
  fixed('hist', [['xs', FLOATS], ['bins', INT], ['title', STR]], VOID, 'Histogram of xs in bins equal bins, shown as a picture.'),
  fixed('bar', [['labels', STRS], ['values', FLOATS], ['title', STR]], VOID, 'Bar chart, one bar per label, shown as a picture.'),
  fixed('progress', [['done', INT], ['total', INT]], VOID, 'Shows (and updates in place) a progress bar for this cell.'),
  fixed('eval', [['src', STR]], STR, 'Compiles and runs src in this session as if it were a cell; returns the text/plain of its result, or "".'),
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
