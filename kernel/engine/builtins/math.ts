// The math built-ins (LANGUAGE.md "Built-in functions"): the float functions are LLVM
// intrinsics (tan: the C library's), abs/min/max are inline IR, random/seed/clock calls
// of the runtime.
//
// - `abs(x)` has the type of x; `min`/`max` of two ints is an int, with a float both
//   are promoted.
import type llvm from 'llvm-bindings';
import { FLOAT, INT, VOID } from '../ast';
import { argCount } from '../check-builtins';
import { isNumeric, numericType, q, typeErr } from '../check-util';
import type { FunctionLowerer } from '../lower';
import { argValues, Builtin, CallExpr, fixed, generic, runtimeCall } from './declare';

/** A float function of the floats `params` lowered as a call of the LLVM intrinsic (or C function) `intrinsic`. */
function mathFunction(name: string, params: string[], intrinsic: string, doc: string): Builtin {
  return fixed(name, params.map((p) => [p, FLOAT]), FLOAT, doc,
    (f, e) => f.b.CreateCall(f.mb.mathFunction(intrinsic, params.length), argValues(f, e)));
}

function lowerMinMax(f: FunctionLowerer, e: CallExpr): llvm.Value {
  const { b } = f;
  const [x, y] = argValues(f, e);
  const isMin = e.callee === 'min';
  const xFirst = e.type!.kind === 'float'
    ? isMin ? b.CreateFCmpOLE(x, y) : b.CreateFCmpOGE(x, y)
    : isMin ? b.CreateICmpSLE(x, y) : b.CreateICmpSGE(x, y);
  return b.CreateSelect(xFirst, x, y);
}

const minMax = (name: 'min' | 'max', doc: string): Builtin =>
  generic(name, `${name}(a: int | float, b: int | float) -> int | float`, doc,
    (e, _hint, check) => {
      argCount(e, 2);
      e.args = e.args.map((a) => check(a));
      for (const x of e.args) {
        if (!isNumeric(x.type!)) typeErr(`\`${name}\` needs \`int\` or \`float\` arguments, found ${q(x.type!)}`, x.span);
      }
      e.type = numericType(e.args);
      return e;
    },
    lowerMinMax);

export const MATH_BUILTINS: Builtin[] = [
  mathFunction('sqrt', ['x'], 'llvm.sqrt.f64', 'Square root.'),
  mathFunction('sin', ['x'], 'llvm.sin.f64', 'Sine (radians).'),
  mathFunction('cos', ['x'], 'llvm.cos.f64', 'Cosine (radians).'),
  mathFunction('tan', ['x'], 'tan', 'Tangent (radians).'),
  mathFunction('exp', ['x'], 'llvm.exp.f64', 'e raised to the power x.'),
  mathFunction('log', ['x'], 'llvm.log.f64', 'Natural logarithm.'),
  mathFunction('floor', ['x'], 'llvm.floor.f64', 'Largest integral value not greater than x (as a float).'),
  mathFunction('ceil', ['x'], 'llvm.ceil.f64', 'Smallest integral value not less than x (as a float).'),
  generic('abs', 'abs(x: int | float) -> int | float', 'Absolute value.',
    (e, _hint, check) => {
      argCount(e, 1);
      const t = (e.args[0] = check(e.args[0])).type!;
      if (!isNumeric(t)) typeErr(`\`abs\` needs an \`int\` or a \`float\`, found ${q(t)}`, e.args[0].span);
      e.type = t;
      return e;
    },
    (f, e) => {
      const { b, mb } = f;
      const [v] = argValues(f, e);
      if (e.type!.kind === 'float') return b.CreateCall(mb.mathFunction('llvm.fabs.f64', 1), [v]);
      return b.CreateSelect(b.CreateICmpSLT(v, mb.int(0)), b.CreateSub(mb.int(0), v), v);
    }),
  minMax('min', 'The smaller of a and b (float if either is a float).'),
  minMax('max', 'The larger of a and b (float if either is a float).'),
  mathFunction('pow', ['x', 'y'], 'llvm.pow.f64', 'x raised to the power y.'),
  runtimeCall('random', [], FLOAT, 'kiln_random', 'A uniform random float in [0, 1).'),
  runtimeCall('seed', [['n', INT]], VOID, 'kiln_seed', 'Seeds random() so that it is repeatable.'),
  runtimeCall('clock', [], FLOAT, 'kiln_clock', 'Seconds from a monotonic clock.'),
];
