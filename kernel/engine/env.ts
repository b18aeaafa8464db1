// The session's environment as a checker sees it: what earlier cells defined, plus what
// the cell being checked adds. Copying the session's maps for every cell cost time in
// proportion to the session's size (2.7 ms a cell once 10,000 functions were defined), so
// a cell's additions sit in a layer over the session's maps and are written into them
// only when the cell is committed; a cell that fails to compile leaves them untouched.
import type { Env } from './ast';

/** A Map that reads through to `base` and keeps its own writes apart until commit(). */
export class LayeredMap<K, V> extends Map<K, V> {
  private readonly removed = new Set<K>();

  constructor(private readonly base: Map<K, V>) {
    super();
  }

  override get(key: K): V | undefined {
    if (super.has(key)) return super.get(key);
    return this.removed.has(key) ? undefined : this.base.get(key);
  }

  override has(key: K): boolean {
    return super.has(key) || (!this.removed.has(key) && this.base.has(key));
  }

  override set(key: K, value: V): this {
    this.removed?.delete(key); // (Map's constructor calls set before fields exist)
    return super.set(key, value);
  }

  override delete(key: K): boolean {
    const had = this.has(key);
    super.delete(key);
    if (this.base.has(key)) this.removed.add(key);
    return had;
  }

  override get size(): number {
    let n = 0;
    for (const _ of this.keys()) n++;
    return n;
  }

  /** Base entries first (with this layer's values), then new keys: Map's own order. */
  override *entries(): MapIterator<[K, V]> {
    for (const [key, value] of this.base) {
      if (this.removed.has(key)) continue;
      yield [key, super.has(key) ? super.get(key)! : value];
    }
    for (const entry of super.entries()) if (!this.base.has(entry[0])) yield entry;
  }

  override *keys(): MapIterator<K> {
    for (const [key] of this.entries()) yield key;
  }

  override *values(): MapIterator<V> {
    for (const [, value] of this.entries()) yield value;
  }

  override [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }

  override forEach(fn: (value: V, key: K, map: Map<K, V>) => void, thisArg?: unknown): void {
    for (const [key, value] of this.entries()) fn.call(thisArg, value, key, this);
  }

  override clear(): void {
    for (const key of this.base.keys()) this.removed.add(key);
    super.clear();
  }

  /** Writes this layer into the base map and returns it. */
  commit(): Map<K, V> {
    for (const key of this.removed) this.base.delete(key);
    for (const [key, value] of super.entries()) this.base.set(key, value);
    return this.base;
  }
}

/** A layer over `env` for checking one cell. */
export function layerEnv(env: Env): Env {
  return {
    functions: new LayeredMap(env.functions),
    globals: new LayeredMap(env.globals),
    structs: new LayeredMap(env.structs),
  };
}

/** The session's environment after committing a checked cell's layer (in place). */
export function commitEnv(env: Env): Env {
  const commit = <K, V>(map: Map<K, V>): Map<K, V> => (map instanceof LayeredMap ? map.commit() : map);
  return { functions: commit(env.functions), globals: commit(env.globals), structs: commit(env.structs) };
}
