// The string built-ins (substr, and those of LANGUAGE.md 0.2 "Strings"): each is a call of a runtime function
// in native/src/strings.cc. `contains(s, sub)` shares its name with the array built-in and
// is declared with it in arrays.ts.
import { arrayOf, BOOL, FLOAT, INT, STR } from '../ast';
import { Builtin, runtimeCall } from './declare';

const STRS = arrayOf(STR);

export const STRING_BUILTINS: Builtin[] = [
  runtimeCall('substr', [['s', STR], ['start', INT], ['end', INT]], STR, 'kiln_substr', 'Bytes start..end of s (IndexError outside).'),
  runtimeCall('split', [['s', STR], ['sep', STR]], STRS, 'kiln_str_split',
    'The pieces of s between occurrences of sep, as Python\'s s.split(sep) (ValueError if sep is "").'),
  runtimeCall('words', [['s', STR]], STRS, 'kiln_str_words',
    'The pieces of s between runs of whitespace, none empty, as Python\'s s.split().'),
  runtimeCall('join', [['parts', STRS], ['sep', STR]], STR, 'kiln_str_join', 'The parts with sep between them.'),
  runtimeCall('find', [['s', STR], ['sub', STR]], INT, 'kiln_str_find', 'Byte offset of the first sub in s, or -1.'),
  runtimeCall('starts_with', [['s', STR], ['prefix', STR]], BOOL, 'kiln_str_starts_with', 'True if s begins with prefix.'),
  runtimeCall('ends_with', [['s', STR], ['suffix', STR]], BOOL, 'kiln_str_ends_with', 'True if s ends with suffix.'),
  runtimeCall('replace', [['s', STR], ['old', STR], ['new', STR]], STR, 'kiln_str_replace',
    's with every occurrence of old replaced by new (ValueError if old is "").'),
  runtimeCall('trim', [['s', STR]], STR, 'kiln_str_trim', 's without leading and trailing ASCII whitespace.'),
  runtimeCall('upper', [['s', STR]], STR, 'kiln_str_upper', 's with ASCII letters in upper case, other bytes kept.'),
  runtimeCall('lower', [['s', STR]], STR, 'kiln_str_lower', 's with ASCII letters in lower case, other bytes kept.'),
  runtimeCall('repeat', [['s', STR], ['n', INT]], STR, 'kiln_str_repeat', 'n copies of s (ValueError if n < 0).'),
  runtimeCall('chars', [['s', STR]], STRS, 'kiln_str_chars', 'One str per Unicode code point of s.'),
  runtimeCall('ord', [['c', STR]], INT, 'kiln_str_ord', 'The code point of a one-code-point string (ValueError otherwise).'),
  runtimeCall('chr', [['n', INT]], STR, 'kiln_str_chr', 'The string of code point n (ValueError for a surrogate or n > 0x10FFFF).'),
  runtimeCall('fmt', [['x', FLOAT], ['decimals', INT]], STR, 'kiln_str_fmt_fixed',
    'x in fixed-point with the given number of decimals, as C\'s "%.*f" (fmt(3.14159, 2) is "3.14").'),
];
