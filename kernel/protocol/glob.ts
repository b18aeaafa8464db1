// Glob patterns for history search with Python's fnmatch.fnmatchcase semantics (`*`, `?`,
// `[...]`, `[!...]`; backslash is an ordinary character; a `[` without its `]` is a literal
// `[`), matched without a backtracking regex: the pattern is split at its stars and each
// piece between stars is placed leftmost, so matching takes at most (text length x pattern
// length) steps. A regex built from a user's glob could take minutes on one history entry.
//
// Every string is a valid pattern: globMatcher never throws.

/** One character position of the pattern: a literal, `?`, or a bracket class. */
type CharTest = (codePoint: number) => boolean;

const anyChar: CharTest = () => true;

const STAR = '*'.codePointAt(0)!;
const QUESTION = '?'.codePointAt(0)!;
const OPEN = '['.codePointAt(0)!;
const CLOSE = ']'.codePointAt(0)!;
const BANG = '!'.codePointAt(0)!;
const HYPHEN = '-'.codePointAt(0)!;

/** A bracket body (between `[` and `]`, `!` already removed): single characters and ranges. */
function classTest(body: number[], negated: boolean): CharTest {
  const ranges: [number, number][] = [];
  for (let p = 0; p < body.length; ) {
    // `a-z` is a range unless the `-` is the last character of the body (then it is literal).
    if (p + 2 < body.length && body[p + 1] === HYPHEN) {
      ranges.push([body[p], body[p + 2]]); // a reversed range (z-a) matches nothing, as in Python
      p += 3;
    } else {
      ranges.push([body[p], body[p]]);
      p += 1;
    }
  }
  return (c) => ranges.some(([lo, hi]) => lo <= c && c <= hi) !== negated;
}

/** The pattern's non-empty pieces between stars, and where stars are. */
interface Compiled {
  pieces: CharTest[][];
  hasStar: boolean;
  /** The pattern does not begin with a star: the first piece must match at the start. */
  anchoredStart: boolean;
  /** The pattern does not end with a star: the last piece must match at the end. */
  anchoredEnd: boolean;
}

function compile(pattern: string): Compiled {
  const pat = Array.from(pattern, (ch) => ch.codePointAt(0)!);
  const pieces: CharTest[][] = [[]];
  const n = pat.length;
  for (let i = 0; i < n; ) {
    const c = pat[i++];
    if (c === STAR) {
      if (pieces[pieces.length - 1].length > 0) pieces.push([]);
      continue;
    }
    const piece = pieces[pieces.length - 1];
    if (c === QUESTION) {
      piece.push(anyChar);
    } else if (c === OPEN) {
      // Where the class ends, as fnmatch finds it: a `]` right after `[` or `[!` is a member.
      let j = i;
      if (j < n && pat[j] === BANG) j++;
      if (j < n && pat[j] === CLOSE) j++;
      while (j < n && pat[j] !== CLOSE) j++;
      if (j >= n) {
        piece.push((x) => x === OPEN);
      } else {
        const negated = pat[i] === BANG;
        piece.push(classTest(pat.slice(negated ? i + 1 : i, j), negated));
        i = j + 1;
      }
    } else {
      piece.push((x) => x === c);
    }
  }
  return {
    pieces: pieces.filter((p) => p.length > 0),
    hasStar: pat.includes(STAR),
    anchoredStart: pat[0] !== STAR,
    anchoredEnd: pat[n - 1] !== STAR,
  };
}

function matchesAt(piece: CharTest[], text: number[], at: number): boolean {
  for (let k = 0; k < piece.length; k++) if (!piece[k](text[at + k])) return false;
  return true;
}

/** A test of whole strings against the glob (fnmatchcase: anchored at both ends, case-sensitive). */
export function globMatcher(pattern: string): (text: string) => boolean {
  const { pieces, hasStar, anchoredStart, anchoredEnd } = compile(pattern);
  return (input) => {
    const text = Array.from(input, (ch) => ch.codePointAt(0)!);
    if (!hasStar) {
      const whole = pieces[0] ?? [];
      return text.length === whole.length && matchesAt(whole, text, 0);
    }
    let from = 0;
    let end = text.length;
    let middle = pieces;
    if (anchoredStart && middle.length > 0) {
      const first = middle[0];
      if (first.length > end || !matchesAt(first, text, 0)) return false;
      from = first.length;
      middle = middle.slice(1);
    }
    if (anchoredEnd && middle.length > 0) {
      const last = middle[middle.length - 1];
      if (end - last.length < from || !matchesAt(last, text, end - last.length)) return false;
      end -= last.length;
      middle = middle.slice(0, -1);
    }
    // Between two stars, the leftmost place for each piece leaves the most room for the rest.
    for (const piece of middle) {
      let at = from;
      while (at + piece.length <= end && !matchesAt(piece, text, at)) at++;
      if (at + piece.length > end) return false;
      from = at + piece.length;
    }
    return true;
  };
}
