// The typing rules of the built-in operations: the operators, and calls to built-in
// functions (builtins.ts lists them) with the argument-list check shared with calls to
// user functions. check.ts checks an operator's operands, or resolves a call's callee,
// and calls in here; a call rule checks the arguments through `check` (the checker's
// expression rule, in the caller's scope). Each rule sets the expression's type.
//
// Operators:
// - `-x` takes int or float, `!x` takes bool.
// - `+ - * / %` take int/float (mixed → float, the int side promoted); `+` also joins
//   two strs.
// - Comparisons: `< <= > >=` on int/float (mixed → float) and str; `==`/`!=` also on
//   bool. Arrays and structs cannot be compared.
// - `&&`/`||` take bools.
// - `x op= v`: on an int, v must be an int; on a float, an int or a float; `+=` also
//   appends to a str.
// - A binary type error points at the right operand ("cannot add `int` and `str`"),
//   unless the left one is an array, a struct or void.
//
// A call of a builtin is checked by the builtin's own rule (`check`, in its family's
// file under builtins/), or else like a call of a user function against its fixed
// parameter types (an `int` argument is promoted where a `float` is expected).
import { AssignOp, BOOL, Expr, FLOAT, PTR, STR, Type } from './ast';
import type { Builtin } from './builtins';
import { coerce, isNumeric, numericType, q, typeErr } from './check-util';

type Unary = Expr & { kind: 'unary' };
type Binary = Expr & { kind: 'binary' };
type Call = Expr & { kind: 'call' };

/** Checks an expression in the caller's scope; `hint` is the type the context expects. */
export type CheckExpr = (e: Expr, hint?: Type) => Expr;

/** The messages of `a op b` when op cannot apply to the operand types (given quoted). */
const ARITHMETIC_ERRORS: Record<'+' | '-' | '*' | '/' | '%', (l: string, r: string) => string> = {
  '+': (l, r) => `cannot add ${l} and ${r}`,
  '-': (l, r) => `cannot subtract ${r} from ${l}`,
  '*': (l, r) => `cannot multiply ${l} and ${r}`,
  '/': (l, r) => `cannot divide ${l} by ${r}`,
  '%': (l, r) => `cannot take the remainder of ${l} by ${r}`,
};

// ---- operators ----

/** Types `-x` or `!x` (operand already checked). */
export function checkUnary(e: Unary): Expr {
  const t = e.operand.type!;
  if (e.op === '-') {
    if (!isNumeric(t)) typeErr(`cannot negate ${q(t)}`, e.operand.span);
  } else if (t.kind !== 'bool') {
    typeErr(`\`!\` needs a \`bool\` operand, found ${q(t)}`, e.operand.span);
  }
  e.type = t;
  return e;
}

/** Types a binary operation (operands already checked), promoting int operands where the other is a float. */
export function checkBinary(e: Binary): Expr {
  const lt = e.left.type!;
  const rt = e.right.type!;
  const numeric = (): Type | undefined => {
    const operands = [e.left, e.right];
    const t = numericType(operands);
    [e.left, e.right] = operands;
    return t;
  };
  const fail = (msg: string): never => typeErr(msg, isOkOperand(lt) ? e.right.span : e.left.span);
  switch (e.op) {
    case '+':
    case '-':
    case '*':
    case '/':
    case '%': {
      let t = numeric();
      if (!t && e.op === '+' && lt.kind === 'str' && rt.kind === 'str') t = STR;
      if (!t) fail(ARITHMETIC_ERRORS[e.op](q(lt), q(rt)));
      e.operandType = t;
      e.type = t;
      return e;
    }
    case '<':
    case '<=':
    case '>':
    case '>=':
    case '==':
    case '!=': {
      let t = numeric();
      if (!t && lt.kind === 'str' && rt.kind === 'str') t = STR;
      if (!t && (e.op === '==' || e.op === '!=') && lt.kind === 'bool' && rt.kind === 'bool') t = BOOL;
      if (lt.kind === 'fn' || rt.kind === 'fn') typeErr('function values cannot be compared', e.span);
      if (!t && (e.op === '==' || e.op === '!=') && lt.kind === 'ptr' && rt.kind === 'ptr') t = PTR;
      if (!t) fail(`cannot compare ${q(lt)} and ${q(rt)}`);
      e.operandType = t;
      e.type = BOOL;
      return e;
    }
    case '&&':
    case '||': {
      for (const x of [e.left, e.right]) {
        if (x.type!.kind !== 'bool') typeErr(`\`${e.op}\` needs \`bool\` operands, found ${q(x.type!)}`, x.span);
      }
      e.operandType = BOOL;
      e.type = BOOL;
      return e;
    }
  }
}

/** Types the value of `target op= value` (both already checked): returns value, promoted where needed. */
export function checkCompoundAssign(op: AssignOp, target: Expr, value: Expr): Expr {
  const tt = target.type!;
  const vt = value.type!;
  if (tt.kind === 'str' && op === '+=') return coerce(value, STR);
  if (tt.kind === 'int') {
    if (vt.kind === 'float') typeErr(`expected \`int\`, found \`float\``, value.span);
    if (vt.kind !== 'int') typeErr(`cannot apply \`${op}\` to \`int\` and ${q(vt)}`, value.span);
    return value;
  }
  if (tt.kind === 'float') {
    if (!isNumeric(vt)) typeErr(`cannot apply \`${op}\` to \`float\` and ${q(vt)}`, value.span);
    return coerce(value, FLOAT);
  }
  typeErr(`cannot apply \`${op}\` to ${q(tt)}`, target.span);
}

function isOkOperand(t: Type): boolean {
  return t.kind === 'int' || t.kind === 'float' || t.kind === 'str' || t.kind === 'bool';
}

// ---- calls ----

export function argCount(e: Call, n: number | [number, number]): void {
  const [lo, hi] = typeof n === 'number' ? [n, n] : n;
  const k = e.args.length;
  if (k < lo || k > hi) {
    const want = lo === hi ? `${lo} argument${lo === 1 ? '' : 's'}` : `${lo} to ${hi} arguments`;
    typeErr(`\`${e.callee}\` takes ${want}, found ${k}`, e.span);
  }
}

/** Checks a call against fixed parameter types (promoting int → float) and gives it type `ret`. */
export function checkArgs(e: Call, params: Type[], ret: Type, check: CheckExpr): Expr {
  argCount(e, params.length);
  e.args = e.args.map((a, i) => coerce(check(a, params[i]), params[i]));
  e.type = ret;
  return e;
}

/** Checks a call of builtin `b` (e.target already set); `hint` is the type the context expects. */
export function checkBuiltinCall(e: Call, b: Builtin, hint: Type | undefined, check: CheckExpr): Expr {
  if (b.check) return b.check(e, hint, check);
  return checkArgs(e, b.params!, b.ret!, check);
}
