// C libraries end to end (LANGUAGE.md "Additions in 0.2" → "C libraries"): extern fns
// from named libraries (zlib, SQLite, BLAS, libc), renamed bindings, the C types, ptr and
// null, arrays passed to C, faults inside C, ImportError, and the session rules.
// Needs Debian's zlib1g, libsqlite3-0 and libblas3 (scripts/setup.sh installs them).
import { TestSession } from './support/engine';

const ZLIB = 'extern "libz.so.1" fn crc32(crc: u64, buf: str, len: u32) -> u64';

const SQLITE = `extern "libsqlite3.so.0" fn sqlite3_open(filename: str, db: [ptr]) -> i32
extern fn sqlite3_exec(db: ptr, sql: str, callback: ptr, arg: ptr, errmsg: ptr) -> i32
extern fn sqlite3_prepare_v2(db: ptr, sql: str, nbyte: i32, stmt: [ptr], tail: ptr) -> i32
extern fn sqlite3_step(stmt: ptr) -> i32
extern fn sqlite3_column_int(stmt: ptr, col: i32) -> i32
extern fn sqlite3_column_text(stmt: ptr, col: i32) -> str
extern fn sqlite3_finalize(stmt: ptr) -> i32
extern fn sqlite3_close(db: ptr) -> i32
extern fn sqlite3_errmsg(db: ptr) -> str`;

const BLAS = `extern "libblas.so.3" fn cblas_ddot(n: i32, x: [float], incx: i32, y: [float], incy: i32) -> float
extern fn cblas_dgemm(order: i32, transa: i32, transb: i32, m: i32, n: i32, k: i32, alpha: float,
                      a: [float], lda: i32, b: [float], ldb: i32, beta: float, c: [float], ldc: i32)`;

/** The traceback of a cell that must fail. */
function traceback(k: TestSession, code: string): string[] {
  const r = k.run(code);
  if (r.outcome.status !== 'error') throw new Error(`cell did not fail: ${code}`);
  return r.outcome.traceback;
}

describe('C libraries: loading and binding', () => {
  let k: TestSession;
  beforeAll(() => {
    k = new TestSession();
  });

  test('zlib: crc32 of a string through extern "libz.so.1"', () => {
    expect(k.ok(`${ZLIB}\ncrc32(0, "hello", 5)`)).toBe('907060870');
    expect(k.ok('crc32(0, "", 0)')).toBe('0');
    // len is a u32: 2^32 + 5 wraps to 5 on the way in.
    expect(k.ok('crc32(0, "hello", 4294967301)')).toBe('907060870');
  });

  // Tests that need a session without libraries start with %reset (one Session per
  // thread: a second TestSession would replace this one's JIT) and declare what they use.
  test('plain extern fn then finds the loaded library\'s symbols too', () => {
    k.ok('%reset');
    expect(k.run('extern fn adler32(adler: u64, buf: str, len: u32) -> u64').error).toBe('NameError: unknown C symbol `adler32`');
    k.ok(ZLIB);
    expect(k.ok('extern fn adler32(adler: u64, buf: str, len: u32) -> u64\nadler32(1, "hello", 5)')).toBe('103547413');
  });

  test('a library that cannot be loaded is an ImportError at its name; the session is unchanged', () => {
    k.ok('let before = 1');
    const tb = traceback(k, 'let before = 2\nfn helper() -> int { return 3 }\nextern "libnope.so.9" fn load_me() -> int\nprint("ran")');
    expect(tb).toEqual([
      expect.stringMatching(/^cell \d+, line 3, col 8$/),
      '    extern "libnope.so.9" fn load_me() -> int',
      '           ^^^^^^^^^^^^^^',
      'ImportError: cannot load libnope.so.9: libnope.so.9: cannot open shared object file: No such file or directory',
    ]);
    expect(k.ok('before')).toBe('1');
    expect(k.run('helper()').error).toBe('NameError: unknown function `helper`');
    expect(k.run('load_me()').error).toBe('NameError: unknown function `load_me`');
    // A path is used as it is: the loader's own message says why it failed.
    expect(k.run('extern "/no/such/dir/libx.so" fn x()').error).toBe(
      'ImportError: cannot load /no/such/dir/libx.so: /no/such/dir/libx.so: cannot open shared object file: No such file or directory',
    );
  });

  test('a library loaded by a cell that fails to compile is forgotten with the cell', () => {
    k.ok('%reset');
    expect(k.run(`${ZLIB}\nextern fn no_such_symbol_xyz()`).error).toBe('NameError: unknown C symbol `no_such_symbol_xyz`');
    expect(k.run('extern fn adler32(adler: u64, buf: str, len: u32) -> u64').error).toBe('NameError: unknown C symbol `adler32`');
    expect(k.run(`${ZLIB}\nlet oops: int = "x"`).error).toBe('TypeError: expected `int`, found `str`');
    expect(k.run('extern fn adler32(adler: u64, buf: str, len: u32) -> u64').error).toBe('NameError: unknown C symbol `adler32`');
  });

  test('an empty library name is an ImportError, not a way around the symbol filter', () => {
    expect(k.run('extern "" fn uv_version() -> u32').error).toBe('ImportError: cannot load "": give a library\'s file name (e.g. "libz.so.1") or path');
  });

  test('a symbol the named library lacks is a NameError naming both', () => {
    expect(k.run('extern "libz.so.1" fn no_such_fn_in_zlib()').error).toBe('NameError: unknown C symbol `no_such_fn_in_zlib` in libz.so.1');
  });

  test('a path to the library works as its file name does', () => {
    expect(k.ok('extern "/lib/x86_64-linux-gnu/libz.so.1" fn zlibVersion() -> str\nzlibVersion()')).toMatch(/^"1\.\d+\.\d+/);
  });

  test('%reset forgets the loaded libraries\' bindings', () => {
    k.ok(`${ZLIB}\nextern fn adler32(adler: u64, buf: str, len: u32) -> u64`);
    k.ok('%reset');
    expect(k.run('crc32(0, "hello", 5)').error).toBe('NameError: unknown function `crc32`');
    expect(k.run('extern fn adler32(adler: u64, buf: str, len: u32) -> u64').error).toBe('NameError: unknown C symbol `adler32`');
    expect(k.ok(`${ZLIB}\ncrc32(0, "hello", 5)`)).toBe('907060870');
  });

  test('extern fn name(...) = "symbol" binds a C symbol under another Kiln name', () => {
    expect(k.ok('extern fn c_abs(x: i32) -> i32 = "abs"\nc_abs(-7)')).toBe('7');
    expect(k.ok('extern "libc.so.6" fn c_strlen(s: str) -> u64 = "strlen"\nc_strlen("four")')).toBe('4');
    expect(k.run('abs(-2.5)').result).toBe('2.5');
    expect(k.run('extern fn abs(x: i32) -> i32').error).toBe('NameError: `abs` is a built-in function');
    // Cells may bind one C symbol with different C types; a later cell can call both.
    k.ok('extern fn wide_abs(x: int) -> int = "abs"');
    expect(k.ok('c_abs(-4294967297) + wide_abs(-5)')).toBe('6');
    expect(k.run('extern fn c_nothing() = "no_such_symbol_abc"').error).toBe('NameError: unknown C symbol `no_such_symbol_abc`');
    const who = k.run('%who').outputs.map((o) => (o.type === 'display' ? String(o.data['text/plain']) : '')).join('');
    expect(who.split('\n')).toEqual(expect.arrayContaining([
      'extern fn c_abs(x: i32) -> i32 = "abs"',
      'extern "libc.so.6" fn c_strlen(s: str) -> u64 = "strlen"',
      'extern "libz.so.1" fn crc32(crc: u64, buf: str, len: u32) -> u64',
    ]));
  });
});

describe('C libraries: C types, ptr and cstr', () => {
  let k: TestSession;
  beforeAll(() => {
    k = new TestSession();
    k.ok('extern fn c_abs(x: i32) -> i32 = "abs"\nextern fn strtoull(s: str, end: ptr, base: i32) -> u64\nextern fn fabsf(x: f32) -> f32');
  });

  test('i32 and u32 wrap to 32 bits going in; i32 comes back signed, u32 unsigned', () => {
    expect(k.ok('c_abs(4294967301)')).toBe('5');
    expect(k.ok('c_abs(-2147483647)')).toBe('2147483647');
    expect(k.ok('extern fn as_i32(s: str, end: ptr, base: i32) -> i32 = "strtoul"\nas_i32("4294967295", null, 10)')).toBe('-1');
    expect(k.ok('extern fn as_u32(s: str, end: ptr, base: i32) -> u32 = "strtoul"\nas_u32("4294967295", null, 10)')).toBe('4294967295');
  });

  test('u64 above 2^63 - 1 comes back as a negative int', () => {
    expect(k.ok('strtoull("18446744073709551615", null, 10)')).toBe('-1');
    expect(k.ok('strtoull("9223372036854775808", null, 10)')).toBe('-9223372036854775808');
    expect(k.ok('strtoull("42", null, 10)')).toBe('42');
  });

  test('f32 rounds to the nearest float going in and widens exactly coming back', () => {
    expect(k.ok('fabsf(0.1)')).toBe('0.10000000149011612');
    expect(k.ok('fabsf(-2)')).toBe('2.0');
    expect(k.ok('fabsf(16777217)')).toBe('16777216.0');
    expect(k.ok('fabsf(1e300)')).toBe('inf');
  });

  test('ptr formats as ptr(0x...) in lowercase hex, null as null, everywhere', () => {
    expect(k.ok('null')).toBe('null');
    expect(k.ok('ptr(0)')).toBe('null');
    expect(k.ok('ptr(255)')).toBe('ptr(0xff)');
    expect(k.ok('ptr(-1)')).toBe('ptr(0xffffffffffffffff)');
    expect(k.ok('print(ptr(3054), null)')).toBe('ptr(0xbee) null\n');
    expect(k.ok('str(ptr(16))')).toBe('"ptr(0x10)"');
    expect(k.ok('let ps: [ptr] = [null, ptr(10)]\nps')).toBe('[null, ptr(0xa)]');
    expect(k.ok('struct Handle { raw: ptr, name: str }\nHandle { raw: ptr(4096), name: "h" }')).toBe('Handle { raw: ptr(0x1000), name: "h" }');
    expect(k.ok('let hm: {str: ptr} = {"a": null}\nhm["b"] = ptr(1)\nhm')).toBe('{"a": null, "b": ptr(0x1)}');
    expect(k.ok('fill(2, null)')).toBe('[null, null]');
  });

  test('== and != compare addresses; int(p) and ptr(n) convert', () => {
    expect(k.ok('null == ptr(0)')).toBe('true');
    expect(k.ok('ptr(5) != ptr(5)')).toBe('false');
    expect(k.ok('let q = ptr(77)\nq == null || q != ptr(78)')).toBe('true');
    expect(k.ok('int(ptr(77)) + 1')).toBe('78');
    expect(k.ok('int(null)')).toBe('0');
    expect(k.ok('int(ptr(-1))')).toBe('-1');
  });

  test('an uninitialised ptr global read by a function is null', () => {
    expect(k.ok('fn show() -> ptr { return later }\nlet r = show()\nlet later = ptr(9)\nprint(r, show())')).toBe('null ptr(0x9)\n');
  });

  test('cstr copies NUL-terminated bytes; null gives ""', () => {
    expect(k.ok('extern fn getenv(name: str) -> ptr\nextern fn setenv(name: str, value: str, overwrite: i32) -> i32\nsetenv("KILN_TEST_VAR", "héllo", 1)\ncstr(getenv("KILN_TEST_VAR"))')).toBe('"héllo"');
    expect(k.ok('cstr(null)')).toBe('""');
    expect(k.ok('getenv("KILN_NO_SUCH_VAR") == null')).toBe('true');
  });

  test('a str returned by C is copied; a null one is ""', () => {
    expect(k.ok('extern fn getenv_str(name: str) -> str = "getenv"\ngetenv_str("KILN_TEST_VAR")')).toBe('"héllo"');
    expect(k.ok('getenv_str("KILN_NO_SUCH_VAR")')).toBe('""');
  });
});

describe('C libraries: arrays passed to C', () => {
  let k: TestSession;
  beforeAll(() => {
    k = new TestSession();
  });

  test('SQLite: open :memory:, create, insert, count back with prepare/step, finalize, close', () => {
    k.ok(SQLITE);
    expect(k.ok('let db: [ptr] = [null]\nprint(sqlite3_open(":memory:", db), db[0] != null)')).toBe('0 true\n');
    expect(k.ok('sqlite3_exec(db[0], "create table t(name text, n int)", null, null, null)')).toBe('0');
    const insert = `for i in 0..25 {
  let sql = "insert into t values ('row" + str(i) + "', " + str(i) + ")"
  assert(sqlite3_exec(db[0], sql, null, null, null) == 0, sql)
}
1`;
    expect(k.ok(insert)).toBe('1');
    expect(k.ok('let st: [ptr] = [null]\nsqlite3_prepare_v2(db[0], "select count(*), sum(n) from t", -1, st, null)')).toBe('0');
    expect(k.ok('print(sqlite3_step(st[0]), sqlite3_column_int(st[0], 0), sqlite3_column_int(st[0], 1))')).toBe('100 25 300\n');
    expect(k.ok('sqlite3_finalize(st[0])')).toBe('0');
    const rows = 'sqlite3_prepare_v2(db[0], "select name from t where n >= 22 order by n", -1, st, null)\n' +
      'let names: [str] = []\nwhile sqlite3_step(st[0]) == 100 { push(names, sqlite3_column_text(st[0], 0)) }\nsqlite3_finalize(st[0])\nnames';
    expect(k.ok(rows)).toBe('["row22", "row23", "row24"]');
    // Bound parameters; SQLITE_TRANSIENT (SQLite copies the text) is ptr(-1).
    const bind = `extern fn sqlite3_bind_text(stmt: ptr, index: i32, text: str, bytes: i32, destructor: ptr) -> i32
extern fn sqlite3_bind_int64(stmt: ptr, index: i32, value: int) -> i32
sqlite3_prepare_v2(db[0], "insert into t values (?, ?)", -1, st, null)
print(sqlite3_bind_text(st[0], 1, "it's bound", -1, ptr(-1)), sqlite3_bind_int64(st[0], 2, 9007199254740993))
print(sqlite3_step(st[0]), sqlite3_finalize(st[0]))
sqlite3_prepare_v2(db[0], "select name, n from t where n > 1000", -1, st, null)
sqlite3_step(st[0])
extern fn sqlite3_column_int64(stmt: ptr, col: i32) -> int
print(sqlite3_column_text(st[0], 0), sqlite3_column_int64(st[0], 1), sqlite3_finalize(st[0]))`;
    expect(k.ok(bind)).toBe("0 0\n101 0\nit's bound 9007199254740993 0\n");
    expect(k.ok('print(sqlite3_prepare_v2(db[0], "select nme from t", -1, st, null), sqlite3_errmsg(db[0]))')).toBe('1 no such column: nme\n');
    expect(k.ok('sqlite3_close(db[0])')).toBe('0');
  });

  test('BLAS: ddot and dgemm on [float] arrays agree with a Kiln loop', () => {
    k.ok(BLAS);
    expect(k.ok('let x = [1.0, 2.0, 3.0, 4.0]\nlet y = [0.5, -1.0, 2.0, 8.0]\ncblas_ddot(4, x, 1, y, 1)')).toBe('36.5');
    expect(k.ok('let dot = 0.0\nfor i in 0..len(x) { dot += x[i] * y[i] }\ndot')).toBe('36.5');
    // C = A (2×3) · B (3×2), row-major (CblasRowMajor 101, CblasNoTrans 111).
    k.ok('let a = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]\nlet b = [7.0, 8.0, 9.0, 10.0, 11.0, 12.0]\nlet c = fill(4, 0.0)');
    expect(k.ok('cblas_dgemm(101, 111, 111, 2, 2, 3, 1.0, a, 3, b, 2, 0.0, c, 2)\nc')).toBe('[58.0, 64.0, 139.0, 154.0]');
    const loop = 'let d = fill(4, 0.0)\nfor i in 0..2 { for j in 0..2 { for p in 0..3 { d[i * 2 + j] += a[i * 3 + p] * b[p * 2 + j] } } }\nprint(d)';
    expect(k.ok(loop)).toBe('[58.0, 64.0, 139.0, 154.0]\n');
  });

  test('[int] is passed as int64_t*: C writes the elements', () => {
    k.ok('extern fn memset(dest: [int], byte: i32, n: u64) -> ptr');
    expect(k.ok('let ns = [1, 2, 3]\nmemset(ns, 255, 16)\nns')).toBe('[-1, -1, 3]');
    expect(k.ok('let empty: [int] = []\nmemset(empty, 0, 0)\nlen(empty)')).toBe('0');
  });
});

describe('C libraries: faults inside C', () => {
  let k: TestSession;
  beforeAll(() => {
    k = new TestSession();
    k.ok('extern "libc.so.6" fn strlen(s: ptr) -> u64');
  });

  test('a segfault in C is a RuntimeError naming the function; the session survives', () => {
    k.ok('let alive = 41');
    expect(traceback(k, 'alive += 1\nstrlen(null)')).toEqual([
      'Traceback (most recent call last):',
      expect.stringMatching(/^ {2}cell \d+, line 2, in <cell>$/),
      'RuntimeError: segmentation fault in C function strlen (invalid memory access at 0x0)',
    ]);
    expect(k.ok('alive')).toBe('42');
    expect(k.ok('extern fn getenv(name: str) -> ptr\nstrlen(getenv("PATH")) > 0')).toBe('true');
  });

  test('the Kiln call stack leads to the C call; a renamed binding is named by its C symbol', () => {
    const tb = traceback(k, 'extern fn bad_len(s: ptr) -> u64 = "strlen"\nfn measure(p: ptr) -> int {\n  return bad_len(p)\n}\nmeasure(ptr(8))');
    expect(tb.slice(1)).toEqual([
      expect.stringMatching(/^ {2}cell \d+, line 5, in <cell>$/),
      expect.stringMatching(/^ {2}cell \d+, line 3, in measure$/),
      'RuntimeError: segmentation fault in C function strlen (invalid memory access at 0x8)',
    ]);
  });

  test('a str returned by C from a bad address faults in the copy, named after the C function', () => {
    k.ok('extern fn bad_text(x: int) -> str = "labs"');
    expect(k.run('bad_text(16)').error).toBe('RuntimeError: segmentation fault in C function labs (invalid memory access at 0x10)');
    expect(k.run('cstr(ptr(16))').error).toBe('RuntimeError: segmentation fault (invalid memory access at 0x10)');
  });

  test('optimised code still names the C function: LLVM may not treat a libc name as its builtin', () => {
    // Without `nobuiltin`, O2 knows strlen reads only its argument and drops the store of
    // the C function's name before the call: the fault would be anonymous.
    const tb = traceback(k, 'extern fn plain_strlen(s: ptr) -> u64 = "strlen"\nfn f() -> int { return plain_strlen(null) }\nf()');
    expect(tb.at(-1)).toBe('RuntimeError: segmentation fault in C function strlen (invalid memory access at 0x0)');
    expect(k.run('extern fn strlen(s: ptr) -> u64\nfn g() -> int { return strlen(null) }\ng()').error).toBe(
      'RuntimeError: segmentation fault in C function strlen (invalid memory access at 0x0)',
    );
  });

  test('an integer division by zero in C is the C function\'s RuntimeError, not ZeroDivisionError', () => {
    k.ok('extern fn div(num: i32, den: i32) -> u64');
    expect(k.run('div(1, 0)').error).toBe('RuntimeError: integer division by zero in C function div');
    expect(k.ok('div(7, 2) > 0')).toBe('true');
  });

  test('after a fault, faults in Kiln code are Kiln\'s again', () => {
    expect(k.run('strlen(null)').error).toMatch(/in C function strlen/);
    expect(k.run('let zero = 0\n1 / zero').error).toBe('ZeroDivisionError: integer division or modulo by zero');
    expect(k.run('let v = [1]\nv[3]').error).toBe('IndexError: index 3 out of range for length 1');
  });

  test('a fault in C inside eval is an EvalError carrying it; the caller survives', () => {
    expect(k.run('eval("strlen(null)")').error).toBe('EvalError: RuntimeError: segmentation fault in C function strlen (invalid memory access at 0x0)');
    expect(k.ok('1 + 1')).toBe('2');
  });
});
