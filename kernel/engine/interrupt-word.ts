// The interrupt word and the call limit: two Int32 elements of one SharedArrayBuffer that
// the kernel's main thread, the engine and JIT code share (docs/runtime-abi.md). Loops poll
// the word; a function's entry compares its depth with the limit, one compare for both
// the recursion limit and the word: whoever sets the word drops the limit, so the next
// call takes its cold path and looks at the word there. Every writer goes through these
// functions (and kiln_interrupted in native/src/runtime.cc, which clears the same way).
// No LLVM here: the main thread loads this file.
import { CALL_LIMIT_SLOW, RECURSION_LIMIT } from './runtime-abi';

/** Element 0: `kiln_interrupt` (0, INTERRUPT_REQUESTED or REDEFINED_WHILE_RUNNING). */
export const INTERRUPT_WORD = 0;
/** Element 1: `kiln_call_limit`, RECURSION_LIMIT while the word is 0, else CALL_LIMIT_SLOW. */
export const CALL_LIMIT = 1;

/** A fresh pair: the word 0, the limit RECURSION_LIMIT. */
export function newInterruptWords(): Int32Array {
  const words = new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT));
  words[CALL_LIMIT] = RECURSION_LIMIT;
  return words;
}

/** The stores that set the word to `value`, in order, as [element, value]: the word first, so
 *  a call that sees the dropped limit finds it set. Data, for a thread that cannot load this
 *  file (a worker given source text: the tests' and the soak's interrupters). */
export function interruptStores(value: number): [element: number, value: number][] {
  return [
    [INTERRUPT_WORD, value],
    [CALL_LIMIT, CALL_LIMIT_SLOW],
  ];
}

/** Sets the word (interruptStores). */
export function setInterruptWord(words: Int32Array, value: number): void {
  for (const [element, stored] of interruptStores(value)) Atomics.store(words, element, stored);
}

/** Sets the word to `value` if it is 0; true if it did. */
export function setInterruptWordIfClear(words: Int32Array, value: number): boolean {
  if (Atomics.compareExchange(words, INTERRUPT_WORD, 0, value) !== 0) return false;
  Atomics.store(words, CALL_LIMIT, CALL_LIMIT_SLOW);
  return true;
}

/** Clears the word (only if it holds `expected`, when given) and restores the limit. */
export function clearInterruptWord(words: Int32Array, expected?: number): void {
  if (expected === undefined) Atomics.store(words, INTERRUPT_WORD, 0);
  else if (Atomics.compareExchange(words, INTERRUPT_WORD, expected, 0) !== expected) return;
  Atomics.store(words, CALL_LIMIT, RECURSION_LIMIT);
  // A writer that set the word meanwhile may have dropped the limit before the store
  // above: the limit is dropped again (setInterruptWord stores the word first).
  if (Atomics.load(words, INTERRUPT_WORD) !== 0) Atomics.store(words, CALL_LIMIT, CALL_LIMIT_SLOW);
}
