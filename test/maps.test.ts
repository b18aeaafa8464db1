// Maps `{K: V}` end to end (LANGUAGE.md "Additions in 0.2" → "Maps"): literals,
// m[k], has/get/remove/len/keys/values, for-in, errors, formatting, session rules.
import { TestSession } from './support/engine';

describe('maps: operations', () => {
  let k: TestSession;
  beforeAll(() => {
    k = new TestSession();
  });

  test('literals and their formats', () => {
    expect(k.ok('let m = {"a": 1, "b": 2}\nm')).toBe('{"a": 1, "b": 2}');
    expect(k.ok('let ints = {3: "c", -1: "a\\nb"}\nints')).toBe('{3: "c", -1: "a\\nb"}');
    expect(k.ok('let flags = {true: 1.5, false: 2}\nflags')).toBe('{true: 1.5, false: 2.0}');
    expect(k.ok('let e: {str: int} = {}\ne')).toBe('{}');
    expect(k.ok('let multi = {\n  "x": [1, 2],\n  "y": [],\n}\nmulti')).toBe('{"x": [1, 2], "y": []}');
    expect(k.ok('let dup = {"k": 1, "j": 2, "k": 3}\ndup')).toBe('{"k": 3, "j": 2}');
  });

  test('int values are promoted where V is float', () => {
    expect(k.ok('let f: {str: float} = {"a": 1}\nf["b"] = 2\nf["a"] += 1\nf')).toBe('{"a": 2.0, "b": 2.0}');
    expect(k.ok('get(f, "zz", 7)')).toBe('7.0');
  });

  test('m[k] reads; m[k] = v inserts at the end or replaces in place', () => {
    expect(k.ok('let m = {"a": 1, "b": 2}\nm["c"] = 3\nm["a"] = 10\nm["b"] += 5\nm')).toBe('{"a": 10, "b": 7, "c": 3}');
    expect(k.ok('m["b"] * 2')).toBe('14');
  });

  test('a missing key is a KeyError showing the key in its text/plain format', () => {
    k.ok('let m = {"a": 1}\nlet n = {1: "x"}\nlet b = {true: 0}');
    const str = k.run('m["zz"]');
    expect(str.error).toBe('KeyError: "zz"');
    expect(str.outcome.status === 'error' && str.outcome.traceback).toEqual([
      'Traceback (most recent call last):',
      expect.stringMatching(/^ {2}cell \d+, line 1, in <cell>$/),
      'KeyError: "zz"',
    ]);
    expect(k.run('n[42]').error).toBe('KeyError: 42');
    expect(k.run('print(n[-7])').error).toBe('KeyError: -7');
    expect(k.run('b[false]').error).toBe('KeyError: false');
    expect(k.run('m["tab\\there"] += 1').error).toBe('KeyError: "tab\\there"');
    expect(k.run('remove(m, "gone")').error).toBe('KeyError: "gone"');
    expect(k.run('fn f(m: {int: str}) -> str { return m[5] }\nf(n)').outcome).toMatchObject({
      traceback: ['Traceback (most recent call last):', expect.stringMatching(/in <cell>$/), expect.stringMatching(/line 1, in f$/), 'KeyError: 5'],
    });
    expect(k.ok('m')).toBe('{"a": 1}');
  });

  test('has, get, remove, len, keys, values', () => {
    k.ok('let m = {"x": 1, "y": 2, "z": 3}');
    expect(k.ok('has(m, "y")')).toBe('true');
    expect(k.ok('has(m, "w")')).toBe('false');
    expect(k.ok('get(m, "y", 0)')).toBe('2');
    expect(k.ok('get(m, "w", -1)')).toBe('-1');
    expect(k.ok('len(m)')).toBe('3');
    expect(k.ok('remove(m, "y")\nlen(m)')).toBe('2');
    expect(k.ok('keys(m)')).toBe('["x", "z"]');
    expect(k.ok('values(m)')).toBe('[1, 3]');
    expect(k.ok('keys({5: true, 2: false, 9: true})')).toBe('[5, 2, 9]');
    expect(k.ok('values({"p": [1.5], "q": []})')).toBe('[[1.5], []]');
    // keys and values are new arrays: changing them leaves the map alone
    expect(k.ok('let ks = keys(m)\npush(ks, "new")\nlet vs = values(m)\nvs[0] = 100\nprint(ks, vs)\nm')).toBe('{"x": 1, "z": 3}');
  });

  test('insertion order after replace, remove and re-insert', () => {
    k.ok('let o: {str: int} = {}\nfor i in 0..5 { o[str(i)] = i }');
    expect(k.ok('o["2"] = 20\nremove(o, "0")\nremove(o, "3")\no["0"] = 0\no')).toBe('{"1": 1, "2": 20, "4": 4, "0": 0}');
    expect(k.ok('keys(o)')).toBe('["1", "2", "4", "0"]');
  });

  test('reference semantics, like arrays', () => {
    expect(k.ok('let a = {1: 1}\nlet b = a\nb[2] = 2\na')).toBe('{1: 1, 2: 2}');
    expect(k.ok('fn add(m: {int: int}, key: int) { m[key] = key * key }\nadd(a, 3)\na')).toBe('{1: 1, 2: 2, 3: 9}');
    expect(k.ok('fn fresh() -> {str: bool} { return {} }\nlet x = fresh()\nlet y = fresh()\nx["k"] = true\nlen(y)')).toBe('0');
  });

  test('nested maps, maps of arrays, maps of structs', () => {
    k.ok('let counts: {str: {str: int}} = {}');
    k.ok(`let pairs = [["a", "x"], ["b", "y"], ["a", "x"], ["a", "z"]]
for p in pairs {
    if !has(counts, p[0]) { counts[p[0]] = {} }
    counts[p[0]][p[1]] = get(counts[p[0]], p[1], 0) + 1
}`);
    expect(k.ok('counts')).toBe('{"a": {"x": 2, "z": 1}, "b": {"y": 1}}');
    expect(k.ok('let groups: {int: [str]} = {}\nfor w in ["aa", "b", "cc", "d", "eee"] {\n  if !has(groups, len(w)) { groups[len(w)] = [] }\n  push(groups[len(w)], w)\n}\ngroups'))
      .toBe('{2: ["aa", "cc"], 1: ["b", "d"], 3: ["eee"]}');
    k.ok('struct Point { x: float, y: float }');
    expect(k.ok('let pts = {"o": Point { x: 0.0, y: 0.0 }, "p": Point { x: 1.0, y: 2.0 }}\npts["o"].x = 5\npts'))
      .toBe('{"o": Point { x: 5.0, y: 0.0 }, "p": Point { x: 1.0, y: 2.0 }}');
    expect(k.ok('struct Inventory { name: str, stock: {str: int} }\nlet inv = Inventory { name: "shop", stock: {"apple": 3} }\ninv.stock["pear"] = 1\ninv'))
      .toBe('Inventory { name: "shop", stock: {"apple": 3, "pear": 1} }');
    expect(k.ok('let grid = [{1: 1}, {}]\ngrid[1][2] = 4\ngrid')).toBe('[{1: 1}, {2: 4}]');
  });

  test('print and str use the same format; print writes str keys and values quoted inside a map', () => {
    expect(k.run('print({"a": "x"}, {1: 2})').stdout).toBe('{"a": "x"} {1: 2}\n');
    expect(k.ok('str({"a": 1.0}) + "!"')).toBe('"{\\"a\\": 1.0}!"');
  });
});

describe('maps: for k in m', () => {
  let k: TestSession;
  beforeAll(() => {
    k = new TestSession();
    k.ok('let m = {"c": 3, "a": 1, "b": 2}');
  });

  test('visits the keys in insertion order; break and continue', () => {
    expect(k.run('for key in m { print(key, m[key]) }').stdout).toBe('c 3\na 1\nb 2\n');
    expect(k.run('for key in m { if key == "a" { continue }\n print(key) }').stdout).toBe('c\nb\n');
    expect(k.run('for key in m { if key == "a" { break }\n print(key) }').stdout).toBe('c\n');
    expect(k.run('let e: {int: int} = {}\nfor key in e { print(key) }\nprint("none")').stdout).toBe('none\n');
    expect(k.run('for key in ({2: 0, 1: 0}) { print(key * 10) }').stdout).toBe('20\n10\n');
  });

  test('skips removed keys; nested loops over the same map', () => {
    expect(k.run('let r = {1: 0, 2: 0, 3: 0, 4: 0}\nremove(r, 1)\nremove(r, 3)\nfor key in r { print(key) }').stdout).toBe('2\n4\n');
    expect(k.run('for a in r { for b in r { print(a, b) } }').stdout).toBe('2 2\n2 4\n4 2\n4 4\n');
  });

  test('replacing the value of an existing key inside the loop is fine', () => {
    expect(k.ok('for key in m { m[key] = m[key] * 10 }\nm')).toBe('{"c": 30, "a": 10, "b": 20}');
  });

  test('adding or removing a key inside the loop is a RuntimeError', () => {
    const add = k.run('for key in m { print(key)\n m[key + "!"] = 0 }');
    expect(add.error).toBe('RuntimeError: map changed size during iteration');
    expect(add.stdout).toBe('c\n');
    expect(add.outcome.status === 'error' && add.outcome.traceback[add.outcome.traceback.length - 1]).toBe('RuntimeError: map changed size during iteration');
    expect(k.ok('m')).toBe('{"c": 30, "a": 10, "b": 20, "c!": 0}');
    expect(k.run('for key in m { remove(m, "a") }').error).toBe('RuntimeError: map changed size during iteration');
    // removing then re-adding keeps the size but is still a change
    expect(k.run('for key in m { remove(m, "b")\n m["b"] = 1 }').error).toBe('RuntimeError: map changed size during iteration');
    // a change in the last iteration is caught too; a change just before `break` is not
    expect(k.run('let one = {1: 1}\nfor key in one { one[2] = 2 }').error).toBe('RuntimeError: map changed size during iteration');
    expect(k.run('let two = {1: 1}\nfor key in two { two[2] = 2\n break }\ntwo').result).toBe('{1: 1, 2: 2}');
    // a change made by a called function counts
    expect(k.run('fn grow(g: {int: int}) { g[len(g) + 100] = 0 }\nlet three = {1: 1, 2: 2}\nfor key in three { grow(three) }').error)
      .toBe('RuntimeError: map changed size during iteration');
  });

  test('assigning another map to the variable inside the loop does not change what the loop visits', () => {
    expect(k.run('let v = {1: "a", 2: "b"}\nfor key in v { v = {9: "z"}\n print(key) }\nv').stdout).toBe('1\n2\n');
    expect(k.ok('v')).toBe('{9: "z"}');
  });
});

describe('maps: formats of big and self-containing maps', () => {
  let k: TestSession;
  beforeAll(() => {
    k = new TestSession();
  });

  test('more than 100 entries: the first 50, `...`, the last 50, then the length', () => {
    const text = k.ok('let big: {int: int} = {}\nfor i in 0..150 { big[i] = -i }\nbig');
    const entry = (i: number) => `${i}: ${-i}`;
    const head = Array.from({ length: 50 }, (_, i) => entry(i)).join(', ');
    const tail = Array.from({ length: 50 }, (_, i) => entry(i + 100)).join(', ');
    expect(text).toBe(`{${head}, ..., ${tail}} (len 150)`);
    // exactly 100: all shown
    k.ok('for i in 100..150 { remove(big, i) }');
    expect(k.run('print(big)').stdout).toBe(`{${Array.from({ length: 100 }, (_, i) => entry(i)).join(', ')}}\n`);
    // removed entries are neither shown nor counted: keys 5..99 then 200..205, 101 entries
    k.ok('for i in 0..5 { remove(big, i) }\nfor i in 200..206 { big[i] = i }');
    const live = [...Array.from({ length: 95 }, (_, i) => entry(i + 5)), ...Array.from({ length: 6 }, (_, i) => `${200 + i}: ${200 + i}`)];
    expect(k.ok('big')).toBe(`{${live.slice(0, 50).join(', ')}, ..., ${live.slice(51).join(', ')}} (len 101)`);
  });

  test('a map that contains itself prints `...` where it recurs', () => {
    k.ok('struct Node { name: str, kids: {str: Node} }\nlet root = Node { name: "root", kids: {} }\nroot.kids["self"] = root');
    expect(k.ok('root')).toBe('Node { name: "root", kids: {"self": ...} }');
    expect(k.run('print(root.kids)').stdout).toBe('{"self": Node { name: "root", kids: ... }}\n');
  });
});

describe('maps: growth and removal at scale', () => {
  test('200,000 entries: inserts, lookups, removal of half, re-insertion at the end', () => {
    const k = new TestSession();
    k.ok('let big: {int: int} = {}\nfor i in 0..200000 { big[i * 7] = i }');
    expect(k.ok('len(big)')).toBe('200000');
    expect(k.ok('let total = 0\nfor i in 0..200000 { total += big[i * 7] }\ntotal')).toBe('19999900000');
    expect(k.ok('for i in 0..100000 { remove(big, i * 14) }\nlen(big)')).toBe('100000');
    expect(k.ok('let found = 0\nfor i in 0..200000 { if has(big, i * 7) { found += 1 } }\nfound')).toBe('100000');
    expect(k.ok('keys(big)[0]')).toBe('7');
    expect(k.ok('big[1399993]')).toBe('199999');
    expect(k.ok('for i in 0..3 { big[i * 14] = -1 }\nlet ks = keys(big)\nprint(len(ks), ks[99999], ks[100000], ks[100002])')).toBe('100003 1399993 0 28\n');
    // iteration visits every live key once, in order
    expect(k.ok('let seen = 0\nlet last = -1\nlet ordered = true\nfor key in big { seen += 1\n if key < last && key != 0 && key != 14 && key != 28 { ordered = false }\n last = key }\nprint(seen, ordered)')).toBe('100003 true\n');
    expect(k.ok('let words: {str: int} = {}\nfor i in 0..200000 { words["w" + str(i)] = i }\nfor i in 0..200000 { if i % 3 != 0 { remove(words, "w" + str(i)) } }\nprint(len(words), words["w199998"], has(words, "w199999"))')).toBe('66667 199998 false\n');
  });
});

describe('maps: the session', () => {
  let k: TestSession;
  beforeAll(() => {
    k = new TestSession();
  });

  test('a global map survives across cells; functions see it', () => {
    k.ok('let ages = {"ann": 31}');
    k.ok('ages["bob"] = 27');
    k.ok('fn age(name: str) -> int { return get(ages, name, -1) }');
    expect(k.ok('print(age("bob"), age("cy"))')).toBe('27 -1\n');
  });

  test('redefinition: the same map type reassigns; a different map type makes a new global', () => {
    k.ok('let ages = {"cy": 40}');
    expect(k.ok('age("cy")')).toBe('40');
    k.ok('let ages = {1: "one"}');
    expect(k.ok('ages')).toBe('{1: "one"}');
    expect(k.ok('age("cy")')).toBe('40'); // compiled earlier: keeps the old global
  });

  test('a failed compile changes nothing', () => {
    const bad = k.run('let ages = {"new": 1}\nlet broken: {float: int} = {}');
    expect(bad.error).toBe('TypeError: a map key must be `int`, `str` or `bool`, found `float`');
    expect(k.ok('ages')).toBe('{1: "one"}');
    expect(k.run('let nope = {}').error).toBe('TypeError: cannot infer the type of an empty map `{}`; add a type annotation, e.g. `let m: {str: int} = {}`');
    expect(k.run('nope').error).toMatch(/^NameError: unknown name `nope`/);
  });

  test('a map global read by a function before its let has run is a NameError', () => {
    expect(k.run('fn early() -> int { return len(later) }\nprint(early())\nlet later = {1: 1}').error)
      .toBe('NameError: global `later` is used before its `let` has run');
  });

  test('a `{` that starts a statement is a block', () => {
    expect(k.run('{ let inner = 5\n print(inner) }').stdout).toBe('5\n');
    expect(k.run('if has({"a": 1}, "a") { print("yes") }').stdout).toBe('yes\n');
  });

  // Last: a second session takes over the addon's host callback from `k`.
  test('%who shows map types', () => {
    const t = new TestSession();
    t.ok('struct P { x: int }\nlet index: {str: [P]} = {}\nfn lookup(m: {int: bool}, k: int) -> bool { return get(m, k, false) }');
    const who = t.run('%who');
    expect(who.outputs).toEqual([{ type: 'display', data: { 'text/plain': 'let index: {str: [P]}\nfn lookup(m: {int: bool}, k: int) -> bool\nstruct P { x: int }' } }]);
  });
});
