import type { Expr, Stmt } from '../kernel/engine/ast';
import { CompileError } from '../kernel/engine/errors';
import { parseCell } from '../kernel/engine/parser';
import { sexpr } from './support/sexpr';

const SPAN_KEYS = new Set(['span', 'nameSpan', 'calleeSpan', 'fieldSpan', 'varSpan', 'librarySpan']);

/** Removes spans, for structural comparison. */
function strip(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(strip);
  if (x && typeof x === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) if (!SPAN_KEYS.has(k)) out[k] = strip(v);
    return out;
  }
  return x;
}

/** A compact s-expression of an expression. */
const sx = (e: Expr): string => sexpr(e, { callPrefix: 'call ', promote: 'promote' });

function expr(src: string): string {
  const cell = parseCell(src);
  const s = cell.stmts[0] as Stmt & { kind: 'expr' };
  expect(s.kind).toBe('expr');
  return sx(s.expr);
}

function syntaxError(src: string): string {
  try {
    parseCell(src);
  } catch (e) {
    if (e instanceof CompileError) return `${e.kind} ${e.span.line}:${e.span.col} ${e.message}`;
    throw e;
  }
  throw new Error('no error');
}

describe('parser: expressions and precedence', () => {
  test('call/index/field bind tightest, then unary', () => {
    expect(expr('-f(x)[1].y')).toBe('(- (. (index (call f x) 1) y))');
    expect(expr('!a.b')).toBe('(! (. a b))');
    expect(expr('--x')).toBe('(- (- x))');
  });

  test('* / % over + -, left associative', () => {
    expect(expr('1 + 2 * 3 - 4 / 5 % 6')).toBe('(- (+ 1 (* 2 3)) (% (/ 4 5) 6))');
    expect(expr('a - b - c')).toBe('(- (- a b) c)');
    expect(expr('-a * b')).toBe('(* (- a) b)');
  });

  test('comparisons over && over ||', () => {
    expect(expr('a + 1 < b * 2 && c == d || !e')).toBe('(|| (&& (< (+ a 1) (* b 2)) (== c d)) (! e))');
    expect(expr('a || b && c')).toBe('(|| a (&& b c))');
    expect(expr('x != y')).toBe('(!= x y)');
    expect(expr('x <= y')).toBe('(<= x y)');
    expect(expr('x >= y')).toBe('(>= x y)');
    expect(expr('x > y')).toBe('(> x y)');
  });

  test('parentheses', () => {
    expect(expr('(1 + 2) * 3')).toBe('(* (+ 1 2) 3)');
  });

  test('literals', () => {
    expect(expr('[1, 2.5, "s", true, false]')).toBe('[1 2.5f "s" true false]');
    expect(expr('[]')).toBe('[]');
    expect(expr('[1, 2,]')).toBe('[1 2]');
    expect(expr('f()')).toBe('(call f)');
    expect(expr('f(1, g(2),)')).toBe('(call f 1 (call g 2))');
    expect(expr('-9223372036854775808')).toBe('-9223372036854775808');
    expect(expr('-5')).toBe('(- 5)');
  });

  test('struct literals, across lines, trailing comma', () => {
    expect(expr('Point { x: 1.0, y: 2.5 }')).toBe('(Point { x: 1f, y: 2.5f })');
    expect(expr('Point {\n  x: 1.0,\n  y: 2.0\n}')).toBe('(Point { x: 1f, y: 2f })');
    expect(expr('Point { x: 1.0, y: 2.0, }')).toBe('(Point { x: 1f, y: 2f })');
    expect(expr('Point {\n  x: 1.0;\n}')).toBe('(Point { x: 1f })');
    expect(expr('Line { a: Point { x: 1 }, b: p }.a.x')).toBe('(. (. (Line { a: (Point { x: 1 }), b: p }) a) x)');
  });

  test('multi-line calls and arrays', () => {
    expect(expr('f(1,\n  2\n)')).toBe('(call f 1 2)');
    expect(expr('[\n1,\n2\n]')).toBe('[1 2]');
    expect(expr('1 +\n 2')).toBe('(+ 1 2)');
  });

  test('spans cover the whole expression', () => {
    const cell = parseCell('let y = a + f(b, c)');
    const s = cell.stmts[0] as Stmt & { kind: 'let' };
    expect(s.span).toEqual({ line: 1, col: 1, endLine: 1, endCol: 20 });
    expect(s.nameSpan).toEqual({ line: 1, col: 5, endLine: 1, endCol: 6 });
    expect(s.init.span).toEqual({ line: 1, col: 9, endLine: 1, endCol: 20 });
    const call = (s.init as Expr & { kind: 'binary' }).right as Expr & { kind: 'call' };
    expect(call.calleeSpan).toEqual({ line: 1, col: 13, endLine: 1, endCol: 14 });
  });
});

describe('parser: statements', () => {
  test('let with and without annotation', () => {
    expect(strip(parseCell('let x = 10\nlet v: [float] = []').stmts)).toEqual([
      { kind: 'let', name: 'x', init: { kind: 'int', value: 10n } },
      { kind: 'let', name: 'v', annot: { kind: 'array', elem: { kind: 'named', name: 'float' } }, init: { kind: 'array', elems: [] } },
    ]);
  });

  test('assignments and compound assignments', () => {
    const stmts = parseCell('x = x + 1; x += 2\nx -= 1; x *= 2; x /= 3; x %= 4\nv[0] = 1.5; p.x = 2.0').stmts;
    expect(stmts.map((s) => (s.kind === 'assign' ? `${sx(s.target)} ${s.op} ${sx(s.value)}` : s.kind))).toEqual([
      'x = (+ x 1)', 'x += 2', 'x -= 1', 'x *= 2', 'x /= 3', 'x %= 4', '(index v 0) = 1.5f', '(. p x) = 2f',
    ]);
  });

  test('if / else if / else', () => {
    const [s] = parseCell('if c { a } else if d { b } else { e }').stmts;
    expect(strip(s)).toEqual({
      kind: 'if',
      cond: { kind: 'name', name: 'c' },
      then: { stmts: [{ kind: 'expr', expr: { kind: 'name', name: 'a' } }] },
      else: {
        stmts: [
          {
            kind: 'if',
            cond: { kind: 'name', name: 'd' },
            then: { stmts: [{ kind: 'expr', expr: { kind: 'name', name: 'b' } }] },
            else: { stmts: [{ kind: 'expr', expr: { kind: 'name', name: 'e' } }] },
          },
        ],
      },
    });
  });

  test('`else` on the line after `}` is accepted', () => {
    const [s] = parseCell('if c {\n a\n}\nelse {\n b\n}').stmts;
    expect(s.kind === 'if' && s.else !== undefined).toBe(true);
  });

  test('while, for range, for each, break, continue, return', () => {
    const cell = parseCell(
      'fn f(n: int) -> int {\n while c { break; continue }\n for i in 0..n + 1 { }\n for e in v { }\n return n * 2\n}\n' +
      'fn g() { return }',
    );
    const f = cell.items[0];
    expect(f.kind).toBe('fn');
    if (f.kind !== 'fn') return;
    const [w, r, fe, ret] = f.body.stmts;
    expect(strip(w)).toEqual({ kind: 'while', cond: { kind: 'name', name: 'c' }, body: { stmts: [{ kind: 'break' }, { kind: 'continue' }] } });
    expect(r.kind === 'for' && `${r.var} ${sx(r.start)} ${sx(r.end)}`).toBe('i 0 (+ n 1)');
    expect(fe.kind === 'foreach' && `${fe.var} ${sx(fe.iter)}`).toBe('e v');
    expect(ret.kind === 'return' && ret.value && sx(ret.value)).toBe('(* n 2)');
    const g = cell.items[1];
    expect(g.kind === 'fn' && strip(g.body.stmts)).toEqual([{ kind: 'return' }]);
  });

  test('the `{` of a header may be on the next line', () => {
    const cell = parseCell('fn f(n: int) -> int\n{\n  while n > 0\n  {\n    n -= 1\n  }\n  return n\n}\nstruct P\n{ x: int }\nif true\n{ }\nfor i in 0..3\n{ }');
    expect(cell.items.map((i) => i.kind)).toEqual(['fn', 'struct']);
    expect(cell.stmts.map((s) => s.kind)).toEqual(['if', 'for']);
  });

  test('a statement may follow a block `}` on the same line', () => {
    const cell = parseCell('fn f(n: int) -> int { if n < 2 { return n } return n * 2 }');
    const f = cell.items[0];
    expect(f.kind === 'fn' && f.body.stmts.map((s) => s.kind)).toEqual(['if', 'return']);
    expect(parseCell('while c { } x = 1').stmts.map((s) => s.kind)).toEqual(['while', 'assign']);
  });

  test('block statement and `;` separators; newline or `;` before `}`', () => {
    expect(parseCell('{ let a = 1; a; }\n;;x').stmts.map((s) => s.kind)).toEqual(['block', 'expr']);
  });

  test('a struct literal directly in a header is not a literal; in parentheses it is', () => {
    const [s] = parseCell('if x == P { }').stmts;
    expect(s.kind === 'if' && sx(s.cond)).toBe('(== x P)');
    expect(s.kind === 'if' && s.then.stmts.length).toBe(0);
    const [t] = parseCell('if x == (P { a: 1 }) { }').stmts;
    expect(t.kind === 'if' && sx(t.cond)).toBe('(== x (P { a: 1 }))');
    const [w] = parseCell('while f(P { a: 1 }) { }').stmts;
    expect(w.kind === 'while' && sx(w.cond)).toBe('(call f (P { a: 1 }))');
    const [fe] = parseCell('for e in v { }').stmts;
    expect(fe.kind).toBe('foreach');
  });
});

describe('parser: maps', () => {
  test('map literals: empty, entries, nested, across lines with a trailing comma', () => {
    expect(expr('({})')).toBe('{}');
    expect(expr('f({"a": 1, "b": x + 1})')).toBe('(call f {"a": 1, "b": (+ x 1)})');
    expect(expr('g({1: {true: [2]}})')).toBe('(call g {1: {true: [2]}})');
    const [s] = parseCell('let m = {\n  "a": 1,\n  "b": 2,\n}').stmts;
    expect(s.kind === 'let' && sx(s.init)).toBe('{"a": 1, "b": 2}');
    const [t] = parseCell('let m = {"a":\n  1\n  , "b": 2}').stmts;
    expect(t.kind === 'let' && sx(t.init)).toBe('{"a": 1, "b": 2}');
  });

  test('map types in annotations, parameters, returns and struct fields', () => {
    const [s] = parseCell('let m: {str: [int]} = {}').stmts;
    expect(strip(s)).toEqual({
      kind: 'let', name: 'm',
      annot: { kind: 'map', key: { kind: 'named', name: 'str' }, value: { kind: 'array', elem: { kind: 'named', name: 'int' } } },
      init: { kind: 'map', entries: [] },
    });
    const [f, st] = parseCell('fn f(m: {int: {str: P}}) -> {bool: float} { return {} }\nstruct S { m: {str: int} }').items;
    expect(f.kind === 'fn' && strip(f.params[0].type)).toEqual({
      kind: 'map', key: { kind: 'named', name: 'int' },
      value: { kind: 'map', key: { kind: 'named', name: 'str' }, value: { kind: 'named', name: 'P' } },
    });
    expect(f.kind === 'fn' && strip(f.ret)).toEqual({ kind: 'map', key: { kind: 'named', name: 'bool' }, value: { kind: 'named', name: 'float' } });
    expect(st.kind === 'struct' && st.fields[0].type.kind).toBe('map');
  });

  test('a `{` that starts a statement is a block, elsewhere a map literal', () => {
    expect(parseCell('{}').stmts.map((s) => s.kind)).toEqual(['block']);
    expect(parseCell('{ x }\nlet m = { }').stmts.map((s) => s.kind)).toEqual(['block', 'let']);
    const [a] = parseCell('m = {"k": {}}').stmts;
    expect(a.kind === 'assign' && sx(a.value)).toBe('{"k": {}}');
    const [r] = (parseCell('fn f() -> {str: int} { return {"a": 1} }').items[0] as { body: { stmts: Stmt[] } }).body.stmts;
    expect(r.kind === 'return' && r.value && sx(r.value)).toBe('{"a": 1}');
  });

  test('in an if/while/for header a map literal needs parentheses', () => {
    const [fe] = parseCell('for k in ({"a": 1}) { }').stmts;
    expect(fe.kind === 'foreach' && sx(fe.iter)).toBe('{"a": 1}');
    const [i] = parseCell('if has({"a": 1}, k) { }').stmts;
    expect(i.kind === 'if' && sx(i.cond)).toBe('(call has {"a": 1} k)');
    const hint = '(a map literal in an `if`/`while`/`for` header needs parentheses)';
    expect(syntaxError('for k in {"a": 1} { }')).toBe(`SyntaxError 1:10 expected an expression, found \`{\` ${hint}`);
    expect(syntaxError('while {} { }')).toBe(`SyntaxError 1:7 expected an expression, found \`{\` ${hint}`);
  });

  test('syntax errors in map literals and map types', () => {
    expect(syntaxError('let m = {"a" 1}')).toBe('SyntaxError 1:14 expected `:`, found `1`');
    expect(syntaxError('let m = {"a": 1 "b": 2}')).toBe('SyntaxError 1:17 expected `,` or `}`, found a string');
    expect(syntaxError('let m = {"a": 1')).toBe('SyntaxError 1:16 expected `,` or `}`, found end of input');
    expect(syntaxError('let m: {str} = {}')).toBe('SyntaxError 1:12 expected `:`, found `}`');
    expect(syntaxError('let m: {str: int = {}')).toBe('SyntaxError 1:18 expected `}`, found `=`');
  });
});

describe('parser: functions as values', () => {
  test('function types in annotations, parameters, returns, array and map elements, struct fields', () => {
    const [s] = parseCell('let f: fn(int, str) -> bool = g').stmts;
    expect(s.kind === 'let' && strip(s.annot)).toEqual({
      kind: 'fn', params: [{ kind: 'named', name: 'int' }, { kind: 'named', name: 'str' }], ret: { kind: 'named', name: 'bool' },
    });
    const [v] = parseCell('let v: fn(int) = g').stmts;
    expect(v.kind === 'let' && strip(v.annot)).toEqual({ kind: 'fn', params: [{ kind: 'named', name: 'int' }] });
    const [f, st] = parseCell('fn f(g: fn() -> [int], h: {str: fn(float)}) -> fn(int) -> fn() { return g }\nstruct S { op: fn(int, int) -> int }').items;
    expect(f.kind === 'fn' && strip(f.params[0].type)).toEqual({ kind: 'fn', params: [], ret: { kind: 'array', elem: { kind: 'named', name: 'int' } } });
    expect(f.kind === 'fn' && strip(f.params[1].type)).toEqual({
      kind: 'map', key: { kind: 'named', name: 'str' }, value: { kind: 'fn', params: [{ kind: 'named', name: 'float' }] },
    });
    expect(f.kind === 'fn' && strip(f.ret)).toEqual({
      kind: 'fn', params: [{ kind: 'named', name: 'int' }], ret: { kind: 'fn', params: [] },
    });
    expect(st.kind === 'struct' && st.fields[0].type.kind).toBe('fn');
    const [arr] = parseCell('let fs: [fn(int) -> int] = []').stmts;
    expect(arr.kind === 'let' && arr.annot?.kind === 'array' && arr.annot.elem.kind).toBe('fn');
  });

  test('anonymous functions are expressions, also at the start of a statement and across lines as arguments', () => {
    expect(expr('fn(x: int) -> int { return x * k }')).toBe('(fn (x) 1 stmts)');
    expect(expr('map(a, fn(x: int, y: str) {\n  print(x)\n  print(y)\n})')).toBe('(call map a (fn (x y) 2 stmts))');
    expect(expr('[fn() { }, fn() { }]')).toBe('[(fn () 0 stmts) (fn () 0 stmts)]');
    const [inner] = (parseCell('fn f() {\n  let g = fn() { }\n}').items[0] as { body: { stmts: Stmt[] } }).body.stmts;
    expect(inner.kind === 'let' && sx(inner.init)).toBe('(fn () 0 stmts)');
  });

  test('calls of any expression of a function type', () => {
    expect(expr('fs[0](2)')).toBe('(call (index fs 0) 2)');
    expect(expr('make(1)(2, 3)')).toBe('(call (call make 1) 2 3)');
    expect(expr('s.op(1)')).toBe('(call (. s op) 1)');
    expect(expr('(fn(x: int) -> int { return x })(3)')).toBe('(call (fn (x) 1 stmts) 3)');
  });

  test('syntax errors', () => {
    expect(syntaxError('let f: fn(int = g')).toBe('SyntaxError 1:15 expected `,` or `)`, found `=`');
    expect(syntaxError('let f = fn g() { }')).toBe('SyntaxError 1:12 expected `(` after `fn` (a function inside a block has no name), found `g`');
    expect(syntaxError('let f = fn(x) { }')).toBe('SyntaxError 1:13 expected `:`, found `)`');
    expect(syntaxError('let f: fn(void) = g')).toBe('SyntaxError 1:11 `void` is only allowed as a return type');
  });
});

describe('parser: items', () => {
  test('fn, struct, extern with doc comments; items and statements separated in order', () => {
    const cell = parseCell(
      '/// Doc comment shown by inspect.\nfn fib(n: int) -> int {\n    if n < 2 { return n }\n    return fib(n - 1) + fib(n - 2)\n}\n' +
      'let a = 1\n' +
      '/// A point.\nstruct Point { x: float, y: float }\n' +
      'extern fn cbrt(x: float) -> float      // any C symbol\n' +
      'print(a)\nfn hello() { }\n',
    );
    expect(cell.items.map((i) => `${i.kind} ${i.name}`)).toEqual(['fn fib', 'struct Point', 'extern cbrt', 'fn hello']);
    expect(cell.stmts.map((s) => s.kind)).toEqual(['let', 'expr']);
    const [fib, point, cbrt, hello] = cell.items;
    expect(fib.kind === 'fn' && fib.doc).toBe('Doc comment shown by inspect.');
    expect(fib.kind === 'fn' && strip(fib.params)).toEqual([{ name: 'n', type: { kind: 'named', name: 'int' } }]);
    expect(fib.kind === 'fn' && strip(fib.ret)).toEqual({ kind: 'named', name: 'int' });
    expect(fib.span).toEqual({ line: 2, col: 1, endLine: 5, endCol: 2 });
    expect(point.kind === 'struct' && point.doc).toBe('A point.');
    expect(strip(point)).toEqual({
      kind: 'struct', name: 'Point', doc: 'A point.',
      fields: [{ name: 'x', type: { kind: 'named', name: 'float' } }, { name: 'y', type: { kind: 'named', name: 'float' } }],
    });
    expect(strip(cbrt)).toEqual({
      kind: 'extern', name: 'cbrt', params: [{ name: 'x', type: { kind: 'named', name: 'float' } }], ret: { kind: 'named', name: 'float' },
    });
    expect(hello.kind === 'fn' && hello.ret).toBeUndefined();
  });

  test('extern with a library and a C name; null is a literal', () => {
    const [crc, cAbs] = parseCell('extern "libz.so.1" fn crc32(crc: u64, buf: str, len: u32) -> u64\nextern fn c_abs(x: i32) -> i32 = "abs"\n').items;
    expect(strip(crc)).toEqual({
      kind: 'extern', name: 'crc32', library: 'libz.so.1',
      params: [
        { name: 'crc', type: { kind: 'named', name: 'u64' } },
        { name: 'buf', type: { kind: 'named', name: 'str' } },
        { name: 'len', type: { kind: 'named', name: 'u32' } },
      ],
      ret: { kind: 'named', name: 'u64' },
    });
    expect(crc.kind === 'extern' && crc.librarySpan).toEqual({ line: 1, col: 8, endLine: 1, endCol: 19 });
    expect(strip(cAbs)).toEqual({
      kind: 'extern', name: 'c_abs', cName: 'abs', params: [{ name: 'x', type: { kind: 'named', name: 'i32' } }], ret: { kind: 'named', name: 'i32' },
    });
    const [both] = parseCell('extern "libc.so.6" fn c_strlen(s: ptr) -> u64 = "strlen"; print(1)').items;
    expect(both.kind === 'extern' && [both.library, both.cName]).toEqual(['libc.so.6', 'strlen']);
    expect(expr('p == null')).toBe('(== p null)');
    expect(expr('null')).toBe('null');
    expect(parseCell('let p = null\np').stmts.length).toBe(2);
    expect(syntaxError('extern fn f() = abs')).toBe("SyntaxError 1:17 expected the C symbol's name as a string after `=`, found `abs`");
    expect(syntaxError('extern "libz.so.1" crc32()')).toBe('SyntaxError 1:20 expected `fn` after `extern`, found `crc32`');
    expect(syntaxError('let null = 1')).toBe('SyntaxError 1:5 expected a variable name, found `null`');
  });

  test('multi-line struct declaration and nested array types', () => {
    const [s] = parseCell('struct Grid {\n  cells: [[int]],\n  name: str\n}').items;
    expect(strip(s)).toEqual({
      kind: 'struct', name: 'Grid',
      fields: [
        { name: 'cells', type: { kind: 'array', elem: { kind: 'array', elem: { kind: 'named', name: 'int' } } } },
        { name: 'name', type: { kind: 'named', name: 'str' } },
      ],
    });
  });

  test('multi-line parameter lists', () => {
    const [f] = parseCell('fn f(\n  a: int,\n  b: [str],\n) -> [float] {\n  return []\n}').items;
    expect(f.kind === 'fn' && f.params.map((p) => p.name)).toEqual(['a', 'b']);
  });
});

describe('parser: syntax errors', () => {
  test('messages and positions', () => {
    expect(syntaxError('fn f() {\n  let x = 1\n')).toBe('SyntaxError 3:1 expected `}`, found end of input');
    expect(syntaxError('f(1, )x')).toBe('SyntaxError 1:7 expected end of statement (a newline or `;`), found `x`');
    expect(syntaxError('let x = (1 + )')).toBe('SyntaxError 1:14 expected an expression, found `)`');
    expect(syntaxError('else { }')).toBe('SyntaxError 1:1 unexpected `else`');
    expect(syntaxError('x = 1\nelse { }')).toBe('SyntaxError 2:1 unexpected `else`');
    expect(syntaxError('let = 3')).toBe('SyntaxError 1:5 expected a variable name, found `=`');
    expect(syntaxError('let x 3')).toBe('SyntaxError 1:7 expected `=`, found `3`');
    expect(syntaxError('if x y')).toBe('SyntaxError 1:6 expected `{`, found `y`');
    expect(syntaxError('x = 1 2')).toBe('SyntaxError 1:7 expected end of statement (a newline or `;`), found `2`');
    expect(syntaxError('1 + 2 = 3')).toBe('SyntaxError 1:1 cannot assign to this expression');
    expect(syntaxError('f(1 2)')).toBe('SyntaxError 1:5 expected `,` or `)`, found `2`');
    expect(syntaxError('[1 2]')).toBe('SyntaxError 1:4 expected `,` or `]`, found `2`');
    expect(syntaxError('P { x 1 }')).toBe('SyntaxError 1:7 expected `:`, found `1`');
    expect(syntaxError('P { x: 1 y: 2 }')).toBe('SyntaxError 1:10 expected `,` or `}`, found `y`');
    expect(syntaxError('fn f() { fn g() { } }')).toBe('SyntaxError 1:10 `fn` is only allowed at the top level of a cell');
    expect(syntaxError('if x { struct P { } }')).toBe('SyntaxError 1:8 `struct` is only allowed at the top level of a cell');
    expect(syntaxError('extern fn f() { }')).toBe('SyntaxError 1:15 an `extern fn` has no body');
    expect(syntaxError('let x = a < b < c')).toBe('SyntaxError 1:15 comparison operators cannot be chained; use `&&` (found `<`)');
    expect(syntaxError('let r = 0..10')).toBe('SyntaxError 1:10 `..` is only allowed in a `for` header (`for i in a..b`)');
    expect(syntaxError('let x: = 1')).toBe('SyntaxError 1:8 expected a type, found `=`');
    expect(syntaxError('fn f(x) { }')).toBe('SyntaxError 1:7 expected `:`, found `)`');
    expect(syntaxError('}')).toBe('SyntaxError 1:1 unexpected `}`');
    expect(syntaxError('let x = 1 +')).toBe('SyntaxError 1:12 expected an expression, found end of input');
    expect(syntaxError('for i 0..3 { }')).toBe('SyntaxError 1:7 expected `in`, found `0`');
    expect(syntaxError('let x = 9223372036854775808')).toBe('SyntaxError 1:9 integer literal `9223372036854775808` is out of range for `int`');
    expect(syntaxError('let v: void = 1')).toBe('SyntaxError 1:8 `void` is only allowed as a return type');
  });

  test('lexer errors surface as SyntaxError', () => {
    expect(syntaxError('let s = "a\\qb"')).toBe('SyntaxError 1:11 unknown escape `\\q` in string');
  });
});
