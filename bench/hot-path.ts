// The engine's usual paths, run once: the start-up warm-up, then cells of the kinds a
// notebook has (functions at %opt 2 and 0, loops, floats, strings, arrays, maps, structs,
// function values, a C function, eval, errors). scripts/hot-sections.sh runs it under
// callgrind to list the addon's functions that a session executes, for the linker to
// place side by side (native/hot-sections.txt; docs/decisions.md, "Kernel weight").
// Every cell must succeed or fail as written: a path that broke would leave its code out.
import { Session } from '../kernel/engine/session';

const CELLS: [code: string, fails?: true][] = [
  ['fn fib(n: int) -> int {\n  if n < 2 { return n }\n  return fib(n - 1) + fib(n - 2)\n}\nfib(20)'],
  ['let xs = [1, 2, 3]\npush(xs, 4)\nlet total = 0\nfor x in xs { total += x }\nprint(total, len(xs), xs)'],
  ['fn scale(x: float) -> float { return x * 2.5 }\nlet m = {"a": 1}\nm["b"] = 2\nprint(scale(2.0), m, "s" + str(3), sqrt(2.0))'],
  ['struct P { x: float, y: float }\nlet p = P { x: 1.0, y: 2.0 }\nlet i = 0\nwhile i < 10 { i += 1 }\nprint(p.x + p.y, i)'],
  ['let words = split("a b c a", " ")\nlet counts: {str: int} = {}\nfor w in words { counts[w] = get(counts, w, 0) + 1 }\ncounts'],
  ['let g = fn(x: int) -> int { return x + 1 }\nprint(map([1, 2], g), filter([1, 2, 3], fn(x: int) -> bool { return x > 1 }), fib)'],
  ['extern fn cbrt(x: float) -> float\ncbrt(8.0)'],
  ['[1][5]', true],
  ['fn deep(n: int) -> int { return deep(n + 1) }\ndeep(0)', true],
  ['%opt 0'],
  ['fn triple(x: int) -> int { return x * 3 }\ntriple(2)'],
  ['eval("fn quad(x: int) -> int { return x * 4 }")\nint(eval("quad(1)")) + triple(1)'],
  ['quad(2)'],
];

export function runHotPath(): void {
  const session = new Session({ output: () => undefined, input: () => 'typed' });
  for (const step of session.warmUpSteps()) step();
  CELLS.forEach(([code, fails], i) => {
    const outcome = session.execute(code, i + 1);
    if ((outcome.status === 'error') !== (fails === true)) {
      throw new Error(`hot path: cell ${i + 1} ${fails ? 'did not fail' : 'failed'}:\n${code}\n${JSON.stringify(outcome)}`);
    }
  });
}

if (require.main === module) runHotPath();
