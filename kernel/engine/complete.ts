// Completion, inspection (Shift-Tab) and is-complete checks for front ends. All
// positions are in Unicode code points. Best effort: works on unfinished code.
import type { CompletionResult, IsCompleteResult } from './api';
import { Env, FnSig, StructDef, Type, typeName } from './ast';
import { BUILTINS } from './builtins';
import { fnTypeOf } from './check-closures';
import { CompileError } from './errors';
import { KEYWORDS, LexError, Token, tokenize } from './lexer';
import { parseCell } from './parser';

const TYPE_NAMES = ['int', 'float', 'bool', 'str'];
const isIdentChar = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_]/.test(c);

/** A struct as completion sees it: from the session or declared in the code being edited. */
interface StructShape {
  name: string;
  fields: { name: string; type: string }[];
}

function shapeOf(def: StructDef): StructShape {
  return { name: def.name, fields: def.fields.map((f) => ({ name: f.name, type: typeName(f.type) })) };
}

/** Structs declared in the code (regex, works on unfinished code), newest last. */
function structsInCode(code: string): StructShape[] {
  const out: StructShape[] = [];
  const re = /\bstruct\s+([A-Za-z_]\w*)\s*\{([^}]*)\}?/g;
  for (let m = re.exec(code); m; m = re.exec(code)) {
    const fields: StructShape['fields'] = [];
    const fre = /([A-Za-z_]\w*)\s*:\s*(\[*[A-Za-z_]\w*\]*)/g;
    for (let f = fre.exec(m[2]); f; f = fre.exec(m[2])) fields.push({ name: f[1], type: f[2] });
    out.push({ name: m[1], fields });
  }
  return out;
}

function structLookup(code: string, env: Env): (name: string) => StructShape | undefined {
  const inCode = new Map(structsInCode(code).map((s) => [s.name, s]));
  return (name) => inCode.get(name) ?? (env.structs.has(name) ? shapeOf(env.structs.get(name)!) : undefined);
}

/** A type as written: `Point`, `[[int]]`, or a map `{str: [Point]}` (its value not a map). */
const TYPE_TEXT = String.raw`\[*(?:[A-Za-z_]\w*|\{\s*\w+\s*:\s*\[*\w+\]*\s*\})\]*`;

/** The value type of a map type's text `{K: V}`, if it is one. */
function mapValueType(t: string | undefined): string | undefined {
  const m = t ? /^\{\s*\w+\s*:\s*(.*?)\s*\}$/.exec(t) : null;
  return m ? m[1] : undefined;
}

/** Best-effort type (as text) of a variable named `name` visible at the end of `before`. */
function variableType(name: string, before: string, env: Env): string | undefined {
  const found = typeInCode(name, before, env);
  if (found) return found;
  const g = env.globals.get(name);
  return g ? typeName(g.type) : undefined;
}

/** The type of an anonymous function from its header's text: `(x: int, y: str)` and `bool`. */
function lambdaTypeText(params: string, ret: string | undefined): string {
  const types = params.split(',').map((p) => p.slice(p.indexOf(':') + 1).trim()).filter((t) => t !== '');
  return `fn(${types.join(', ')})${ret ? ` -> ${ret}` : ''}`;
}

/** Best-effort type (as text) of a variable that the code `before` declares (the last declaration wins). */
function typeInCode(name: string, before: string, env: Env): string | undefined {
  const esc = name.replace(/[^\w]/g, '');
  let found: string | undefined;
  const patterns: [RegExp, (m: RegExpExecArray) => string | undefined][] = [
    // `let p: Point =` or a parameter `p: Point`
    [new RegExp(`(?:\\blet\\s+|[(,]\\s*)${esc}\\s*:\\s*(${TYPE_TEXT})`, 'g'), (m) => m[1]],
    // `let p = Point {`
    [new RegExp(`\\blet\\s+${esc}\\s*=\\s*([A-Za-z_]\\w*)\\s*\\{`, 'g'), (m) => m[1]],
    // `let p = f(` where f returns a known type
    [new RegExp(`\\blet\\s+${esc}\\s*=\\s*([A-Za-z_]\\w*)\\s*\\(`, 'g'), (m) => {
      const f = env.functions.get(m[1]) ?? fnRetInCode(m[1], before);
      return typeof f === 'string' ? f : f ? typeName(f.ret) : undefined;
    }],
    // `let f = fn(x: int) -> int {`: an anonymous function
    [new RegExp(`\\blet\\s+${esc}\\s*=\\s*fn\\s*\\(([^)]*)\\)\\s*(?:->\\s*(${TYPE_TEXT}))?`, 'g'), (m) => lambdaTypeText(m[1], m[2])],
    // `let f = fib` at the end of its line: a named function as a value
    [new RegExp(`\\blet\\s+${esc}\\s*=\\s*([A-Za-z_]\\w*)\\s*(?:$|;)`, 'gm'), (m) => {
      const f = env.functions.get(m[1]);
      return f && !f.extern ? typeName(fnTypeOf(f)) : undefined;
    }],
  ];
  // `for p in points {` where points is an array
  patterns.push([
    new RegExp(`\\bfor\\s+${esc}\\s+in\\s+([A-Za-z_]\\w*)\\s*\\{`, 'g'),
    (m) => {
      if (m[1] === name) return undefined;
      const t = variableType(m[1], before.slice(0, m.index), env);
      return t && t.startsWith('[') && t.endsWith(']') ? t.slice(1, -1) : undefined;
    },
  ]);
  // `for p in values(m) {` where m is a map
  patterns.push([
    new RegExp(`\\bfor\\s+${esc}\\s+in\\s+values\\s*\\(\\s*([A-Za-z_]\\w*)\\s*\\)\\s*\\{`, 'g'),
    (m) => (m[1] === name ? undefined : mapValueType(variableType(m[1], before.slice(0, m.index), env))),
  ]);
  let bestIndex = -1;
  for (const [re, get] of patterns) {
    for (let m = re.exec(before); m; m = re.exec(before)) {
      const t = get(m);
      if (t && m.index > bestIndex) {
        bestIndex = m.index;
        found = t;
      }
    }
  }
  return found;
}

function fnRetInCode(name: string, code: string): string | undefined {
  const m = new RegExp(`\\bfn\\s+${name}\\s*\\([^)]*\\)\\s*->\\s*(\\[*[A-Za-z_]\\w*\\]*)`).exec(code);
  return m ? m[1] : undefined;
}

/** Names declared in the code: lets, parameters, loop variables, functions, structs. */
function namesInCode(code: string): string[] {
  const out: string[] = [];
  const res = [
    /\blet\s+([A-Za-z_]\w*)/g,
    /\bfn\s+([A-Za-z_]\w*)/g,
    /\bstruct\s+([A-Za-z_]\w*)/g,
    /\bfor\s+([A-Za-z_]\w*)/g,
    /[(,]\s*([A-Za-z_]\w*)\s*:/g,
  ];
  for (const re of res) for (let m = re.exec(code); m; m = re.exec(code)) out.push(m[1]);
  return out;
}

export function complete(code: string, cursor: number, env: Env): CompletionResult {
  const chars = Array.from(code);
  cursor = Math.max(0, Math.min(cursor, chars.length));
  let start = cursor;
  while (start > 0 && isIdentChar(chars[start - 1])) start--;
  const prefix = chars.slice(start, cursor).join('');
  const before = chars.slice(0, start).join('');
  let candidates: string[];
  const dot = /((?:[A-Za-z_]\w*\s*\.\s*)*[A-Za-z_]\w*)\s*\.\s*$/.exec(before);
  if (dot && !/\d\s*\.\s*$/.test(before)) {
    // Field completion: resolve the chain `a.b.c.`
    const parts = dot[1].split('.').map((s) => s.trim());
    const lookup = structLookup(code, env);
    let t = variableType(parts[0], chars.slice(0, start - (before.length - dot.index)).join(''), env);
    for (const p of parts.slice(1)) {
      const s = t ? lookup(t) : undefined;
      t = s?.fields.find((f) => f.name === p)?.type;
    }
    const s = t ? lookup(t) : undefined;
    candidates = s ? s.fields.map((f) => f.name) : [];
  } else {
    candidates = [
      ...KEYWORDS,
      ...TYPE_NAMES,
      ...BUILTINS.keys(),
      ...env.functions.keys(),
      ...env.globals.keys(),
      ...env.structs.keys(),
      ...namesInCode(code),
    ];
  }
  const matches = [...new Set(candidates)].filter((c) => c.startsWith(prefix) && c !== '').sort();
  return { matches, cursorStart: start, cursorEnd: cursor };
}

// ---- inspect ----

/** A function's declaration as written: an extern shows its library, C types and C name. */
export function fnSignature(sig: FnSig): string {
  const params = sig.params.map((p, i) => `${p.name}: ${sig.cParams?.[i] ?? typeName(p.type)}`).join(', ');
  const ret = sig.ret.kind === 'void' ? '' : ` -> ${sig.cRet ?? typeName(sig.ret)}`;
  if (!sig.extern) return `fn ${sig.name}(${params})${ret}`;
  const library = sig.library === undefined ? '' : ` ${JSON.stringify(sig.library)}`;
  const cName = sig.cName === undefined || sig.cName === sig.name ? '' : ` = ${JSON.stringify(sig.cName)}`;
  return `extern${library} fn ${sig.name}(${params})${ret}${cName}`;
}

export function structSignature(def: { name: string; fields: { name: string; type: Type | string }[] }): string {
  const fields = def.fields.map((f) => `${f.name}: ${typeof f.type === 'string' ? f.type : typeName(f.type)}`).join(', ');
  return `struct ${def.name} { ${fields} }`;
}

function typeExprText(t: import('./ast').TypeExpr): string {
  if (t.kind === 'map') return `{${typeExprText(t.key)}: ${typeExprText(t.value)}}`;
  if (t.kind === 'fn') return `fn(${t.params.map(typeExprText).join(', ')})${t.ret ? ` -> ${typeExprText(t.ret)}` : ''}`;
  return t.kind === 'array' ? `[${typeExprText(t.elem)}]` : t.name;
}

function withDoc(sig: string, doc?: string): string {
  return doc ? `${sig}\n\n${doc}` : sig;
}

/** The name at (or just before) the cursor, or else the callee of the innermost open call. */
function nameAt(chars: string[], cursor: number): string | undefined {
  let s = cursor;
  while (s > 0 && isIdentChar(chars[s - 1])) s--;
  let e = cursor;
  while (e < chars.length && isIdentChar(chars[e])) e++;
  if (e > s && !/[0-9]/.test(chars[s])) return chars.slice(s, e).join('');
  // Inside a call: find the innermost unclosed `(`.
  let depth = 0;
  for (let i = cursor - 1; i >= 0; i--) {
    const c = chars[i];
    if (c === ')') depth++;
    else if (c === '(') {
      if (depth === 0) {
        let j = i;
        while (j > 0 && chars[j - 1] === ' ') j--;
        let k = j;
        while (k > 0 && isIdentChar(chars[k - 1])) k--;
        return k < j ? chars.slice(k, j).join('') : undefined;
      }
      depth--;
    }
  }
  return undefined;
}

export function inspect(code: string, cursor: number, env: Env): string | undefined {
  const chars = Array.from(code);
  cursor = Math.max(0, Math.min(cursor, chars.length));
  const name = nameAt(chars, cursor);
  if (!name) return undefined;
  // Items declared in the code being edited come first (they are what will run).
  try {
    const cell = parseCell(code);
    for (const item of cell.items) {
      if (item.name !== name) continue;
      if (item.kind === 'struct') {
        return withDoc(structSignature({ name: item.name, fields: item.fields.map((f) => ({ name: f.name, type: typeExprText(f.type) })) }), item.doc);
      }
      const params = item.params.map((p) => `${p.name}: ${typeExprText(p.type)}`).join(', ');
      const ret = item.ret ? ` -> ${typeExprText(item.ret)}` : '';
      if (item.kind === 'extern') {
        const library = item.library === undefined ? '' : ` ${JSON.stringify(item.library)}`;
        return `extern${library} fn ${item.name}(${params})${ret}${item.cName === undefined ? '' : ` = ${JSON.stringify(item.cName)}`}`;
      }
      const sig = `fn ${item.name}(${params})${ret}`;
      return withDoc(sig, item.doc);
    }
  } catch {
    // unfinished code: fall through to the session
  }
  const fn = env.functions.get(name);
  if (fn) return withDoc(fnSignature(fn), fn.doc);
  const b = BUILTINS.get(name);
  if (b) return `${b.signature}\n\n${b.doc}\n(built-in function)`;
  const s = env.structs.get(name);
  if (s) return withDoc(structSignature(s), s.doc);
  const declared = typeInCode(name, code, env);
  if (declared) return `${name}: ${declared}\n(variable)`;
  const g = env.globals.get(name);
  if (g) return `${g.name}: ${typeName(g.type)}\n(global)`;
  if (KEYWORDS.has(name)) return `${name}\n(keyword)`;
  if (TYPE_NAMES.includes(name)) return `${name}\n(built-in type)`;
  return undefined;
}

// ---- is_complete ----

const CONTINUING_KEYWORDS = new Set(['fn', 'let', 'struct', 'extern', 'if', 'else', 'while', 'for', 'in']);

export function isComplete(code: string): IsCompleteResult {
  let tokens: Token[];
  try {
    tokens = tokenize(code);
  } catch (e) {
    if (e instanceof LexError && e.unterminated) return { status: 'incomplete', indent: '' };
    return { status: 'invalid' };
  }
  const stack: string[] = [];
  for (const t of tokens) {
    if (t.kind !== 'op') continue;
    if (t.text === '(' || t.text === '[' || t.text === '{') stack.push(t.text);
    else if (t.text === ')' || t.text === ']' || t.text === '}') {
      const open = stack.pop();
      if (open !== { ')': '(', ']': '[', '}': '{' }[t.text]) return { status: 'invalid' };
    }
  }
  const indent = '    '.repeat(stack.length);
  if (stack.length) return { status: 'incomplete', indent };
  // A doc comment at the end is waiting for the fn or struct it documents.
  const lastLine = code.trimEnd().split('\n').pop() ?? '';
  if (/^\s*\/\/\/(?!\/)/.test(lastLine)) return { status: 'incomplete', indent: '' };
  const significant = tokens.filter((t) => t.kind !== 'newline' && t.kind !== 'eof');
  if (significant.length === 0) return { status: 'complete' };
  const last = significant[significant.length - 1];
  if (last.kind === 'op' && ![')', ']', '}', ';'].includes(last.text)) return { status: 'incomplete', indent };
  if (last.kind === 'kw' && CONTINUING_KEYWORDS.has(last.text)) return { status: 'incomplete', indent };
  try {
    parseCell(code);
  } catch (e) {
    if (e instanceof CompileError) {
      const eof = tokens[tokens.length - 1].span;
      if (e.span.line === eof.line && e.span.col === eof.col) return { status: 'incomplete', indent };
      return { status: 'invalid' };
    }
    throw e;
  }
  return { status: 'complete' };
}
