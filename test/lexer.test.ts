import { LexError, Token, tokenize } from '../kernel/engine/lexer';

/** Compact form: kinds and texts, newlines as `⏎`. */
function toks(src: string): string[] {
  return tokenize(src)
    .filter((t) => t.kind !== 'eof')
    .map((t) => (t.kind === 'newline' ? '⏎' : t.text));
}

function lexError(src: string): { message: string; line: number; col: number; unterminated: boolean } {
  try {
    tokenize(src);
  } catch (e) {
    if (e instanceof LexError) return { message: e.message, line: e.span.line, col: e.span.col, unterminated: e.unterminated };
    throw e;
  }
  throw new Error('no error');
}

describe('lexer: tokens', () => {
  test('identifiers and keywords', () => {
    const ts = tokenize('fn let struct extern if else while for in return break continue true false foo _x a1_B');
    const kinds = ts.filter((t) => t.kind !== 'eof' && t.kind !== 'newline').map((t) => `${t.kind}:${t.text}`);
    expect(kinds).toEqual([
      'kw:fn', 'kw:let', 'kw:struct', 'kw:extern', 'kw:if', 'kw:else', 'kw:while', 'kw:for', 'kw:in',
      'kw:return', 'kw:break', 'kw:continue', 'kw:true', 'kw:false', 'ident:foo', 'ident:_x', 'ident:a1_B',
    ]);
  });

  test('operators, longest match', () => {
    expect(toks('a==b!=c<=d>=e&&f||g+=1-=2*=3/=4%=5..6->x.y')).toEqual([
      'a', '==', 'b', '!=', 'c', '<=', 'd', '>=', 'e', '&&', 'f', '||', 'g', '+=', '1', '-=', '2', '*=', '3',
      '/=', '4', '%=', '5', '..', '6', '->', 'x', '.', 'y',
    ]);
    expect(toks('(a+b-c*d/e%f<g>h!i=j)[k]{l},:;')).toEqual([
      '(', 'a', '+', 'b', '-', 'c', '*', 'd', '/', 'e', '%', 'f', '<', 'g', '>', 'h', '!', 'i', '=', 'j', ')',
      '[', 'k', ']', '{', 'l', '}', ',', ':', ';',
    ]);
  });

  test('integer literals are bigints', () => {
    const ints = tokenize('42 1_000_000 0xff 0b1010 0 9223372036854775807').filter((t) => t.kind === 'int');
    expect(ints.map((t) => t.intValue)).toEqual([42n, 1000000n, 255n, 10n, 0n, 9223372036854775807n]);
    expect(ints.map((t) => t.text)).toEqual(['42', '1_000_000', '0xff', '0b1010', '0', '9223372036854775807']);
  });

  test('float literals', () => {
    const fs = tokenize('1.5 2.0e-3 1e9 3E+2 0.1').filter((t) => t.kind === 'float');
    expect(fs.map((t) => t.floatValue)).toEqual([1.5, 0.002, 1e9, 300, 0.1]);
  });

  test('a range is not a float: 0..10', () => {
    expect(toks('0..10')).toEqual(['0', '..', '10']);
    expect(tokenize('0..10')[0].kind).toBe('int');
  });

  test('out of range integer literals', () => {
    expect(lexError('let x = 9223372036854775809')).toEqual({
      message: 'integer literal `9223372036854775809` is out of range for `int`', line: 1, col: 9, unterminated: false,
    });
    expect(lexError('0x8000000000000000').message).toBe('integer literal `0x8000000000000000` is out of range for `int`');
    expect(lexError('12abc').message).toBe('invalid number literal `12abc`');
    expect(lexError('0xfg').message).toBe('invalid hexadecimal literal `0xfg`');
    expect(lexError('0b102').message).toBe('invalid binary literal `0b102`');
  });

  test('strings and escapes', () => {
    const [t] = tokenize('"a\\n\\t\\r\\\\\\"\\0\\u{1F600}é"');
    expect(t.kind).toBe('str');
    expect(t.strValue).toBe('a\n\t\r\\"\0😀é');
  });

  test('string errors', () => {
    expect(lexError('let s = "ab\\q"')).toEqual({ message: 'unknown escape `\\q` in string', line: 1, col: 12, unterminated: false });
    expect(lexError('let s = "abc')).toEqual({ message: 'unterminated string', line: 1, col: 9, unterminated: true });
    expect(lexError('"\\u{110000}"').message).toBe('invalid unicode escape: `\\u{110000}` is not a Unicode scalar value');
    expect(lexError('"\\u1234"').message).toBe('invalid unicode escape: expected `\\u{...}`');
    expect(lexError('"\\u{}"').message).toBe('invalid unicode escape: expected `\\u{...}` with 1 to 6 hex digits');
  });

  test('a string may span lines', () => {
    const [t] = tokenize('"a\nb"');
    expect(t.strValue).toBe('a\nb');
  });

  test('unexpected character', () => {
    expect(lexError('let x = 1\nx @ 2')).toEqual({ message: 'unexpected character `@`', line: 2, col: 3, unterminated: false });
  });

  test('comments are skipped', () => {
    expect(toks('x // comment\ny')).toEqual(['x', '⏎', 'y']);
    expect(toks('x / y // a / b')).toEqual(['x', '/', 'y']);
  });
});

describe('lexer: spans', () => {
  test('1-based lines and columns in code points, endCol exclusive', () => {
    const ts = tokenize('let s = "😀é"\n  foo');
    const spans = ts.map((t: Token) => [t.kind === 'newline' ? '⏎' : t.text, t.span.line, t.span.col, t.span.endLine, t.span.endCol]);
    expect(spans).toEqual([
      ['let', 1, 1, 1, 4],
      ['s', 1, 5, 1, 6],
      ['=', 1, 7, 1, 8],
      ['"😀é"', 1, 9, 1, 13],
      ['⏎', 1, 13, 1, 14],
      ['foo', 2, 3, 2, 6],
      ['', 2, 6, 2, 6],
    ]);
  });

  test('a column after an astral character counts one code point', () => {
    const ts = tokenize('"😀😀" x');
    expect(ts[1].span.col).toBe(6);
  });
});

describe('lexer: newline rule', () => {
  test('a newline ends a statement after an identifier, literal, ), ], }, return, break, continue', () => {
    expect(toks('a\n1\n1.5\n"s"\ntrue\nfalse\nf()\nv[0]\n{}\nreturn\nbreak\ncontinue\n')).toEqual([
      'a', '⏎', '1', '⏎', '1.5', '⏎', '"s"', '⏎', 'true', '⏎', 'false', '⏎', 'f', '(', ')', '⏎',
      'v', '[', '0', ']', '⏎', '{', '}', '⏎', 'return', '⏎', 'break', '⏎', 'continue', '⏎',
    ]);
  });

  test('null is a keyword, and a newline after it ends a statement', () => {
    expect(tokenize('null nullable').filter((t) => t.kind !== 'eof').map((t) => `${t.kind}:${t.text}`)).toEqual(['kw:null', 'ident:nullable']);
    expect(toks('p = null\nq')).toEqual(['p', '=', 'null', '⏎', 'q']);
  });

  test('a line ending in an operator or `,` continues', () => {
    expect(toks('x = 1 +\n2')).toEqual(['x', '=', '1', '+', '2']);
    expect(toks('let x =\n3')).toEqual(['let', 'x', '=', '3']);
    expect(toks('Point { x: 1,\ny: 2 }')).toEqual(['Point', '{', 'x', ':', '1', ',', 'y', ':', '2', '}']);
    expect(toks('if x {\ny\n}')).toEqual(['if', 'x', '{', 'y', '⏎', '}']);
  });

  test('newlines inside ( ) and [ ] are ignored', () => {
    expect(toks('f(a\n, b\n)\n[1\n,2\n]')).toEqual(['f', '(', 'a', ',', 'b', ')', '⏎', '[', '1', ',', '2', ']']);
  });

  test('newlines inside { } inside ( ) count again', () => {
    expect(toks('f(P {\nx: 1\n})')).toEqual(['f', '(', 'P', '{', 'x', ':', '1', '⏎', '}', ')']);
  });

  test('a multi-line anonymous function in ( ) or [ ]: its block ends statements, brackets inside it ignore newlines', () => {
    expect(toks('map(a, fn(x: int) -> int {\nlet y = x\nreturn y\n})')).toEqual([
      'map', '(', 'a', ',', 'fn', '(', 'x', ':', 'int', ')', '->', 'int', '{',
      'let', 'y', '=', 'x', '⏎', 'return', 'y', '⏎', '}', ')',
    ]);
    expect(toks('[fn() {\nf()\n}\n, g]')).toEqual(['[', 'fn', '(', ')', '{', 'f', '(', ')', '⏎', '}', ',', 'g', ']']);
    expect(toks('f(fn() {\ng(1,\n2)\nh(\n)\n})')).toEqual([
      'f', '(', 'fn', '(', ')', '{', 'g', '(', '1', ',', '2', ')', '⏎', 'h', '(', ')', '⏎', '}', ')',
    ]);
  });

  test('`;` is a token, blank lines and comment lines are ignored', () => {
    expect(toks('x; y\n\n// c\nz')).toEqual(['x', ';', 'y', '⏎', 'z']);
  });
});

describe('lexer: doc comments', () => {
  test('consecutive /// lines attach to the next token without the `/// ` prefix', () => {
    const ts = tokenize('/// Doc comment shown by inspect.\n///   indented\n///\nfn fib() {}');
    expect(ts[0].text).toBe('fn');
    expect(ts[0].doc).toBe('Doc comment shown by inspect.\n  indented');
  });

  test('a blank line or a plain comment separates a doc comment from the item', () => {
    expect(tokenize('/// lost\n\nfn f() {}')[0].doc).toBeUndefined();
    expect(tokenize('/// lost\n// plain\nstruct P {}')[0].doc).toBeUndefined();
  });

  test('//// is a plain comment; /// after code is not a doc comment', () => {
    expect(tokenize('//// not doc\nfn f() {}')[0].doc).toBeUndefined();
    const ts = tokenize('x /// trailing\nfn f() {}');
    expect(ts.find((t) => t.text === 'fn')!.doc).toBeUndefined();
  });
});
