// The session's global variables at run time: their 8-byte slots (GC roots allocated by
// the addon), what happens to them when a cell fails before their `let` has run, and
// when their memory can be given back.
//
// - A cell's entry records in a progress word how many of its new globals' `let`s have
//   run; after a failed run the others are forgotten (LANGUAGE.md: only globals whose
//   `let` ran stay). A later `let` of the same name and type takes over a forgotten slot,
//   which the failed cell's functions (defined first) read.
// - A slot is dropped when nothing can read it any more: all of them at %reset, and the
//   slot of a global re-declared with another type once the new `let` has run, unless a
//   function was compiled to read it. A dropped slot is zeroed (its value becomes garbage
//   for the collector) and reused.
import { sameType, type CheckedCell, type Env, type GlobalInfo } from './ast';
import type { NativeAddon } from './native-api';

/** A cell's new globals, numbered from 1 in the order of their first `let`, and its progress word. */
export interface GlobalProgress {
  word: number;
  ordinals: Map<GlobalInfo, number>;
  /** The global each new one replaced in the session (a `let` with a different type). */
  replaced: Map<GlobalInfo, GlobalInfo | undefined>;
}

export class SessionGlobals {
  private readonly freeProgressWords: number[] = [];
  /** Globals whose `let` never ran (their cell failed first), by name. */
  private readonly unran = new Map<string, GlobalInfo>();
  private readonly slotsInUse = new Set<number>();
  private readonly freeSlots: number[] = [];
  /** Slots that a function's code reads or writes (kept while the function may run). */
  private readonly readByFunctions = new Set<number>();

  constructor(private readonly native: NativeAddon) {}

  /** The globals `checked` declares afresh (before their slots are assigned). */
  progressFor(checked: CheckedCell, env: Env): GlobalProgress | undefined {
    const fresh = checked.globals.filter((g) => g.slot === undefined);
    if (fresh.length === 0) return undefined;
    return {
      word: this.freeProgressWords.pop() ?? this.native.allocGlobal(),
      ordinals: new Map(fresh.map((g, i) => [g, i + 1])),
      replaced: new Map(fresh.map((g) => [g, env.globals.get(g.name)])),
    };
  }

  /** A slot for a new global: a forgotten one of the same name and type, or a free one. */
  assignSlot(global: GlobalInfo): void {
    const unran = this.unran.get(global.name);
    if (unran && sameType(unran.type, global.type)) {
      global.slot = unran.slot;
      return;
    }
    const slot = this.freeSlots.pop() ?? this.native.allocGlobal();
    this.slotsInUse.add(slot);
    global.slot = slot;
    if (global.type.kind === 'str') this.native.writeWord(slot, this.native.emptyString());
  }

  /** Lowering saw a function body use this global. */
  usedByFunction(global: GlobalInfo): void {
    this.readByFunctions.add(global.slot!);
  }

  /** The cell compiled and joined the session. */
  committed(checked: CheckedCell, progress: GlobalProgress | undefined): void {
    for (const global of checked.globals) this.unran.delete(global.name);
    if (progress) this.native.writeWord(progress.word, 0);
  }

  /** The cell did not compile: its progress word goes back. (Slots assigned to its new
   *  globals are not reclaimed: a failed compile is rare and they hold nothing.) */
  abandoned(progress: GlobalProgress | undefined): void {
    if (progress) this.freeProgressWords.push(progress.word);
  }

  /**
   * After the cell's entry ran (`ok` or not): forgets the globals whose `let` did not run,
   * and drops the slots of globals replaced by a `let` that ran, when `mayDrop` (no
   * frame of older code is running: not inside eval).
   */
  settle(progress: GlobalProgress, ok: boolean, env: Env, mayDrop: boolean): void {
    const ran = ok ? Infinity : this.native.readWord(progress.word);
    for (const [global, ordinal] of progress.ordinals) {
      const replaced = progress.replaced.get(global);
      if (ordinal > ran) this.forget(global, replaced, env);
      else if (replaced && mayDrop && !this.readByFunctions.has(replaced.slot!)) this.drop(replaced.slot!);
    }
    this.freeProgressWords.push(progress.word);
  }

  private forget(global: GlobalInfo, replaced: GlobalInfo | undefined, env: Env): void {
    if (env.globals.get(global.name) !== global) return; // re-declared since (by eval)
    if (replaced) env.globals.set(global.name, replaced);
    else env.globals.delete(global.name);
    this.unran.set(global.name, global);
  }

  private drop(slot: number): void {
    if (!this.slotsInUse.delete(slot)) return;
    this.native.writeWord(slot, 0);
    this.freeSlots.push(slot);
  }

  /** %reset: no code can read any slot now. */
  reset(): void {
    for (const slot of [...this.slotsInUse]) this.drop(slot);
    this.unran.clear();
    this.readByFunctions.clear();
  }

  /** Slots holding a global, for tests and the soak figures. */
  get slotCount(): number {
    return this.slotsInUse.size;
  }
}
