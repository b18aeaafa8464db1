// The string built-ins of LANGUAGE.md 0.2 "Strings", end to end through the engine. The
// expected values of the functions defined "as Python's X" were checked against python3.
import { TestSession } from './support/engine';

let k: TestSession;
beforeAll(() => {
  k = new TestSession();
});

/** The error of a cell that must fail at run time or compile time, as `Name: message`. */
function error(code: string): string | undefined {
  return k.run(code).error;
}

describe('split and words (as Python str.split(sep) and str.split())', () => {
  test.each([
    ['split("a,b,c", ",")', '["a", "b", "c"]'],
    ['split("a,,b", ",")', '["a", "", "b"]'],
    ['split(",a,", ",")', '["", "a", ""]'],
    ['split(",,", ",")', '["", "", ""]'],
    ['split("", ",")', '[""]'],
    ['split("abc", ",")', '["abc"]'],
    ['split("a--b--", "--")', '["a", "b", ""]'],
    ['split("aaa", "aa")', '["", "a"]'],
    ['split("héllo wörld", "ö")', '["héllo w", "rld"]'],
    ['words("  a  b  ")', '["a", "b"]'],
    ['words("")', '[]'],
    ['words("   ")', '[]'],
    ['words("a\\n b\\r\\nc\\td\\u{b}e\\u{c}f")', '["a", "b", "c", "d", "e", "f"]'],
    ['words("a\\u{1c}b\\u{1f}c")', '["a", "b", "c"]'],
    ['words("x\\u{a0}y\\u{3000}z\\u{85}w\\u{2028}v")', '["x", "y", "z", "w", "v"]'],
    ['words("x\\u{200b}y")', '["x\u200by"]'],
  ])('%s → %s', (code, expected) => {
    expect(k.ok(code)).toBe(expected);
  });

  test('an empty separator is a ValueError', () => {
    expect(error('split("abc", "")')).toBe('ValueError: empty separator');
  });
});

describe('join, find, contains, starts_with, ends_with', () => {
  test.each([
    ['join(["a", "b", "c"], ", ")', '"a, b, c"'],
    ['join(["x"], "-")', '"x"'],
    ['let none: [str] = []\njoin(none, "-")', '""'],
    ['join(split("a,b,,c", ","), ",") == "a,b,,c"', 'true'],
    ['find("hello", "ll")', '2'],
    ['find("hello", "z")', '-1'],
    ['find("abc", "")', '0'],
    ['find("", "")', '0'],
    ['find("héllo", "llo")', '3'],
    ['find("abab", "ab")', '0'],
    ['contains("hello", "ell")', 'true'],
    ['contains("hello", "")', 'true'],
    ['contains("", "a")', 'false'],
    ['starts_with("hello", "he")', 'true'],
    ['starts_with("he", "hello")', 'false'],
    ['starts_with("x", "")', 'true'],
    ['ends_with("hello", "lo")', 'true'],
    ['ends_with("lo", "hello")', 'false'],
    ['ends_with("héllo", "llo")', 'true'],
  ])('%s → %s', (code, expected) => {
    expect(k.ok(code)).toBe(expected);
  });
});

describe('replace, trim, upper, lower, repeat', () => {
  test.each([
    ['replace("aaaa", "aa", "b")', '"bb"'],
    ['replace("aaa", "aa", "b")', '"ba"'],
    ['replace("abcabc", "b", "")', '"acac"'],
    ['replace("x", "y", "z")', '"x"'],
    ['replace("a.b.c", ".", "::")', '"a::b::c"'],
    ['trim(" \\t\\n\\r\\u{b}\\u{c}x y\\u{c} ")', '"x y"'],
    ['trim("   ")', '""'],
    ['trim("\\u{a0}x\\u{a0}")', '"\u00a0x\u00a0"'],
    ['upper("héllo, World!")', '"HéLLO, WORLD!"'],
    ['lower("ÀBC déf")', '"Àbc déf"'],
    ['repeat("ab", 3)', '"ababab"'],
    ['repeat("ab", 0)', '""'],
    ['repeat("", 5)', '""'],
  ])('%s → %s', (code, expected) => {
    expect(k.ok(code)).toBe(expected);
  });

  test('replace of an empty string and a negative repeat count are ValueErrors', () => {
    expect(error('replace("abc", "", "-")')).toBe('ValueError: empty string to replace');
    expect(error('repeat("x", -1)')).toBe('ValueError: negative repeat count: -1');
  });

  test('a repeat too large for memory is a MemoryError', () => {
    expect(error('repeat("abc", 1000000000000000)')).toBe(
      'MemoryError: out of memory (cannot allocate 3000000000000000 bytes)',
    );
  });
});

describe('chars, ord, chr (UTF-8 code points)', () => {
  test.each([
    ['chars("héllo😀")', '["h", "é", "l", "l", "o", "😀"]'],
    ['chars("")', '[]'],
    ['ord("a")', '97'],
    ['ord("é")', '233'],
    ['ord("😀")', '128512'],
    ['chr(97)', '"a"'],
    ['chr(233)', '"é"'],
    ['chr(128512)', '"😀"'],
    ['chr(0)', '"\\0"'],
    ['len(chr(1114111))', '4'],
    ['ord(chr(1114111))', '1114111'],
    ['ord(chr(55295)) + ord(chr(57344))', String(55295 + 57344)],
  ])('%s → %s', (code, expected) => {
    expect(k.ok(code)).toBe(expected);
  });

  test('chars keeps a byte that is not UTF-8 as a str of its own, so joining gives s back', () => {
    expect(k.ok('let cut = substr("aé", 0, 2)\nlet cs = chars(cut)\nprint(len(cs), len(cs[1]), join(cs, "") == cut)')).toBe(
      '2 1 true\n',
    );
  });

  test.each([
    ['ord("")', 'ValueError: ord() expected a character, but string of length 0 found'],
    ['ord("ab")', 'ValueError: ord() expected a character, but string of length 2 found'],
    ['ord("é😀")', 'ValueError: ord() expected a character, but string of length 2 found'],
    ['ord(substr("é", 0, 1))', 'ValueError: ord() expected a character, but string is not valid UTF-8'],
    ['chr(55296)', 'ValueError: chr() arg is a surrogate code point: 0xd800'],
    ['chr(57343)', 'ValueError: chr() arg is a surrogate code point: 0xdfff'],
    ['chr(1114112)', 'ValueError: chr() arg not in range(0x110000)'],
    ['chr(-1)', 'ValueError: chr() arg not in range(0x110000)'],
  ])('%s fails: %s', (code, expected) => {
    expect(error(code)).toBe(expected);
  });
});

describe('fmt (as C\'s "%.*f")', () => {
  test.each([
    ['fmt(3.14159, 2)', '"3.14"'],
    ['fmt(2.5, 0)', '"2"'],
    ['fmt(3.5, 0)', '"4"'],
    ['fmt(0.5, 0)', '"0"'],
    ['fmt(2.675, 2)', '"2.67"'],
    ['fmt(-0.0005, 3)', '"-0.001"'],
    ['fmt(-0.000000001, 3)', '"-0.000"'],
    ['fmt(1e20, 2)', '"100000000000000000000.00"'],
    ['fmt(5, 1)', '"5.0"'],
    ['fmt(1.0 / 0.0, 2)', '"inf"'],
    ['fmt(-1.0 / 0.0, 1)', '"-inf"'],
    ['fmt(0.0 / 0.0, 2)', '"nan"'],
    ['len(fmt(1.0, 1000))', '1002'],
  ])('%s → %s', (code, expected) => {
    expect(k.ok(code)).toBe(expected);
  });

  test('decimals outside 0..1000 are a ValueError', () => {
    expect(error('fmt(1.0, -1)')).toBe('ValueError: fmt() decimals must be in 0..1000, found -1');
    expect(error('fmt(1.0, 1001)')).toBe('ValueError: fmt() decimals must be in 0..1000, found 1001');
  });
});

describe('errors carry the Kiln call stack', () => {
  test('a ValueError inside a function shows the cell and line of the call', () => {
    const r = k.run('fn pieces(s: str) -> [str] {\n    return split(s, "")\n}\npieces("x")');
    expect(r.outcome.status === 'error' && r.outcome.traceback.slice(-3)).toEqual([
      expect.stringMatching(/^ {2}cell \d+, line 4, in <cell>$/),
      expect.stringMatching(/^ {2}cell \d+, line 2, in pieces$/),
      'ValueError: empty separator',
    ]);
  });
});

describe('type errors', () => {
  test.each([
    ['split(1, ",")', 'TypeError: expected `str`, found `int`'],
    ['join(["a"], 1)', 'TypeError: expected `str`, found `int`'],
    ['join([1, 2], ",")', 'TypeError: expected `str`, found `int`'],
    ['repeat("a", 1.5)', 'TypeError: expected `int`, found `float`'],
    ['chr("a")', 'TypeError: expected `int`, found `str`'],
    ['fmt("a", 1)', 'TypeError: expected `float`, found `str`'],
    ['contains(1, 2)', 'TypeError: `contains` needs a `str` or an array of `int`, `float`, `bool` or `str`, found `int`'],
    ['contains("abc", 1)', 'TypeError: expected `str`, found `int`'],
    ['words("a", "b")', 'TypeError: `words` takes 1 argument, found 2'],
    ['fn split(s: str) -> int { return 1 }', 'NameError: `split` is a built-in function'],
  ])('%s: %s', (code, expected) => {
    expect(error(code)).toBe(expected);
  });
});
