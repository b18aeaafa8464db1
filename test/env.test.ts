// The checker's layered environment (kernel/engine/env.ts): a cell's additions read
// through to the session's maps, keep Map's order, and reach them only on commit.
import { commitEnv, layerEnv, LayeredMap } from '../kernel/engine/env';

describe('LayeredMap', () => {
  test('reads through, keeps insertion order, and leaves the base alone until commit', () => {
    const base = new Map([['a', 1], ['b', 2], ['c', 3]]);
    const layer = new LayeredMap(base);
    layer.set('b', 20);
    layer.set('d', 4);
    layer.delete('a');
    expect(layer.get('b')).toBe(20);
    expect(layer.has('a')).toBe(false);
    expect(layer.get('c')).toBe(3);
    expect([...layer]).toEqual([['b', 20], ['c', 3], ['d', 4]]);
    expect([...layer.keys()]).toEqual(['b', 'c', 'd']);
    expect(layer.size).toBe(3);
    expect([...base]).toEqual([['a', 1], ['b', 2], ['c', 3]]);
    layer.set('a', 10); // re-added after a delete: back in its place (the checker never deletes)
    expect([...layer.keys()]).toEqual(['a', 'b', 'c', 'd']);
    expect(layer.commit()).toBe(base);
    expect([...base]).toEqual([['a', 10], ['b', 20], ['c', 3], ['d', 4]]);
  });

  test('commitEnv writes every layer into the session maps', () => {
    const env = { functions: new Map(), globals: new Map([['x', 1]]), structs: new Map() };
    const layered = layerEnv(env as never);
    layered.globals.set('y', 2 as never);
    expect(env.globals.has('y')).toBe(false);
    const committed = commitEnv(layered);
    expect(committed.globals).toBe(env.globals);
    expect([...env.globals.keys()]).toEqual(['x', 'y']);
  });
});
