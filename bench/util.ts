// Small helpers shared by the bench modules: an in-process Kiln session with captured
// output, child processes (timing, statistics and tables: stats.ts, re-exported).
import { spawnSync } from 'child_process';
import { setFlagsFromString } from 'v8';
import { runInNewContext } from 'vm';
import type { EngineHost, EngineOutput } from '../kernel/engine/api';
import { Session } from '../kernel/engine/session';
import { fail, now } from './stats';

export * from './stats';

/** A full garbage collection, now (V8's gc(), exposed to this process on first use). */
export function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** A Session whose stdout is collected (or only counted, for the print benchmarks). */
export function kilnSession(opts: { keepText?: boolean; input?: (prompt: string) => string; onOutput?: (o: EngineOutput) => void } = {}) {
  const state = { stdout: '', stderr: '', newlines: 0, outputs: 0, lastChunk: '' };
  const keep = opts.keepText ?? true;
  const host: EngineHost = {
    output(o: EngineOutput) {
      state.outputs++;
      opts.onOutput?.(o);
      if (o.type !== 'stream') return;
      if (o.name === 'stderr') state.stderr += o.text;
      else if (keep) state.stdout += o.text;
      else {
        for (let i = o.text.indexOf('\n'); i >= 0; i = o.text.indexOf('\n', i + 1)) state.newlines++;
        state.lastChunk = o.text;
      }
    },
    input: opts.input ?? (() => fail('unexpected input() in a benchmark')),
  };
  const session = new Session(host);
  return { session, state };
}

/** Compiles a cell (failing loudly on a compile error) and returns it. */
export function compileOrFail(session: Session, code: string, cell: number, what: string) {
  const compiled = session.compile(code, cell);
  if ('ename' in compiled) fail(`${what}: Kiln compile error\n${compiled.traceback.join('\n')}`);
  return compiled;
}

/** Runs a compiled cell and returns its run time in ms (failing loudly on a runtime error). */
export function runOrFail(session: Session, compiled: ReturnType<typeof compileOrFail>, what: string): { ms: number; result?: string } {
  const t0 = now();
  const outcome = session.run(compiled);
  const ms = now() - t0;
  if (outcome.status === 'error') fail(`${what}: Kiln runtime error\n${outcome.traceback.join('\n')}`);
  return { ms, result: outcome.result?.['text/plain'] as string | undefined };
}

/** One cell in a fresh session at %opt 2: its run time (compile excluded), compile time and stdout. */
export function runKilnCell(source: string, what: string): { ms: number; compileMs: number; stdout: string } {
  const { session, state } = kilnSession();
  session.optLevel = 2;
  const compiled = compileOrFail(session, source, 1, what);
  const { ms } = runOrFail(session, compiled, what);
  return { ms, compileMs: compiled.compileMs, stdout: state.stdout };
}

/** Executes a whole cell (magics included) and fails loudly on an error. */
export function executeOrFail(session: Session, code: string, cell: number, what: string): string | undefined {
  const outcome = session.execute(code, cell);
  if (outcome.status === 'error') fail(`${what}: ${outcome.traceback.join('\n')}`);
  return outcome.result?.['text/plain'] as string | undefined;
}

/** Runs a process to completion (`input` on its stdin): wall time (ms), stdout, and the "#time <ms>" it reports on stderr, if any. */
export function runProcess(cmd: string, args: string[], timeoutMs = 300_000, input?: string): { wallMs: number; selfMs?: number; stdout: string } {
  const t0 = now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 << 20, input });
  const wallMs = now() - t0;
  if (r.error) fail(`${cmd} ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) fail(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}\n${r.stderr}`);
  const m = /#time ([0-9.eE+-]+)/.exec(r.stderr);
  return { wallMs, selfMs: m ? Number(m[1]) : undefined, stdout: r.stdout };
}
