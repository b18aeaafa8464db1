// The core built-ins (LANGUAGE.md "Built-in functions"): printing, input, eval, the
// conversions int/float/str, assert, and `len`, which the str, array and map families
// share (one entry whose rule dispatches on the argument's type).
//
// - `print`/`eprint` take any number of non-void values; the arguments are all
//   evaluated (left to right) before any is printed.
// - `int(x)` takes int, float, str or ptr; `float(x)` int, float or str; `str(x)` any
//   non-void value.
import type llvm from 'llvm-bindings';
import { BOOL, Expr, FLOAT, INT, STR, Type, VOID } from '../ast';
import { argCount, CheckExpr } from '../check-builtins';
import { nonVoid, q, typeErr } from '../check-util';
import type { FunctionLowerer } from '../lower';
import { argValues, Builtin, CallExpr, callRuntime, Check, fixed, generic, runtimeCall, unit } from './declare';

function printTo(stream: 1 | 2, f: FunctionLowerer, e: CallExpr): llvm.Value {
  const { mb } = f;
  const streamId = mb.i32c(stream);
  if (e.args.length === 0) {
    callRuntime(f, e, 'kiln_print_value', [streamId, f.toBits(mb.stringLiteral(''), STR), f.typeIdConst(STR), mb.i32c(1)]);
    return unit(f);
  }
  const values = argValues(f, e);
  values.forEach((v, i) => {
    const t = e.args[i].type!;
    const last = mb.i32c(i === values.length - 1 ? 1 : 0);
    callRuntime(f, e, 'kiln_print_value', [streamId, f.toBits(v, t), f.typeIdConst(t), last]);
  });
  return unit(f);
}

function checkPrint(e: CallExpr, _hint: Type | undefined, check: CheckExpr): Expr {
  e.args = e.args.map((a) => nonVoid(check(a)));
  e.type = VOID;
  return e;
}

/** Checks the one argument of a conversion to `target`: its type must be one of `from`. */
function conversion(target: Type, from: Type['kind'][]): Check {
  return (e, _hint, check) => {
    argCount(e, 1);
    const t = (e.args[0] = check(e.args[0])).type!;
    if (!from.includes(t.kind)) typeErr(`cannot convert ${q(t)} to \`${e.callee}\``, e.args[0].span);
    e.type = target;
    return e;
  };
}

export const CORE_BUILTINS: Builtin[] = [
  generic('print', 'print(a, b, ...)', 'Writes its arguments (any types) separated by spaces, then a newline, to stdout.',
    checkPrint, (f, e) => printTo(1, f, e)),
  generic('eprint', 'eprint(a, b, ...)', 'Writes its arguments separated by spaces, then a newline, to stderr.',
    checkPrint, (f, e) => printTo(2, f, e)),
  runtimeCall('input', [['prompt', STR]], STR, 'kiln_input', 'Asks the front end for a line of text.'),
  generic('len', 'len(x: str | [T] | {K: V}) -> int', 'Length of a str (in bytes), of an array, or of a map (its number of keys).',
    (e, _hint, check) => {
      argCount(e, 1);
      const t = (e.args[0] = check(e.args[0])).type!;
      if (t.kind !== 'str' && t.kind !== 'array' && t.kind !== 'map') {
        typeErr(`\`len\` needs a \`str\`, an array or a map, found ${q(t)}`, e.args[0].span);
      }
      e.type = INT;
      return e;
    },
    // str, array and map values all start with their length (docs/runtime-abi.md).
    (f, e) => f.lengthOf(argValues(f, e)[0])),
  generic('int', 'int(x: int | float | str) -> int', 'Converts to int: a float is truncated, a str is parsed (ValueError on bad text).',
    conversion(INT, ['int', 'float', 'str', 'ptr']),
    (f, e) => {
      const { b, mb } = f;
      const [v] = argValues(f, e);
      switch (e.args[0].type!.kind) {
        case 'float':
          return b.CreateCall(mb.declare('llvm.fptosi.sat.i64.f64', mb.i64, [mb.f64]), [v]);
        case 'str':
          return callRuntime(f, e, 'kiln_parse_int', [v]);
        case 'bool':
          return b.CreateZExt(v, mb.i64);
        case 'ptr':
          return b.CreatePtrToInt(v, mb.i64);
        default:
          return v;
      }
    }),
  generic('float', 'float(x: int | float | str) -> float', 'Converts to float: a str is parsed (ValueError on bad text).',
    conversion(FLOAT, ['int', 'float', 'str']),
    (f, e) => {
      const [v] = argValues(f, e);
      switch (e.args[0].type!.kind) {
        case 'int':
          return f.b.CreateSIToFP(v, f.mb.f64);
        case 'str':
          return callRuntime(f, e, 'kiln_parse_float', [v]);
        default:
          return v;
      }
    }),
  generic('str', 'str(x) -> str', 'The text/plain format of x.',
    (e, _hint, check) => {
      argCount(e, 1);
      nonVoid((e.args[0] = check(e.args[0])));
      e.type = STR;
      return e;
    },
    (f, e) => {
      const [v] = argValues(f, e);
      const t = e.args[0].type!;
      return t.kind === 'str' ? v : callRuntime(f, e, 'kiln_fmt', [f.toBits(v, t), f.typeIdConst(t)]);
    }),
  fixed('assert', [['c', BOOL], ['msg', STR]], VOID, 'Raises AssertionError: msg when c is false.', (f, e) => {
    const [condition, message] = argValues(f, e);
    f.guard(f.b.CreateNot(condition), () => {
      f.setLine(e.span.line);
      f.raise('kiln_assert_fail', [message]);
    });
    return unit(f);
  }),
  runtimeCall('eval', [['src', STR]], STR, 'kiln_eval',
    'Compiles and runs src in this session as if it were a cell; returns the text/plain of its result, or "".'),
];
