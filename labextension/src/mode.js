// The Kiln language as a CodeMirror 6 stream parser (StreamLanguage): keywords, types,
// literals, comments, `///` doc comments and a `%magic` on the first line of a cell.
// Token names are @lezer/highlight tags; types use `variableName.standard` because Lab's
// highlight style colours that (builtin colour) and leaves `typeName` plain.
const KEYWORDS = new Set(['fn', 'let', 'struct', 'extern', 'if', 'else', 'while', 'for', 'in', 'return', 'break', 'continue']);
const LITERALS = new Set(['true', 'false', 'null']);
const TYPES = new Set([
  'int', 'float', 'bool', 'str', 'void', 'ptr', 'i32', 'u32', 'u64', 'f32',
  // C spellings accepted in `extern` declarations
  'i8', 'u8', 'i16', 'u16', 'i64', 'f64', 'char', 'double', 'long', 'size_t', 'usize',
]);

function tokenString(stream, state) {
  let escaped = false;
  for (let ch = stream.next(); ch != null; ch = stream.next()) {
    if (ch === '"' && !escaped) {
      state.inString = false;
      return 'string';
    }
    escaped = !escaped && ch === '\\';
  }
  state.inString = true; // an unterminated string goes on to the next line
  return 'string';
}

export const kilnMode = {
  name: 'kiln',
  startState: () => ({ inString: false, atCellStart: true }),
  copyState: (state) => ({ ...state }),
  token(stream, state) {
    const firstLine = state.atCellStart;
    if (stream.sol()) state.atCellStart = false;
    if (state.inString) return tokenString(stream, state);
    if (stream.eatSpace()) return null;
    if (firstLine && stream.sol() && stream.match(/^%\w+/)) {
      stream.skipToEnd();
      return 'meta';
    }
    if (stream.match('///')) {
      stream.skipToEnd();
      return 'docComment';
    }
    if (stream.match('//')) {
      stream.skipToEnd();
      return 'comment';
    }
    if (stream.eat('"')) return tokenString(stream, state);
    if (stream.match(/^0x[0-9a-fA-F_]+/) || stream.match(/^0b[01_]+/)) return 'number';
    if (stream.match(/^\d[\d_]*(\.\d[\d_]*)?([eE][+-]?\d+)?/)) return 'number';
    if (stream.match(/^[A-Za-z_]\w*/)) {
      const word = stream.current();
      if (KEYWORDS.has(word)) return 'keyword';
      if (LITERALS.has(word)) return 'atom';
      if (TYPES.has(word)) return 'variableName.standard';
      return 'variableName';
    }
    if (stream.match(/^(->|=>|==|!=|<=|>=|&&|\|\||[-+*\/%<>=!&|^])/)) return 'operator';
    stream.next();
    return null;
  },
  languageData: { commentTokens: { line: '//' } },
};
