// Lowering on its own: the IR text a checked cell becomes, before the JIT sees it. These
// pin the decisions that make redefinition, interrupts and runtime errors work
// (docs/runtime-abi.md), independent of the native addon.
import { Env } from '../kernel/engine/ast';
import { checkCell } from '../kernel/engine/check';
import { lowerCell } from '../kernel/engine/lower';
import { parseCell } from '../kernel/engine/parser';

/** Lowers a cell with made-up slot addresses; returns the IR text. With `stringAddress`
 *  (as a session lowers), the module and its runtime declarations are reused by the next. */
function lower(source: string, stringAddress?: (text: string) => number): string {
  const env: Env = { functions: new Map(), globals: new Map(), structs: new Map() };
  const checked = checkCell(parseCell(source), env, 1);
  let address = 0x10000;
  checked.functions.forEach((decl, i) => {
    decl.sig!.slot = (address += 8);
    decl.sig!.symbol = `${decl.name}.v${i}`;
    decl.sig!.fid = i + 1;
  });
  for (const g of checked.globals) g.slot = address += 8;
  return lowerCell(checked, { cellNumber: 1, entrySymbol: 'entry', entryFid: 0, typeId: () => 16, location: (fid, line) => fid * 1000 + line, stringAddress });
}

/** The text of one function's definition. */
function body(ir: string, name: string): string {
  const start = ir.indexOf(`@${name}(`);
  return ir.slice(ir.lastIndexOf('define', start), ir.indexOf('\n}\n', start));
}

test('every Kiln function takes its frame depth first and checks the recursion limit', () => {
  const f = body(lower('fn add(a: int, b: float) -> float { return a + b }'), 'add.v0');
  expect(f).toMatch(/^define dso_local double @add\.v0\(i64 %0, i64 %1, double %2\)/);
  expect(f).toContain('icmp sgt i64 %0, 10000');
  expect(f).toMatch(/call void @kiln_call_refused\(i64 %0, i32 \d+, i32 -1\)\n  unreachable/);
});

test('a cell declares only the runtime functions its code calls, though its module keeps those of earlier cells', () => {
  const literalAt = () => 0x20000;
  const first = lower('let words = split("a b", " ")\nprint(str(len(words)) + "!")', literalAt);
  expect(first).toContain('declare i8* @kiln_str_split(i8*, i8*)');
  expect(first).toContain('declare i8* @kiln_str_concat(i8*, i8*)');
  const next = lower('fn twice(x: int) -> int { return x * 2 }', literalAt);
  expect(next.match(/^declare .*$/gm)).toEqual(['declare i1 @llvm.expect.i1(i1, i1) #0', 'declare void @kiln_call_refused(i64, i32, i32)']);
});

test('a parameter that nothing assigns is read as its argument; an assigned one has a stack slot', () => {
  const f = body(lower('fn f(a: int, b: int) -> int {\n  b += 1\n  return a * b\n}'), 'f.v0');
  expect(f.match(/ = alloca /g)).toHaveLength(1);
  expect(f).toMatch(/store i64 %2, i64\* %\d+/);
  expect(f).toMatch(/mul i64 %1, %\d+/);
});

test('a function calls itself directly, and other functions through their slot', () => {
  const ir = lower('fn f(n: int) -> int { if n < 1 { return 0 } return f(n - 1) + g() }\nfn g() -> int { return 1 }');
  const f = body(ir, 'f.v0');
  expect(f).toMatch(/call i64 @f\.v0\(i64 %\S+, i64 %\S+\)/);
  expect(f).not.toContain('@g.v1(');
  // g's slot is the second one handed out: 0x10010.
  expect(f).toMatch(/load i64 \(i64\)\*, i64 \(i64\)\*\* inttoptr \(i64 65552 to/);
});

test('the interrupt flag is polled with a volatile load at entry and at while back-edges', () => {
  const f = body(lower('fn spin(n: int) -> int { let i = 0\n while i < n { i += 1 }\n return i }'), 'spin.v0');
  expect(f.match(/load volatile i32, i32\* @kiln_interrupt/g)).toHaveLength(2);
  expect(f).not.toMatch(/load i32, i32\* @kiln_interrupt/);
});

test('a counted loop is strip-mined: its body runs in an inner loop without a poll', () => {
  const f = body(lower('fn total(n: int) -> int { let s = 0\n for i in 0..n { s += i }\n return s }'), 'total.v0');
  expect(f.match(/load volatile i32, i32\* @kiln_interrupt/g)).toHaveLength(2); // entry + once per chunk
  expect(f).toContain('add i64 %');
  expect(f).toMatch(/icmp ugt i64 %\S+, 4096/);
});

test('integer division checks for zero and for INT64_MIN / -1', () => {
  const f = body(lower('fn div(a: int, b: int) -> int { return a / b }'), 'div.v0');
  expect(f).toContain('call void @kiln_zero_division()');
  expect(f).toContain('icmp eq i64 %'); // b == 0, a == INT64_MIN, b == -1
  expect(f).toContain('-9223372036854775808');
  expect(f).toMatch(/select i1 %\S+, i64 1, i64 %/);
  expect(f).toContain('sdiv i64');
});

test('indexing checks bounds (unsigned compare catches negatives) and records the line', () => {
  const f = body(lower('fn at(a: [int], i: int) -> int {\n    return a[i]\n}'), 'at.v0');
  expect(f).toMatch(/icmp uge i64 %\S+, %\S+/);
  expect(f).toContain('call void @kiln_index_error(i64');
  expect(f).toContain('store i32 1002, i32*'); // location of function 1, line 2
});

test('globals live at fixed addresses; the cell result is formatted by the runtime', () => {
  const ir = lower('let answer = 42\nanswer');
  const entry = body(ir, 'entry');
  expect(entry).toMatch(/store i64 42, i64\* inttoptr \(i64 65544 to i64\*\)/);
  expect(entry).toContain('call i8* @kiln_repr(i64');
  expect(entry).toContain('call void @kiln_result(i8*');
});

test('string literals are KilnStr constants: length, then NUL-terminated bytes', () => {
  const ir = lower('print("héllo")');
  expect(ir).toMatch(/private constant \{ i64, \[7 x i8\] \} \{ i64 6, \[7 x i8\] c"h\\C3\\A9llo\\00" \}/);
});
