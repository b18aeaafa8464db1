import type { Env } from '../kernel/engine/ast';
import { checkCell } from '../kernel/engine/check';
import { complete, inspect, isComplete } from '../kernel/engine/complete';
import { parseCell } from '../kernel/engine/parser';

function envOf(...cells: string[]): Env {
  let env: Env = { functions: new Map(), globals: new Map(), structs: new Map() };
  cells.forEach((src, i) => {
    env = checkCell(parseCell(src), env, i + 1).env;
  });
  return env;
}

const env = envOf(
  '/// Fibonacci numbers.\n/// Slow on purpose.\nfn fib(n: int) -> int {\n  if n < 2 { return n }\n  return fib(n - 1) + fib(n - 2)\n}\n' +
    '/// A point in the plane.\nstruct Point { x: float, y: float }\nstruct Seg { a: Point, b: Point }\n' +
    'let origin = Point { x: 0.0, y: 0.0 }\nlet seg = Seg { a: origin, b: origin }\nlet total = 0\nlet fizz = "f"\n' +
    'extern fn cbrt(x: float) -> float',
);

/** Cursor at the `|` marker. */
function at(src: string): [string, number] {
  const i = Array.from(src).indexOf('|');
  return [src.replace('|', ''), i];
}

describe('complete', () => {
  test('keywords, builtins, globals, functions, structs by prefix', () => {
    expect(complete(...at('fi|'), env)).toEqual({ matches: ['fib', 'fill', 'filter', 'find', 'fizz'], cursorStart: 0, cursorEnd: 2 });
    expect(complete(...at('let a = to|'), env).matches).toEqual(['total']);
    expect(complete(...at('wh|'), env).matches).toEqual(['while']);
    expect(complete(...at('Po|'), env).matches).toEqual(['Point']);
    expect(complete(...at('cb|'), env).matches).toEqual(['cbrt']);
    expect(complete(...at('print(sq|)'), env)).toEqual({ matches: ['sqrt'], cursorStart: 6, cursorEnd: 8 });
  });

  test('names declared in the code itself', () => {
    expect(complete(...at('let counter = 1\nprint(cou|'), env).matches).toEqual(['counter']);
    expect(complete(...at('fn helper(value: int) { print(val| }'), env).matches).toEqual(['value', 'values']);
  });

  test('fields after `x.` for globals and locals of struct type', () => {
    expect(complete(...at('origin.|'), env)).toEqual({ matches: ['x', 'y'], cursorStart: 7, cursorEnd: 7 });
    expect(complete(...at('print(origin.y|)'), env)).toEqual({ matches: ['y'], cursorStart: 13, cursorEnd: 14 });
    expect(complete(...at('seg.a.|'), env).matches).toEqual(['x', 'y']);
    expect(complete(...at('let p: Point = origin\np.|'), env).matches).toEqual(['x', 'y']);
    expect(complete(...at('let q = Seg { a: origin, b: origin }\nq.|'), env).matches).toEqual(['a', 'b']);
    expect(complete(...at('fn len2(s: Seg) -> float { return s.b.| }'), env).matches).toEqual(['x', 'y']);
    expect(complete(...at('struct V { dx: int, dy: int }\nlet v = V { dx: 1, dy: 2 }\nv.d|'), env).matches).toEqual(['dx', 'dy']);
    expect(complete(...at('let ps: [Point] = [origin]\nfor p in ps { print(p.|) }'), env).matches).toEqual(['x', 'y']);
    expect(complete(...at('total.|'), env).matches).toEqual([]);
    expect(complete(...at('1.|'), env).matches).not.toContain('x');
  });

  test('the built-ins of 0.2: strings, arrays, files', () => {
    expect(complete(...at('rea|'), env).matches).toEqual(['read_csv', 'read_file', 'read_lines']);
    expect(complete(...at('let n = s|'), env).matches).toEqual([
      'scatter', 'seed', 'seg', 'sin', 'slice', 'sort', 'sort_by', 'split', 'sqrt', 'starts_with', 'str', 'struct', 'substr', 'sum', 'svg',
    ]);
    expect(complete(...at('x = index|'), env).matches).toEqual(['index_of']);
  });

  test('cursor positions are in code points', () => {
    expect(complete(...at('let s = "😀😀"; fi|'), env)).toEqual({ matches: ['fib', 'fill', 'filter', 'find', 'fizz'], cursorStart: 14, cursorEnd: 16 });
  });
});

describe('maps in completion and inspect', () => {
  const mapEnv = envOf('struct Point { x: float, y: float }\nlet ages = {"ann": 31}\nlet byName: {str: Point} = {}');

  test('the map built-ins complete and inspect with signature and doc', () => {
    expect(complete(...at('ha|'), mapEnv).matches).toEqual(['has']);
    expect(complete(...at('print(val|'), mapEnv).matches).toEqual(['values']);
    expect(inspect(...at('ha|s(ages, "x")'), mapEnv)).toBe('has(m: {K: V}, k: K) -> bool\n\nTrue if the map m has the key k.\n(built-in function)');
    expect(inspect(...at('get(ages, |'), mapEnv)).toBe('get(m: {K: V}, k: K, default: V) -> V\n\nm[k], or default if m has no key k.\n(built-in function)');
    expect(inspect(...at('remove|'), mapEnv)).toBe('remove(m: {K: V}, k: K)\n\nRemoves the key k and its value from m (KeyError if absent).\n(built-in function)');
    expect(inspect(...at('keys|'), mapEnv)).toBe("keys(m: {K: V}) -> [K]\n\nA new array of m's keys, in insertion order.\n(built-in function)");
    expect(inspect(...at('values|'), mapEnv)).toBe("values(m: {K: V}) -> [V]\n\nA new array of m's values, in insertion order.\n(built-in function)");
    expect(inspect(...at('len|'), mapEnv)).toBe('len(x: str | [T] | {K: V}) -> int\n\nLength of a str (in bytes), of an array, or of a map (its number of keys).\n(built-in function)');
  });

  test('a map global shows its map type', () => {
    expect(inspect(...at('ag|es'), mapEnv)).toBe('ages: {str: int}\n(global)');
    expect(inspect(...at('byName|'), mapEnv)).toBe('byName: {str: Point}\n(global)');
  });

  test('fields of the values of a map of structs', () => {
    expect(complete(...at('for p in values(byName) { p.| }'), mapEnv).matches).toEqual(['x', 'y']);
    expect(complete(...at('let m: {int: Point} = {}\nfor p in values(m) { print(p.|) }'), mapEnv).matches).toEqual(['x', 'y']);
    expect(complete(...at('for p in values(ages) { p.| }'), mapEnv).matches).toEqual([]);
  });
});

describe('inspect', () => {
  test('a function from the session: signature and doc comment', () => {
    expect(inspect(...at('fi|b(3)'), env)).toBe('fn fib(n: int) -> int\n\nFibonacci numbers.\nSlow on purpose.');
    expect(inspect(...at('fib|'), env)).toBe('fn fib(n: int) -> int\n\nFibonacci numbers.\nSlow on purpose.');
    expect(inspect(...at('fib(|'), env)).toBe('fn fib(n: int) -> int\n\nFibonacci numbers.\nSlow on purpose.');
    expect(inspect(...at('cbrt|'), env)).toBe('extern fn cbrt(x: float) -> float');
  });

  test('an extern shows its library, C types and C name, from the session or the code', () => {
    const cEnv = envOf('extern "libz.so.1" fn crc32(crc: u64, buf: str, len: u32) -> u64\nextern fn c_abs(x: i32) -> i32 = "abs"\nlet handle = null');
    expect(inspect(...at('crc|32(0, "a", 1)'), cEnv)).toBe('extern "libz.so.1" fn crc32(crc: u64, buf: str, len: u32) -> u64');
    expect(inspect(...at('c_abs|'), cEnv)).toBe('extern fn c_abs(x: i32) -> i32 = "abs"');
    expect(inspect(...at('extern fn c_fabs(x: f32) -> f32 = "fabsf"\nc_fabs|(1.0)'), cEnv)).toBe('extern fn c_fabs(x: f32) -> f32 = "fabsf"');
    expect(inspect(...at('hand|le'), cEnv)).toBe('handle: ptr\n(global)');
    expect(inspect(...at('cstr|'), cEnv)).toBe('cstr(p: ptr) -> str\n\nA copy of the NUL-terminated bytes at p (`null` gives "").\n(built-in function)');
    expect(inspect(...at('null|'), cEnv)).toBe('null\n(keyword)');
    expect(complete(...at('nu|'), cEnv).matches).toEqual(['null']);
  });

  test('structs, globals, builtins, keywords', () => {
    expect(inspect(...at('Poi|nt'), env)).toBe('struct Point { x: float, y: float }\n\nA point in the plane.');
    expect(inspect(...at('orig|in'), env)).toBe('origin: Point\n(global)');
    expect(inspect(...at('sqrt|'), env)).toBe('sqrt(x: float) -> float\n\nSquare root.\n(built-in function)');
    expect(inspect(...at('print(1, |'), env)).toBe('print(a, b, ...)\n\nWrites its arguments (any types) separated by spaces, then a newline, to stdout.\n(built-in function)');
    expect(inspect(...at('while|'), env)).toBe('while\n(keyword)');
    expect(inspect(...at('split(|'), env)).toBe(
      'split(s: str, sep: str) -> [str]\n\nThe pieces of s between occurrences of sep, as Python\'s s.split(sep) (ValueError if sep is "").\n(built-in function)',
    );
    expect(inspect(...at('sort|'), env)).toBe(
      'sort(a: [int] | [float] | [str])\n\nSorts a in place, ascending and stable (nan last; str byte-wise).\n(built-in function)',
    );
    expect(inspect(...at('read_csv("a.csv"|)'), env)).toBe(
      'read_csv(path: str) -> [[str]]\n\nThe records of a CSV file (RFC 4180), header included, one [str] per record.\n(built-in function)',
    );
    expect(inspect(...at('nothing_here|'), env)).toBeUndefined();
    expect(inspect(...at('  |  '), env)).toBeUndefined();
  });

  test('items declared in the code being edited come first', () => {
    expect(inspect(...at('/// New doc.\nfn fib(n: int, m: [float]) { }\nfib|'), env)).toBe('fn fib(n: int, m: [float])\n\nNew doc.');
    expect(inspect(...at('struct Point { z: int }\nPoint|'), env)).toBe('struct Point { z: int }');
  });
});

describe('isComplete', () => {
  test('complete code', () => {
    expect(isComplete('let x = 1')).toEqual({ status: 'complete' });
    expect(isComplete('fn f() {\n  return\n}\n')).toEqual({ status: 'complete' });
    expect(isComplete('')).toEqual({ status: 'complete' });
    expect(isComplete('print(1);')).toEqual({ status: 'complete' });
  });

  test('unclosed brackets and braces, with 4 spaces per open bracket', () => {
    expect(isComplete('fn f() {')).toEqual({ status: 'incomplete', indent: '    ' });
    expect(isComplete('/// Adds one.')).toEqual({ status: 'incomplete', indent: '' });
    expect(isComplete('let x = 1 // a comment')).toEqual({ status: 'complete' });
    expect(isComplete('//// not a doc comment')).toEqual({ status: 'complete' });
    expect(isComplete('fn f() {\n  if x {\n')).toEqual({ status: 'incomplete', indent: '        ' });
    expect(isComplete('print(1,')).toEqual({ status: 'incomplete', indent: '    ' });
    expect(isComplete('let v = [1,\n2')).toEqual({ status: 'incomplete', indent: '    ' });
  });

  test('trailing operator, `,` or keyword; unfinished item headers', () => {
    expect(isComplete('let x = 1 +')).toEqual({ status: 'incomplete', indent: '' });
    expect(isComplete('let x =')).toEqual({ status: 'incomplete', indent: '' });
    expect(isComplete('x &&')).toEqual({ status: 'incomplete', indent: '' });
    expect(isComplete('if x { } else')).toEqual({ status: 'incomplete', indent: '' });
    expect(isComplete('fn f()')).toEqual({ status: 'incomplete', indent: '' });
    expect(isComplete('fn f() ->')).toEqual({ status: 'incomplete', indent: '' });
  });

  test('unterminated string is incomplete', () => {
    expect(isComplete('print("abc')).toEqual({ status: 'incomplete', indent: '' });
  });

  test('invalid: lexer errors, mismatched brackets, syntax errors before the end', () => {
    expect(isComplete('let x = 1 @ 2')).toEqual({ status: 'invalid' });
    expect(isComplete('let s = "\\q"')).toEqual({ status: 'invalid' });
    expect(isComplete('f(1]')).toEqual({ status: 'invalid' });
    expect(isComplete('}')).toEqual({ status: 'invalid' });
    expect(isComplete('let = 1')).toEqual({ status: 'invalid' });
  });
});
