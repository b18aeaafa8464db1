// Lowering of calls to built-in functions (LANGUAGE.md "Built-in functions"): inline IR,
// LLVM intrinsics, or a call into the runtime (docs/runtime-abi.md).
import type llvm from 'llvm-bindings';
import type { Expr, Type } from './ast';
import { BUILTINS } from './builtins';
import type { FunctionLowerer } from './lower';
import { MAP_BUILTIN_NAMES } from './builtins/maps';
import { lowerMapBuiltin } from './lower-maps';
import { CLIB_BUILTIN_NAMES } from './builtins/clib';
import { lowerClibBuiltin } from './lower-extern';
import { FUNCTION_BUILTIN_NAMES } from './builtins/functions';
import { lowerFunctionBuiltin } from './lower-functions';

type CallExpr = Extract<Expr, { kind: 'call' }>;

const MATH_INTRINSICS: Record<string, string> = {
  sqrt: 'llvm.sqrt.f64',
  sin: 'llvm.sin.f64',
  cos: 'llvm.cos.f64',
  tan: 'tan',
  exp: 'llvm.exp.f64',
  log: 'llvm.log.f64',
  floor: 'llvm.floor.f64',
  ceil: 'llvm.ceil.f64',
};

const RICH_DISPLAY_MIME: Record<string, string> = {
  html: 'text/html',
  markdown: 'text/markdown',
  svg: 'image/svg+xml',
  latex: 'text/latex',
};

function elementType(t: Type): Type {
  if (t.kind !== 'array') throw new Error(`internal error: expected an array, got ${t.kind}`);
  return t.elem;
}

export function lowerBuiltin(f: FunctionLowerer, name: string, e: CallExpr): llvm.Value {
  const { b, mb } = f;
  const line = e.span.line;
  const args = () => e.args.map((a) => f.expr(a));
  const argType = (i: number) => e.args[i].type!;
  const unit = mb.int(0); // the value of a void call (never used)
  const rt = (fn: string, values: llvm.Value[]) => f.callRuntime(fn, values, line);

  const builtin = BUILTINS.get(name);
  if (builtin?.lower) return builtin.lower(f, e);
  if (builtin?.runtime) {
    const result = rt(builtin.runtime, args());
    return builtin.ret!.kind === 'bool' ? b.CreateICmpNE(result, mb.int(0)) : builtin.ret!.kind === 'void' ? unit : result;
  }
  if (name in MATH_INTRINSICS) {
    return b.CreateCall(mb.mathFunction(MATH_INTRINSICS[name], 1), args());
  }
  if (name in RICH_DISPLAY_MIME) {
    rt('kiln_display', [mb.stringLiteral(RICH_DISPLAY_MIME[name]), ...args()]);
    return unit;
  }
  switch (name) {
    case 'print':
    case 'eprint': {
      const stream = mb.i32c(name === 'print' ? 1 : 2);
      if (e.args.length === 0) {
        rt('kiln_print_value', [stream, f.toBits(mb.stringLiteral(''), { kind: 'str' }), mb.i32c(3), mb.i32c(1)]);
        return unit;
      }
      // Evaluate every argument first (left to right), then print them.
      const values = args();
      values.forEach((v, i) => {
        const last = mb.i32c(i === values.length - 1 ? 1 : 0);
        rt('kiln_print_value', [stream, f.toBits(v, argType(i)), f.typeIdConst(argType(i)), last]);
      });
      return unit;
    }
    case 'len':
      return f.lengthOf(args()[0]);
    case 'push': {
      const [array, value] = args();
      rt('kiln_array_push', [array, f.toBits(value, argType(1))]);
      return unit;
    }
    case 'pop':
      return f.fromBits(rt('kiln_array_pop', args()), e.type!);
    case 'fill': {
      const [n, value] = args();
      return rt('kiln_array_fill', [n, f.toBits(value, argType(1)), f.typeIdConst(elementType(e.type!))]);
    }
    case 'int': {
      const [v] = args();
      switch (argType(0).kind) {
        case 'float':
          return b.CreateCall(mb.declare('llvm.fptosi.sat.i64.f64', mb.i64, [mb.f64]), [v]);
        case 'str':
          return rt('kiln_parse_int', [v]);
        case 'bool':
          return b.CreateZExt(v, mb.i64);
        case 'ptr':
          return b.CreatePtrToInt(v, mb.i64);
        default:
          return v;
      }
    }
    case 'float': {
      const [v] = args();
      switch (argType(0).kind) {
        case 'int':
          return b.CreateSIToFP(v, mb.f64);
        case 'str':
          return rt('kiln_parse_float', [v]);
        default:
          return v;
      }
    }
    case 'str': {
      const [v] = args();
      return argType(0).kind === 'str' ? v : rt('kiln_fmt', [f.toBits(v, argType(0)), f.typeIdConst(argType(0))]);
    }
    case 'substr':
      return rt('kiln_substr', args());
    case 'abs': {
      const [v] = args();
      if (e.type!.kind === 'float') return b.CreateCall(mb.mathFunction('llvm.fabs.f64', 1), [v]);
      return b.CreateSelect(b.CreateICmpSLT(v, mb.int(0)), b.CreateSub(mb.int(0), v), v);
    }
    case 'min':
    case 'max': {
      const [x, y] = args();
      const xFirst =
        e.type!.kind === 'float'
          ? name === 'min' ? b.CreateFCmpOLE(x, y) : b.CreateFCmpOGE(x, y)
          : name === 'min' ? b.CreateICmpSLE(x, y) : b.CreateICmpSGE(x, y);
      return b.CreateSelect(xFirst, x, y);
    }
    case 'pow':
      return b.CreateCall(mb.mathFunction('llvm.pow.f64', 2), args());
    case 'random':
      return rt('kiln_random', []);
    case 'seed':
      rt('kiln_seed', args());
      return unit;
    case 'clock':
      return rt('kiln_clock', []);
    case 'assert': {
      const [condition, message] = args();
      f.guard(b.CreateNot(condition), () => {
        f.setLine(line);
        f.raise('kiln_assert_fail', [message]);
      });
      return unit;
    }
    case 'display':
      rt('kiln_display', args());
      return unit;
    case 'display_id':
      return rt('kiln_display_id', args());
    case 'update_display':
      rt('kiln_update_display', args());
      return unit;
    case 'clear_output':
      rt('kiln_clear_output', []);
      return unit;
    case 'plot':
    case 'scatter':
      rt('kiln_chart', [mb.i32c(name === 'plot' ? 0 : 1), ...args()]);
      return unit;
    case 'hist':
      rt('kiln_hist', args());
      return unit;
    case 'bar':
      rt('kiln_bar', args());
      return unit;
    case 'progress':
      rt('kiln_progress', args());
      return unit;
    case 'input':
      return rt('kiln_input', args());
    case 'eval':
      return rt('kiln_eval', args());
  }
  if (MAP_BUILTIN_NAMES.has(name)) return lowerMapBuiltin(f, name, e);
  if (CLIB_BUILTIN_NAMES.has(name)) return lowerClibBuiltin(f, name, e);
  if (FUNCTION_BUILTIN_NAMES.has(name)) return lowerFunctionBuiltin(f, name, e);
  throw new Error(`internal error: no lowering for built-in \`${name}\``);
}
