// The array built-ins of LANGUAGE.md 0.2 "More on arrays" (all but map, filter and
// sort_by), end to end through the engine, and the compile-time errors for element types
// they do not take.
import { TestSession } from './support/engine';

let k: TestSession;
beforeAll(() => {
  k = new TestSession();
});

function error(code: string): string | undefined {
  return k.run(code).error;
}

describe('sort (in place, ascending, stable)', () => {
  test.each([
    ['let a = [3, -1, 2, 0, -9223372036854775807 - 1]\nsort(a)\na', '[-9223372036854775808, -1, 0, 2, 3]'],
    ['let a = [2.0, 0.0 / 0.0, -1.5, 1.0 / 0.0, 0.5, -1.0 / 0.0]\nsort(a)\na', '[-inf, -1.5, 0.5, 2.0, inf, nan]'],
    ['let a = [0.0 / 0.0, 1.0, 0.0 / 0.0, 0.0]\nsort(a)\na', '[0.0, 1.0, nan, nan]'],
    // equal floats keep their order: stable
    ['let a = [0.0, -0.0, 1.0, -0.0]\nsort(a)\na', '[0.0, -0.0, -0.0, 1.0]'],
    ['let a = ["b", "a", "B", "é", "", "ab"]\nsort(a)\na', '["", "B", "a", "ab", "b", "é"]'],
    ['let e: [int] = []\nsort(e)\ne', '[]'],
  ])('%s → %s', (code, expected) => {
    expect(k.ok(code)).toBe(expected);
  });

  test('100,000 ints and 20,000 strs come out in order', () => {
    const ordered = (elem: string) =>
      `let ok = true\nfor i in 1..len(v) { if v[i - 1] > v[i] { ok = false } }\nprint(len(v), ok, v[0] <= v[len(v) - 1], ${elem})`;
    expect(k.ok(`let v: [int] = []\nfor i in 0..100000 { push(v, (i * 7919) % 100003) }\nsort(v)\n${ordered('v[0]')}`)).toBe(
      '100000 true true 0\n',
    );
    expect(k.ok(`let v: [str] = []\nfor i in 0..20000 { push(v, str((i * 7919) % 20011)) }\nsort(v)\n${ordered('v[0]')}`)).toBe(
      '20000 true true 0\n',
    );
  });
});

describe('reverse, slice, insert, remove_at', () => {
  test.each([
    ['let a = [1, 2, 3]\nreverse(a)\na', '[3, 2, 1]'],
    ['let a = ["x"]\nreverse(a)\na', '["x"]'],
    ['let e: [str] = []\nreverse(e)\ne', '[]'],
    ['slice([1, 2, 3, 4], 1, 3)', '[2, 3]'],
    ['slice([1, 2, 3, 4], 0, 4)', '[1, 2, 3, 4]'],
    ['slice([1, 2, 3, 4], 4, 4)', '[]'],
    ['slice(["a", "b", "c"], 1, 2)', '["b"]'],
    ['let e: [float] = slice([], 0, 0)\ne', '[]'],
    ['let a = [1, 2, 3]\nlet b = slice(a, 0, 2)\nb[0] = 9\nprint(a, b)', '[1, 2, 3] [9, 2]\n'],
    ['let a = [1, 2, 3]\ninsert(a, 0, 0)\ninsert(a, 4, 4)\ninsert(a, 2, 9)\na', '[0, 1, 9, 2, 3, 4]'],
    ['let f = [1.5]\ninsert(f, 0, 2)\nf', '[2.0, 1.5]'],
    ['let e: [str] = []\ninsert(e, 0, "x")\ne', '["x"]'],
    ['let a = [10, 20, 30]\nprint(remove_at(a, 1), a)\nprint(remove_at(a, 1), a)\nprint(remove_at(a, 0), a)', '20 [10, 30]\n30 [10]\n10 []\n'],
    ['let s = ["a", "b"]\nlet r = remove_at(s, 0)\nprint(r, s)', 'a ["b"]\n'],
  ])('%s → %s', (code, expected) => {
    expect(k.ok(code)).toBe(expected);
  });

  test('1,000 inserts at the front grow the array', () => {
    expect(k.ok('let a: [int] = []\nfor i in 0..1000 { insert(a, 0, i) }\nprint(len(a), a[0], a[999])')).toBe('1000 999 0\n');
  });

  test.each([
    ['slice([1, 2, 3, 4], 2, 1)', 'IndexError: slice 2..1 out of range for length 4'],
    ['slice([1, 2, 3, 4], -1, 2)', 'IndexError: slice -1..2 out of range for length 4'],
    ['slice([1, 2, 3, 4], 0, 5)', 'IndexError: slice 0..5 out of range for length 4'],
    ['slice([1, 2, 3, 4], 5, 5)', 'IndexError: slice 5..5 out of range for length 4'],
    ['insert([1, 2, 3], 4, 0)', 'IndexError: insert index 4 out of range for length 3'],
    ['insert([1, 2, 3], -1, 0)', 'IndexError: insert index -1 out of range for length 3'],
    ['remove_at([1, 2, 3], 3)', 'IndexError: index 3 out of range for length 3'],
    ['remove_at([1, 2, 3], -1)', 'IndexError: index -1 out of range for length 3'],
    ['let e: [int] = []\nremove_at(e, 0)', 'IndexError: index 0 out of range for length 0'],
  ])('%s fails: %s', (code, expected) => {
    expect(error(code)).toBe(expected);
  });
});

describe('contains and index_of (by ==)', () => {
  test.each([
    ['index_of([5, 7, 7], 7)', '1'],
    ['index_of([5, 7, 7], 8)', '-1'],
    ['contains([5, 7], 7)', 'true'],
    ['contains([5, 7], 6)', 'false'],
    ['index_of([1.0, 2.0], 2)', '1'],
    ['index_of([-0.0], 0.0)', '0'],
    ['index_of([0.0 / 0.0], 0.0 / 0.0)', '-1'],
    ['index_of([true, false], false)', '1'],
    ['contains([true], false)', 'false'],
    ['index_of(["a", "b", "b"], "b")', '1'],
    ['index_of(["a", "é"], "é")', '1'],
    ['contains(["a"], "")', 'false'],
    ['contains(["ab"], "a")', 'false'],
    ['let e: [str] = []\ncontains(e, "a")', 'false'],
  ])('%s → %s', (code, expected) => {
    expect(k.ok(code)).toBe(expected);
  });
});

describe('sum, min_of, max_of', () => {
  test.each([
    ['sum([1, 2, 3])', '6'],
    ['let e: [int] = []\nsum(e)', '0'],
    ['let e: [float] = []\nsum(e)', '0.0'],
    ['sum([0.1, 0.2, 0.3])', '0.6000000000000001'], // left to right, as a loop of +=
    ['sum([9223372036854775807, 1])', '-9223372036854775808'], // wraps, as int + does
    ['sum([1, 2.5])', '3.5'],
    ['min_of([3, 1, 2])', '1'],
    ['max_of([3, 1, 2])', '3'],
    ['min_of([2.5, -1.0, 4.0])', '-1.0'],
    ['max_of([2.5, -1.0, 4.0])', '4.0'],
    ['max_of([1.0, 0.0 / 0.0, 2.0])', 'nan'],
    ['min_of([0.0 / 0.0, 1.0])', 'nan'],
    ['max_of([-1.0 / 0.0])', '-inf'],
  ])('%s → %s', (code, expected) => {
    expect(k.ok(code)).toBe(expected);
  });

  test('min_of and max_of of an empty array are ValueErrors', () => {
    expect(error('let e: [int] = []\nmin_of(e)')).toBe('ValueError: min_of() arg is an empty array');
    expect(error('let e: [float] = []\nmax_of(e)')).toBe('ValueError: max_of() arg is an empty array');
  });
});

describe('type errors at compile time', () => {
  test.each([
    ['sort([true, false])', 'TypeError: `sort` needs an array of `int`, `float` or `str`, found `[bool]`'],
    ['struct P { x: int }\nsort([P { x: 1 }])', 'TypeError: `sort` needs an array of `int`, `float` or `str`, found `[P]`'],
    ['sort([[1]])', 'TypeError: `sort` needs an array of `int`, `float` or `str`, found `[[int]]`'],
    ['sort(1)', 'TypeError: `sort` needs an array of `int`, `float` or `str`, found `int`'],
    ['reverse("abc")', 'TypeError: `reverse` needs an array, found `str`'],
    ['sum(["a"])', 'TypeError: `sum` needs an array of `int` or `float`, found `[str]`'],
    ['min_of([true])', 'TypeError: `min_of` needs an array of `int` or `float`, found `[bool]`'],
    ['max_of(1.5)', 'TypeError: `max_of` needs an array of `int` or `float`, found `float`'],
    ['index_of([[1]], [1])', 'TypeError: `index_of` needs an array of `int`, `float`, `bool` or `str`, found `[[int]]`'],
    ['struct Q { x: int }\ncontains([Q { x: 1 }], Q { x: 1 })',
      'TypeError: `contains` needs a `str` or an array of `int`, `float`, `bool` or `str`, found `[Q]`'],
    ['index_of([1], 1.5)', 'TypeError: expected `int`, found `float`'],
    ['contains([1], "a")', 'TypeError: expected `int`, found `str`'],
    ['insert([1], 0, "a")', 'TypeError: expected `int`, found `str`'],
    ['insert([1], 0.5, 1)', 'TypeError: expected `int`, found `float`'],
    ['slice([1], 0, "1")', 'TypeError: expected `int`, found `str`'],
    ['remove_at([1])', 'TypeError: `remove_at` takes 2 arguments, found 1'],
    ['let x = sort([1])', 'TypeError: cannot use a `void` value: `sort` does not return a value'],
    ['fn sort(a: [int]) { }', 'NameError: `sort` is a built-in function'],
  ])('%s: %s', (code, expected) => {
    expect(error(code)).toBe(expected);
  });

  test('the caret points at the offending argument', () => {
    const r = k.run('let flags = [true]\nsort(flags)');
    expect(r.outcome.status === 'error' && r.outcome.traceback.slice(1, 3)).toEqual(['    sort(flags)', '         ^^^^^']);
  });
});
