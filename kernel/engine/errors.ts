// Compile errors (with cell:line:col, the source line and a caret) and the rendering
// of runtime errors with their Kiln call stack.
import type { Span } from './ast';

export type CompileErrorKind = 'SyntaxError' | 'NameError' | 'TypeError' | 'ImportError';

export class CompileError extends Error {
  constructor(
    readonly kind: CompileErrorKind,
    message: string,
    readonly span: Span,
  ) {
    super(message);
    this.name = kind;
  }
}

/** An Error whose name is a Kiln error kind: thrown by host callbacks (the runtime raises
 *  that kind in the calling Kiln code) and by the kernel's input(). */
export function kilnError(name: string, message: string): Error {
  const err = new Error(message);
  err.name = name;
  return err;
}

/** A Kiln error as the front ends show it: name, message and the full text (traceback). */
export interface KilnError {
  ename: string;
  evalue: string;
  /** Lines of the formatted report, the last one being `ename: evalue`. */
  traceback: string[];
}

/** Renders a compile error against the cell's source:
 *
 *    cell 3, line 2, col 13
 *        let y = x + "a"
 *                ^
 *    TypeError: cannot add `int` and `str`
 */
export function renderCompileError(err: CompileError, source: string, cell: number): KilnError {
  const { line, col } = err.span;
  const sourceLine = (source.split('\n')[line - 1] ?? '').replace(/\r$/, '');
  const chars = Array.from(sourceLine);
  const indent = chars
    .slice(0, col - 1)
    .map((c) => (c === '\t' ? '\t' : ' '))
    .join('');
  const width =
    err.span.endLine === line ? Math.max(1, Math.min(err.span.endCol, chars.length + 1) - col) : 1;
  return {
    ename: err.kind,
    evalue: err.message,
    traceback: [
      `cell ${cell}, line ${line}, col ${col}`,
      `    ${sourceLine}`,
      `    ${indent}${'^'.repeat(width)}`,
      `${err.kind}: ${err.message}`,
    ],
  };
}

/** A frame of the Kiln call stack, resolved to names. */
export interface StackFrame {
  name: string;
  cell: number;
  line: number;
}

/** Renders a runtime error Python-style, innermost frame last:
 *
 *    Traceback (most recent call last):
 *      cell 4, line 1, in <cell>
 *      cell 3, line 2, in divide
 *    ZeroDivisionError: integer division or modulo by zero
 */
export function renderRuntimeError(kind: string, message: string, frames: StackFrame[]): KilnError {
  const lines = collapseRepeats(frames.map((f) => `  cell ${f.cell}, line ${f.line}, in ${f.name}`));
  return {
    ename: kind,
    evalue: message,
    traceback: [
      ...(lines.length ? ['Traceback (most recent call last):', ...lines] : []),
      `${kind}: ${message}`,
    ],
  };
}

/** As Python does: a frame line repeated more than 3 times in a row (runaway recursion)
 *  is shown 3 times, then `[Previous line repeated N more times]`. */
function collapseRepeats(lines: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < lines.length; ) {
    let run = 1;
    while (i + run < lines.length && lines[i + run] === lines[i]) run++;
    out.push(...lines.slice(i, i + Math.min(run, 3)));
    if (run > 3) out.push(`  [Previous line repeated ${run - 3} more times]`);
    i += run;
  }
  return out;
}
