// A tiny stand-in for kernel/engine/session.ts, selected with KILN_ENGINE_MODULE (read by the
// worker only). It understands just enough Kiln-looking text for protocol tests:
//   let NAME = EXPR | print(EXPR) | eprint(EXPR) | html("...") | EXPR | 1 / 0 | while true { }
//   | let NAME = input("prompt") | display_id / update_display / clear_output | sleep(ms) | crash()
// EXPR is evaluated as JavaScript over the globals. Cursor positions are code points.
'use strict';

class Session {
  constructor(host, options = {}) {
    this.host = host;
    this.flag = options.interruptFlag;
    this.globals = Object.create(null);
  }

  err(ename, evalue) {
    return { status: 'error', ename, evalue, traceback: [`${ename}: ${evalue}`] };
  }

  value(src) {
    const names = Object.keys(this.globals);
    const host = this.host;
    const fns = {
      input: (p) => host.input(String(p)),
      str: (v) => String(v),
    };
    const keys = [...names, ...Object.keys(fns)];
    const vals = [...names.map((n) => this.globals[n]), ...Object.values(fns)];
    // eslint-disable-next-line no-new-func
    return new Function(...keys, `return (${src});`)(...vals);
  }

  execute(code, cell) {
    let result;
    try {
      for (const raw of code.split('\n')) {
        const line = raw.trim();
        result = undefined;
        if (!line) continue;
        let m;
        if (line === 'crash()') {
          process.exit(3); // ends the worker thread: the kernel must start a fresh one
        } else if (/^while true \{\s*\}$/.test(line)) {
          while (Atomics.load(this.flag, 0) === 0) {
            /* spin like JIT code polling at back-edges */
          }
          Atomics.store(this.flag, 0, 0);
          return this.err('KeyboardInterrupt', 'interrupted');
        } else if ((m = /^sleep\((\d+)\)$/.exec(line))) {
          const until = Date.now() + Number(m[1]);
          while (Date.now() < until) if (Atomics.load(this.flag, 0)) { Atomics.store(this.flag, 0, 0); return this.err('KeyboardInterrupt', 'interrupted'); }
        } else if ((m = /^let (\w+) = (.*)$/.exec(line))) {
          this.globals[m[1]] = this.value(m[2]);
        } else if ((m = /^(e?print)\((.*)\)$/.exec(line))) {
          const v = m[2] === '' ? '' : this.value(m[2]);
          this.host.output({ type: 'stream', name: m[1] === 'print' ? 'stdout' : 'stderr', text: `${v}\n` });
        } else if ((m = /^html\((.*)\)$/.exec(line))) {
          this.host.output({ type: 'display', data: { 'text/html': this.value(m[1]), 'text/plain': '<html>' } });
        } else if ((m = /^display_id\("(\w+)", (.*)\)$/.exec(line))) {
          this.host.output({ type: 'display', data: { 'text/plain': String(this.value(m[2])) }, displayId: m[1] });
        } else if ((m = /^update_display\("(\w+)", (.*)\)$/.exec(line))) {
          this.host.output({ type: 'update_display', data: { 'text/plain': String(this.value(m[2])) }, displayId: m[1] });
        } else if (line === 'clear_output()') {
          this.host.output({ type: 'clear_output', wait: false });
        } else if ((m = /^(\d+) \/ 0$/.exec(line))) {
          return { status: 'error', ename: 'ZeroDivisionError', evalue: 'integer division or modulo by zero',
            traceback: ['Traceback (most recent call last):', `  cell ${cell}, line 1, in <cell>`, 'ZeroDivisionError: integer division or modulo by zero'] };
        } else {
          const v = this.value(line);
          result = v === undefined ? undefined : { 'text/plain': typeof v === 'string' ? JSON.stringify(v) : String(v) };
        }
      }
    } catch (e) {
      if (e && (e.name === 'KeyboardInterrupt' || e.name === 'InputError')) return this.err(e.name, e.message);
      return this.err(e instanceof ReferenceError ? 'NameError' : 'SyntaxError', String(e && e.message));
    }
    return result ? { status: 'ok', result } : { status: 'ok' };
  }

  complete(code, cursor) {
    const chars = Array.from(code);
    let start = cursor;
    while (start > 0 && /\w/.test(chars[start - 1])) start--;
    const prefix = chars.slice(start, cursor).join('');
    const words = [...Object.keys(this.globals), 'print', 'input', 'html', 'len', 'let', 'while'];
    return { matches: words.filter((w) => w.startsWith(prefix)).sort(), cursorStart: start, cursorEnd: cursor };
  }

  inspect(code, cursor) {
    const chars = Array.from(code);
    let s = Math.min(cursor, chars.length);
    let e = s;
    while (s > 0 && /\w/.test(chars[s - 1])) s--;
    while (e < chars.length && /\w/.test(chars[e])) e++;
    const word = chars.slice(s, e).join('');
    if (word === 'print') return 'fn print(a, b, ...)\nWrites its arguments to stdout.';
    if (word in this.globals) return `${word}: int`;
    return undefined;
  }

  isComplete(code) {
    let depth = 0;
    for (const c of code) depth += c === '{' ? 1 : c === '}' ? -1 : 0;
    if (depth < 0) return { status: 'invalid' };
    return depth > 0 ? { status: 'incomplete', indent: '    ' } : { status: 'complete' };
  }
}

module.exports = { Session };
