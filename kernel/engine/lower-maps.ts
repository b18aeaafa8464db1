// Lowering of maps (docs/runtime-abi.md "Maps"): every operation is a call into the
// runtime's hash table (native/src/map.cc); keys and values cross as i64 bits.
import llvm from 'llvm-bindings';
import type { Block, Expr, MapType, Type } from './ast';
import type { FunctionLowerer } from './lower';

/** The runtime's map header: the size-change counter `for k in m` watches. */
const CHANGES_OFFSET = 8;

/** A map literal: a table sized for its entries, then each entry set in order (key, then value). */
export function lowerMapLiteral(f: FunctionLowerer, e: Expr & { kind: 'map' }): llvm.Value {
  const t = e.type as MapType;
  const line = e.span.line;
  const map = f.callRuntime('kiln_map_new', [f.typeIdConst(t.key), f.typeIdConst(t.value), f.mb.int(e.entries.length)], line);
  for (const entry of e.entries) {
    const key = f.expr(entry.key);
    const value = f.expr(entry.value);
    mapSet(f, map, key, value, t, line);
  }
  return map;
}

/** `m[k]` (KeyError if k is absent). */
export function mapGet(f: FunctionLowerer, map: llvm.Value, key: llvm.Value, t: MapType, line: number): llvm.Value {
  return f.fromBits(f.callRuntime('kiln_map_get', [map, f.toBits(key, t.key)], line), t.value);
}

/** `m[k] = v`: inserts, or replaces in place. */
export function mapSet(f: FunctionLowerer, map: llvm.Value, key: llvm.Value, value: llvm.Value, t: MapType, line: number): void {
  f.callRuntime('kiln_map_set', [map, f.toBits(key, t.key), f.toBits(value, t.value)], line);
}

/**
 * `for k in m`: asks the runtime for the next key after a cursor; the runtime raises
 * RuntimeError if the map's size-change counter moved since the loop began.
 */
export function lowerMapLoop(f: FunctionLowerer, map: llvm.Value, keyType: Type, bindKey: (key: llvm.Value) => void, body: Block, line: number): void {
  const { b, mb } = f;
  const changes = b.CreateLoad(mb.i64, f.word(map, CHANGES_OFFSET, mb.i64, 'hdr'));
  const cursor = f.alloca(mb.i64);
  b.CreateStore(mb.int(0), cursor);
  const head = f.block('mapfor.next');
  const bodyBB = f.block('mapfor.body');
  const exit = f.block('mapfor.end');
  b.CreateBr(head);
  b.SetInsertPoint(head);
  f.pollInterrupt(undefined, line);
  const key = f.callRuntime('kiln_map_next', [map, b.CreateBitCast(cursor, mb.ptr), changes], line);
  const finished = b.CreateICmpSLT(b.CreateLoad(mb.i64, cursor), mb.int(0));
  b.CreateCondBr(finished, exit, bodyBB);
  b.SetInsertPoint(bodyBB);
  bindKey(f.fromBits(key, keyType));
  f.loopBody(body, exit, head);
  if (!f.terminated()) b.CreateBr(head);
  b.SetInsertPoint(exit);
}
