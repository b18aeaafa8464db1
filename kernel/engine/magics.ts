// Magics: a `%name args` first line changes how the rest of the cell is handled
// (LANGUAGE.md "Magics").
import { typeName } from './ast';
import { fnSignature } from './complete';
import type { EngineHost, ExecuteOutcome } from './api';
import { renderRuntimeError } from './errors';
import type { Env } from './ast';
import type { KilnError } from './errors';
import type { RunOutcome } from './native-api';
import type { CompiledCell } from './session';

/** What the magics need of a session (Session implements it). */
export interface MagicSession {
  readonly host: EngineHost;
  readonly env: Env;
  optLevel: number;
  compile(code: string, cell: number, showIR?: boolean): CompiledCell | KilnError;
  run(compiled: CompiledCell): ExecuteOutcome;
  runEntry(compiled: CompiledCell): RunOutcome;
  runtimeError(outcome: Extract<RunOutcome, { ok: false }>): KilnError;
  compileAndRun(code: string, cell: number): ExecuteOutcome;
  /** A function's IR (optimized or not) and its LLVM symbol, for %ir name and %asm. */
  functionSource(name: string, optimized: boolean): { ir: string; symbol: string } | undefined;
  emitAssembly(ir: string): string;
  flush(): void;
  reset(): void;
}

type Magic = (session: MagicSession, args: string, body: string, cell: number) => ExecuteOutcome;

const MAGICS: Record<string, Magic> = {
  ir: irMagic,
  asm: asmMagic,
  opt: optMagic,
  time: timeMagic,
  timeit: timeitMagic,
  who: whoMagic,
  reset: resetMagic,
};

/** Handles a cell whose first line is a magic; undefined for an ordinary cell. */
export function runMagic(session: MagicSession, code: string, cell: number): ExecuteOutcome | undefined {
  const match = /^(\s*)%(\w+)[ \t]*([^\n]*)/.exec(code);
  if (!match) return undefined;
  const [line, leading, name, args] = match;
  const magic = MAGICS[name];
  // The magic's line is kept blank so line numbers in errors stay those of the cell.
  const blankLines = leading.replace(/[^\n]/g, '');
  const body = blankLines + code.slice(line.length);
  if (!magic) {
    const known = Object.keys(MAGICS).map((m) => `%${m}`).join(', ');
    return { status: 'error', ...renderRuntimeError('NameError', `unknown magic \`%${name}\` (known: ${known})`, []) };
  }
  return magic(session, args.trim(), body, cell);
}

function show(session: MagicSession, text: string): void {
  session.host.output({ type: 'display', data: { 'text/plain': text } });
}

function fail(message: string, kind = 'NameError'): ExecuteOutcome {
  return { status: 'error', ...renderRuntimeError(kind, message, []) };
}

function hasCode(body: string): boolean {
  return body.trim() !== '';
}

/** The text of one function's definition in a printed LLVM module. */
export function functionText(moduleText: string, symbol: string): string | undefined {
  const quoted = new RegExp(`^define [^\\n]*@"?${symbol.replace(/\./g, '\\.')}"?\\(`, 'm');
  const start = moduleText.search(quoted);
  if (start < 0) return undefined;
  const end = moduleText.indexOf('\n}\n', start);
  return moduleText.slice(start, end < 0 ? undefined : end + 2);
}

function irMagic(session: MagicSession, name: string, body: string, cell: number): ExecuteOutcome {
  if (name) {
    const fn = session.functionSource(name, true);
    const text = fn && functionText(fn.ir, fn.symbol);
    if (!text) return fail(`unknown function \`${name}\``);
    show(session, text);
    return hasCode(body) ? session.compileAndRun(body, cell) : { status: 'ok' };
  }
  const compiled = session.compile(body, cell, true);
  if ('ename' in compiled) return { status: 'error', ...compiled };
  show(session, compiled.optimizedIR ?? compiled.ir);
  return session.run(compiled);
}

/** The assembly of one function: from its label to the end of the function. */
export function functionAsm(asm: string, symbol: string): string | undefined {
  const lines = asm.split('\n');
  const label = lines.findIndex((l) => l === `${symbol}:` || l === `"${symbol}":`);
  if (label < 0) return undefined;
  const end = lines.findIndex((l, i) => i > label && /^\.Lfunc_end\d+:/.test(l));
  return lines.slice(label, end < 0 ? undefined : end).join('\n');
}

function asmMagic(session: MagicSession, name: string, body: string, cell: number): ExecuteOutcome {
  const fn = name ? session.functionSource(name, false) : undefined;
  if (!fn) return fail(name ? `unknown function \`${name}\`` : '%asm needs a function name: %asm fib');
  const text = functionAsm(session.emitAssembly(fn.ir), fn.symbol);
  if (!text) return fail(`no assembly found for \`${name}\``);
  show(session, text);
  return hasCode(body) ? session.compileAndRun(body, cell) : { status: 'ok' };
}

function optMagic(session: MagicSession, level: string, body: string, cell: number): ExecuteOutcome {
  if (!/^[0-3]$/.test(level)) return fail(`%opt takes a level from 0 to 3, not \`${level}\``, 'ValueError');
  session.optLevel = Number(level);
  return hasCode(body) ? session.compileAndRun(body, cell) : { status: 'ok' };
}

/** IPython's time format: three significant digits in s, ms, µs or ns. */
export function formatDuration(seconds: number, unitOf = seconds): string {
  const units: [string, number][] = [['s', 1], ['ms', 1e-3], ['µs', 1e-6], ['ns', 1e-9]];
  const [unit, scale] = units.find(([, s]) => unitOf >= s) ?? units[units.length - 1];
  return `${Number((seconds / scale).toPrecision(3))} ${unit}`;
}

function timeMagic(session: MagicSession, _args: string, body: string, cell: number): ExecuteOutcome {
  const compiled = session.compile(body, cell);
  if ('ename' in compiled) return { status: 'error', ...compiled };
  const started = performance.now();
  const outcome = session.run(compiled);
  const runMs = performance.now() - started;
  session.flush();
  show(session, `compile: ${formatDuration(compiled.compileMs / 1000)}, run: ${formatDuration(runMs / 1000)}`);
  return outcome;
}

function timeitMagic(session: MagicSession, _args: string, body: string, cell: number): ExecuteOutcome {
  const compiled = session.compile(body, cell);
  if ('ename' in compiled) return { status: 'error', ...compiled };
  const timeLoops = (loops: number): number | ExecuteOutcome => {
    const started = performance.now();
    for (let i = 0; i < loops; i++) {
      const outcome = session.runEntry(compiled);
      if (!outcome.ok) return { status: 'error', ...session.runtimeError(outcome) };
    }
    return (performance.now() - started) / 1000;
  };
  let loops = 1;
  for (;;) {
    const t = timeLoops(loops);
    if (typeof t !== 'number') return t;
    if (t >= 0.2 || loops >= 1e9) break;
    loops *= t > 0.02 ? Math.max(2, Math.ceil(0.2 / t)) : 10;
  }
  const perLoop: number[] = [];
  for (let round = 0; round < 7; round++) {
    const t = timeLoops(loops);
    if (typeof t !== 'number') return t;
    perLoop.push(t / loops);
  }
  const mean = perLoop.reduce((a, b) => a + b, 0) / perLoop.length;
  const std = Math.sqrt(perLoop.reduce((a, b) => a + (b - mean) ** 2, 0) / perLoop.length);
  show(
    session,
    `${formatDuration(mean)} ± ${formatDuration(std, mean)} per loop (mean ± std. dev. of 7 runs, ${loops.toLocaleString('en-US')} loop${loops === 1 ? '' : 's'} each)`,
  );
  return { status: 'ok' };
}

function whoMagic(session: MagicSession): ExecuteOutcome {
  const { globals, functions, structs } = session.env;
  const lines = [
    ...[...globals.values()].map((g) => `let ${g.name}: ${typeName(g.type)}`),
    ...[...functions.values()].map(fnSignature),
    ...[...structs.values()].map(
      (s) => `struct ${s.name} { ${s.fields.map((f) => `${f.name}: ${typeName(f.type)}`).join(', ')} }`,
    ),
  ];
  show(session, lines.length ? lines.join('\n') : 'the session is empty');
  return { status: 'ok' };
}

function resetMagic(session: MagicSession, _args: string, body: string, cell: number): ExecuteOutcome {
  session.reset();
  return hasCode(body) ? session.compileAndRun(body, cell) : { status: 'ok' };
}
