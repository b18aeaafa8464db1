// Lowering of expressions: values in registers, with the checks LANGUAGE.md asks for
// (integer division by zero, INT64_MIN / -1, bounds) made explicit in the IR.
import llvm from 'llvm-bindings';
import type { Expr, FnType, MapType, Type } from './ast';
import type { FunctionLowerer } from './lower';
import { lowerBuiltin } from './lower-builtins';
import { callValue, lambdaValue } from './lower-closures';
import { callExtern } from './lower-extern';
import { lowerMapLiteral, mapGet } from './lower-maps';

export function lowerExpr(f: FunctionLowerer, e: Expr): llvm.Value {
  const { b, mb } = f;
  switch (e.kind) {
    case 'int':
      return mb.int(e.value);
    case 'float':
      return mb.float(e.value);
    case 'bool':
      return mb.bool(e.value);
    case 'null':
      return llvm.ConstantPointerNull.get(mb.ptr);
    case 'str':
      return mb.stringLiteral(e.value);
    case 'name':
      return f.loadVar(e.ref!, e.span.line);
    case 'promote':
      return b.CreateSIToFP(lowerExpr(f, e.operand), mb.f64);
    case 'unary': {
      const v = lowerExpr(f, e.operand);
      if (e.op === '!') return b.CreateNot(v);
      return e.type!.kind === 'float' ? b.CreateFNeg(v) : b.CreateSub(mb.int(0), v);
    }
    case 'binary':
      return binary(f, e);
    case 'call':
      return call(f, e);
    case 'index': {
      const array = lowerExpr(f, e.target);
      const index = lowerExpr(f, e.index);
      if (e.target.type!.kind === 'map') return mapGet(f, array, index, e.target.type as MapType, e.span.line);
      const address = f.elementAddress(array, index, e.type!, e.span.line);
      return f.fromMem(b.CreateLoad(mb.memType(e.type!), address), e.type!);
    }
    case 'field': {
      const address = f.fieldAddress(lowerExpr(f, e.target), e.fieldIndex!, e.type!);
      return f.fromMem(b.CreateLoad(mb.memType(e.type!), address), e.type!);
    }
    case 'array': {
      const elem = (e.type as Extract<Type, { kind: 'array' }>).elem;
      const array = f.callRuntime('kiln_array_new', [mb.int(e.elems.length), f.typeIdConst(elem)], e.span.line);
      const data = f.dataPointer(array, elem);
      e.elems.forEach((el, i) => {
        b.CreateStore(f.toMem(lowerExpr(f, el), elem), f.elementSlot(data, mb.int(i), elem));
      });
      return array;
    }
    case 'structlit': {
      const def = e.def!;
      const object = f.callRuntime('kiln_alloc', [mb.int(8 * Math.max(1, def.fields.length))], e.span.line);
      for (const field of e.fields) {
        const fieldType = def.fields[field.fieldIndex!].type;
        b.CreateStore(f.toMem(lowerExpr(f, field.value), fieldType), f.fieldAddress(object, field.fieldIndex!, fieldType));
      }
      return object;
    }
    case 'map':
      return lowerMapLiteral(f, e);
    case 'lambda':
      return lambdaValue(f, e);
  }
}

function binary(f: FunctionLowerer, e: Extract<Expr, { kind: 'binary' }>): llvm.Value {
  const { b, mb } = f;
  if (e.op === '&&' || e.op === '||') {
    const left = lowerExpr(f, e.left);
    const leftEnd = b.GetInsertBlock()!;
    const rightBB = f.block(e.op === '&&' ? 'and.rhs' : 'or.rhs');
    const join = f.block(e.op === '&&' ? 'and.end' : 'or.end');
    if (e.op === '&&') b.CreateCondBr(left, rightBB, join);
    else b.CreateCondBr(left, join, rightBB);
    b.SetInsertPoint(rightBB);
    const right = lowerExpr(f, e.right);
    const rightEnd = b.GetInsertBlock()!;
    b.CreateBr(join);
    b.SetInsertPoint(join);
    const phi = b.CreatePHI(mb.i1, 2);
    phi.addIncoming(mb.bool(e.op === '||'), leftEnd);
    phi.addIncoming(right, rightEnd);
    return phi;
  }
  const left = lowerExpr(f, e.left);
  const right = lowerExpr(f, e.right);
  const t = e.operandType!;
  switch (e.op) {
    case '+':
    case '-':
    case '*':
    case '/':
    case '%':
      return arithmetic(f, e.op, t, left, right, e.span.line);
    default:
      return compare(f, e.op, t, left, right, e.span.line);
  }
}

export function arithmetic(f: FunctionLowerer, op: '+' | '-' | '*' | '/' | '%', t: Type, left: llvm.Value, right: llvm.Value, line: number): llvm.Value {
  const { b, mb } = f;
  if (t.kind === 'str') return f.callRuntime('kiln_str_concat', [left, right], line);
  if (t.kind === 'float') {
    const ops = { '+': 'CreateFAdd', '-': 'CreateFSub', '*': 'CreateFMul', '/': 'CreateFDiv', '%': 'CreateFRem' } as const;
    return b[ops[op]](left, right);
  }
  switch (op) {
    case '+':
      return b.CreateAdd(left, right);
    case '-':
      return b.CreateSub(left, right);
    case '*':
      return b.CreateMul(left, right);
    default: {
      f.guard(b.CreateICmpEQ(right, mb.int(0)), () => {
        f.setLine(line);
        f.raise('kiln_zero_division', []);
      });
      // INT64_MIN / -1 overflows (undefined in LLVM): divide by 1 instead, which gives
      // the wrapped quotient INT64_MIN and the remainder 0.
      const overflow = b.CreateAnd(b.CreateICmpEQ(left, mb.int(-(2n ** 63n))), b.CreateICmpEQ(right, mb.int(-1)));
      const divisor = b.CreateSelect(overflow, mb.int(1), right);
      return op === '/' ? b.CreateSDiv(left, divisor) : b.CreateSRem(left, divisor);
    }
  }
}

function compare(f: FunctionLowerer, op: string, t: Type, left: llvm.Value, right: llvm.Value, line: number): llvm.Value {
  const { b, mb } = f;
  if (t.kind === 'str') {
    left = f.callRuntime('kiln_str_cmp', [left, right], line);
    right = mb.int(0);
  }
  if (t.kind === 'float') {
    const ops = { '==': 'CreateFCmpOEQ', '!=': 'CreateFCmpUNE', '<': 'CreateFCmpOLT', '<=': 'CreateFCmpOLE', '>': 'CreateFCmpOGT', '>=': 'CreateFCmpOGE' } as const;
    return b[ops[op as keyof typeof ops]](left, right);
  }
  const ops = { '==': 'CreateICmpEQ', '!=': 'CreateICmpNE', '<': 'CreateICmpSLT', '<=': 'CreateICmpSLE', '>': 'CreateICmpSGT', '>=': 'CreateICmpSGE' } as const;
  return b[ops[op as keyof typeof ops]](left, right);
}

function call(f: FunctionLowerer, e: Extract<Expr, { kind: 'call' }>): llvm.Value {
  const target = e.target!;
  if (target.kind === 'builtin') {
    // eval, and the built-ins that call a function value (map, filter, sort_by).
    if (target.name === 'eval' || e.args.some((a) => a.type?.kind === 'fn')) f.mayRunOtherKilnCode = true;
    return lowerBuiltin(f, target.name, e);
  }
  if (target.kind === 'value') {
    f.mayRunOtherKilnCode = true;
    const callee = lowerExpr(f, target.callee);
    const args = e.args.map((a) => lowerExpr(f, a));
    return callValue(f, callee, target.callee.type as FnType, args, e.span.line);
  }
  const fn = target.fn;
  if (fn.extern) return callExtern(f, fn, e); // C code cannot call Kiln code
  const args = [f.b.CreateAdd(f.frameDepth, f.mb.int(1)), ...e.args.map((a) => lowerExpr(f, a))];
  if (fn === f.self) {
    // Direct: the optimizer may turn it into a loop or inline it; the callee's prologue
    // passes the call on if an eval has redefined the function meanwhile (lower.ts).
    f.callsItself = true;
    return f.selfCall(args, e.span.line);
  }
  f.setLine(e.span.line);
  f.mayRunOtherKilnCode = true;
  return f.b.CreateCall(f.mb.kilnFunctionType(fn), f.mb.loadSlot(fn), args);
}
