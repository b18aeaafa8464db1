// Lowering of calls to built-in functions (LANGUAGE.md "Built-in functions"): each
// builtin's own `lower` hook (inline IR, LLVM intrinsics, runtime calls; in its family's
// file under builtins/), or else a plain call of its runtime function
// (docs/runtime-abi.md).
import type llvm from 'llvm-bindings';
import { BUILTINS } from './builtins';
import type { CallExpr } from './builtins/declare';
import type { FunctionLowerer } from './lower';

export function lowerBuiltin(f: FunctionLowerer, name: string, e: CallExpr): llvm.Value {
  const builtin = BUILTINS.get(name);
  if (builtin?.lower) return builtin.lower(f, e);
  if (!builtin?.runtime) throw new Error(`internal error: no lowering for built-in \`${name}\``);
  const { b, mb } = f;
  const result = f.callRuntime(builtin.runtime, e.args.map((a) => f.expr(a)), e.span.line);
  const ret = builtin.ret!.kind;
  // A bool comes back from the runtime as an i64 0/1; a void call's value is never used.
  return ret === 'bool' ? b.CreateICmpNE(result, mb.int(0)) : ret === 'void' ? mb.int(0) : result;
}
