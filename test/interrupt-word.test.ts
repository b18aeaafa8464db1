// The interrupt word and the call limit (kernel/engine/interrupt-word.ts): every writer keeps
// the limit dropped exactly while the word is set, which is what a function's one entry
// check relies on (lower.ts checkEntry).
import { CALL_LIMIT, clearInterruptWord, INTERRUPT_WORD, interruptStores, newInterruptWords, setInterruptWord, setInterruptWordIfClear } from '../kernel/engine/interrupt-word';
import { CALL_LIMIT_SLOW, INTERRUPT_REQUESTED, RECURSION_LIMIT, REDEFINED_WHILE_RUNNING } from '../kernel/engine/runtime-abi';

const state = (words: Int32Array) => [words[INTERRUPT_WORD], words[CALL_LIMIT]];

test('a fresh pair: the word clear, the limit the recursion limit', () => {
  const words = newInterruptWords();
  expect(words.buffer).toBeInstanceOf(SharedArrayBuffer);
  expect(state(words)).toEqual([0, RECURSION_LIMIT]);
});

test('setting the word drops the limit; clearing it restores the limit', () => {
  const words = newInterruptWords();
  setInterruptWord(words, INTERRUPT_REQUESTED);
  expect(state(words)).toEqual([INTERRUPT_REQUESTED, CALL_LIMIT_SLOW]);
  clearInterruptWord(words);
  expect(state(words)).toEqual([0, RECURSION_LIMIT]);
});

test('a redefinition sets a clear word only, and clears only its own value', () => {
  const words = newInterruptWords();
  expect(setInterruptWordIfClear(words, REDEFINED_WHILE_RUNNING)).toBe(true);
  expect(state(words)).toEqual([REDEFINED_WHILE_RUNNING, CALL_LIMIT_SLOW]);
  setInterruptWord(words, INTERRUPT_REQUESTED);
  expect(setInterruptWordIfClear(words, REDEFINED_WHILE_RUNNING)).toBe(false);
  // The cell's end clears a redefinition, never an interrupt that came meanwhile.
  clearInterruptWord(words, REDEFINED_WHILE_RUNNING);
  expect(state(words)).toEqual([INTERRUPT_REQUESTED, CALL_LIMIT_SLOW]);
});

test('a word set between the clear and the restored limit keeps the limit dropped', () => {
  // The interrupter's two stores land between the clear's: the word after the clear
  // stored 0, the dropped limit before the clear restores it.
  const words = newInterruptWords();
  setInterruptWord(words, INTERRUPT_REQUESTED);
  const store = Atomics.store.bind(Atomics) as (array: Int32Array, index: number, value: number) => number;
  let raced = false;
  const racingStore = (array: Int32Array, index: number, value: number): number => {
    const result = store(array, index, value);
    if (!raced && index === INTERRUPT_WORD && value === 0) {
      raced = true;
      for (const [element, stored] of interruptStores(INTERRUPT_REQUESTED)) store(words, element, stored);
    }
    return result;
  };
  const spy = jest.spyOn(Atomics, 'store').mockImplementation(racingStore as typeof Atomics.store);
  try {
    clearInterruptWord(words);
  } finally {
    spy.mockRestore();
  }
  expect(raced).toBe(true);
  expect(state(words)).toEqual([INTERRUPT_REQUESTED, CALL_LIMIT_SLOW]);
});
