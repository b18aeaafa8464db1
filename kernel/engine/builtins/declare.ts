// How a built-in function is declared (builtins.ts lists them all; the families of 0.2
// live in this folder, one file each): its types for the checker, a signature line and
// description for inspect and completion, and how a call is lowered.
import type llvm from 'llvm-bindings';
import { Expr, Type, typeName } from '../ast';
import type { CheckExpr } from '../check-builtins';
import type { FunctionLowerer } from '../lower';

export type CallExpr = Extract<Expr, { kind: 'call' }>;

export interface Builtin {
  name: string;
  /** One-line signature, e.g. `sqrt(x: float) -> float`. */
  signature: string;
  /** One-line description. */
  doc: string;
  /** Fixed parameter types (absent for generic builtins). */
  params?: Type[];
  /** Fixed return type (absent for generic builtins). */
  ret?: Type;
  /** Checked by a rule of its own: `check` below, or a case in check-builtins.ts. */
  generic?: boolean;
  /** Lowered as a call of this runtime function on the arguments as they are (a `bool`
   *  comes back from the runtime as an i64 0/1). */
  runtime?: string;
  /** The checking rule of a generic builtin declared in a family file. */
  check?: (e: CallExpr, hint: Type | undefined, check: CheckExpr) => Expr;
  /** The lowering of a builtin declared in a family file, when it is not a plain runtime call. */
  lower?: (f: FunctionLowerer, e: CallExpr) => llvm.Value;
}

export function fixed(name: string, params: [string, Type][], ret: Type, doc: string): Builtin {
  const sig = `${name}(${params.map(([n, t]) => `${n}: ${typeName(t)}`).join(', ')})` +
    (ret.kind === 'void' ? '' : ` -> ${typeName(ret)}`);
  return { name, signature: sig, doc, params: params.map(([, t]) => t), ret };
}

export function generic(name: string, signature: string, doc: string): Builtin {
  return { name, signature, doc, generic: true };
}

/** A builtin with fixed types lowered as a call of runtime function `runtime`. */
export function runtimeCall(name: string, params: [string, Type][], ret: Type, runtime: string, doc: string): Builtin {
  return { ...fixed(name, params, ret, doc), runtime };
}
