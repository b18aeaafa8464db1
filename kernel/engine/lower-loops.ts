// Counted loops (`for i in a..b`, `for e in arr`), strip-mined for the interrupt poll, and
// which loop bodies can change an array's length: `for e in arr` checks the index against
// the current length before every step only when its body might (docs/decisions.md), so
// loops that cannot keep the plain strip-mined shape.
import type llvm from 'llvm-bindings';
import type { Block, Expr, Stmt } from './ast';
import type { FunctionLowerer } from './lower';

/** Iterations of a counted loop between two interrupt polls. */
const POLL_STRIDE = 4096;

export interface CountedLoop {
  start: llvm.Value;
  end: llvm.Value;
  bindVar: (i: llvm.Value) => void;
  body: Block;
  liveEnd?: () => llvm.Value;
  endMayChange?: boolean;
}

/** Built-ins that never change the length of an array (no push/pop, no user code, no eval). */
const LENGTH_PRESERVING = new Set([
  'print', 'eprint', 'len', 'int', 'float', 'str', 'substr', 'sqrt', 'sin', 'cos', 'tan', 'exp',
  'log', 'floor', 'ceil', 'abs', 'min', 'max', 'pow', 'random', 'seed', 'clock', 'assert', 'fill',
]);

/**
 * `for i in start..end`, strip-mined: an outer loop polls the interrupt flag every
 * POLL_STRIDE iterations and an inner loop without a poll runs the body (so it can be
 * vectorized). `liveEnd`, if given, is re-read at every chunk and, when the body may
 * change it (`endMayChange`: an array's length), before every step too: the loop ends
 * when the index reaches the current length.
 */
export function countedLoop(f: FunctionLowerer, loop: CountedLoop): void {
  const { start, end, bindVar, body, liveEnd, endMayChange = false } = loop;
  const { b, mb } = f;
  const counter = f.alloca(mb.i64);
  const chunkEndVar = f.alloca(mb.i64);
  b.CreateStore(start, counter);
  const outer = f.block('for.chunk');
  const inner = f.block('for.cond');
  const bodyBB = f.block('for.body');
  const step = f.block('for.step');
  const exit = f.block('for.end');
  b.CreateBr(outer);

  b.SetInsertPoint(outer);
  const i0 = b.CreateLoad(mb.i64, counter);
  const stop = liveEnd ? liveEnd() : end;
  const more = f.block('for.poll');
  b.CreateCondBr(b.CreateICmpSLT(i0, stop), more, exit);
  b.SetInsertPoint(more);
  f.pollInterrupt(undefined, body.span.line);
  const remaining = b.CreateSub(stop, i0);
  const chunkEnd = b.CreateSelect(
    b.CreateICmpUGT(remaining, mb.int(POLL_STRIDE)),
    b.CreateAdd(i0, mb.int(POLL_STRIDE)),
    stop,
  );
  b.CreateStore(chunkEnd, chunkEndVar);
  b.CreateBr(inner);

  b.SetInsertPoint(inner);
  const i = b.CreateLoad(mb.i64, counter);
  const chunkStop = b.CreateLoad(mb.i64, chunkEndVar);
  b.CreateCondBr(b.CreateICmpSLT(i, chunkStop), bodyBB, outer);

  b.SetInsertPoint(bodyBB);
  if (liveEnd && endMayChange) {
    const inRange = f.block('for.bind');
    b.CreateCondBr(b.CreateICmpSLT(i, liveEnd()), inRange, exit);
    b.SetInsertPoint(inRange);
  }
  bindVar(i);
  f.loopBody(body, exit, step);
  if (!f.terminated()) b.CreateBr(step);

  b.SetInsertPoint(step);
  b.CreateStore(b.CreateAdd(b.CreateLoad(mb.i64, counter), mb.int(1)), counter);
  b.CreateBr(inner);
  b.SetInsertPoint(exit);
}

/** False only if nothing in `block` can change the length of any array. Conservative:
 *  a call of a user function, of an unlisted built-in or an unknown construct counts. */
export function mayChangeLength(block: Block): boolean {
  return block.stmts.some(stmtMay);
}

function stmtMay(s: Stmt): boolean {
  switch (s.kind) {
    case 'let':
      return exprMay(s.init);
    case 'assign':
      return exprMay(s.target) || exprMay(s.value);
    case 'expr':
      return exprMay(s.expr);
    case 'if':
      return exprMay(s.cond) || mayChangeLength(s.then) || (s.else !== undefined && mayChangeLength(s.else));
    case 'while':
      return exprMay(s.cond) || mayChangeLength(s.body);
    case 'for':
      return exprMay(s.start) || exprMay(s.end) || mayChangeLength(s.body);
    case 'foreach':
      return exprMay(s.iter) || mayChangeLength(s.body);
    case 'return':
      return s.value !== undefined && exprMay(s.value);
    case 'block':
      return mayChangeLength(s.block);
    case 'break':
    case 'continue':
      return false;
    default:
      return true;
  }
}

function exprMay(e: Expr): boolean {
  switch (e.kind) {
    case 'int':
    case 'float':
    case 'bool':
    case 'str':
    case 'name':
      return false;
    case 'unary':
    case 'promote':
      return exprMay(e.operand);
    case 'binary':
      return exprMay(e.left) || exprMay(e.right);
    case 'call':
      return e.target?.kind !== 'builtin' || !LENGTH_PRESERVING.has(e.callee) || e.args.some(exprMay);
    case 'index':
      return exprMay(e.target) || exprMay(e.index);
    case 'field':
      return exprMay(e.target);
    case 'array':
      return e.elems.some(exprMay);
    case 'structlit':
      return e.fields.some((f) => exprMay(f.value));
    default:
      return true;
  }
}
