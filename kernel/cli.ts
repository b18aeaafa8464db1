// `kiln run [--time] FILE.kiln` runs a file (lines `// %%` split it into cells),
// `kiln install [...]` installs the kernelspec, `kiln` alone is a line REPL.
// All on the same engine as the kernel, without Jupyter.
import { readFileSync, readSync } from 'node:fs';
import * as readline from 'node:readline';
import type { EngineHost, EngineOutput, ExecuteOutcome } from './engine/api';
import { Session } from './engine/session';

const USAGE = `usage:
  kiln run [--time] FILE.kiln   run a file (lines "// %%" split it into cells)
  kiln install [--user|--sys-prefix|--prefix DIR]   install the Jupyter kernelspec
  kiln                          interactive REPL`;

/** Writes engine outputs to the terminal: streams as they are, rich outputs as their text. */
function terminalHost(): EngineHost {
  return {
    output(out: EngineOutput) {
      if (out.type === 'stream') (out.name === 'stdout' ? process.stdout : process.stderr).write(out.text);
      else if (out.type === 'display' || out.type === 'update_display') {
        const text = out.data['text/plain'] ?? `<${Object.keys(out.data).join(', ')}>`;
        process.stdout.write(`${String(text)}\n`);
      }
    },
    input(prompt: string): string {
      process.stdout.write(prompt);
      const bytes: number[] = [];
      const byte = Buffer.alloc(1);
      while (readSync(0, byte, 0, 1, null) === 1 && byte[0] !== 10) bytes.push(byte[0]);
      return Buffer.from(bytes).toString('utf8').replace(/\r$/, '');
    },
  };
}

export function splitCells(source: string): string[] {
  return source.split(/^\/\/ ?%%.*(?:\n|$)/m);
}

function report(outcome: ExecuteOutcome): boolean {
  if (outcome.status === 'error') {
    process.stderr.write(outcome.traceback.join('\n') + '\n');
    return false;
  }
  if (outcome.result) process.stdout.write(`${String(outcome.result['text/plain'])}\n`);
  return true;
}

function runFile(args: string[]): number {
  const time = args.includes('--time');
  const file = args.find((a) => a !== '--time');
  if (!file) {
    process.stderr.write(USAGE + '\n');
    return 2;
  }
  const session = new Session(terminalHost());
  let compileMs = 0;
  let runMs = 0;
  let ok = true;
  const cells = splitCells(readFileSync(file, 'utf8'));
  for (let i = 0; i < cells.length && ok; i++) {
    if (/^\s*%/.test(cells[i])) {
      ok = report(session.execute(cells[i], i + 1));
      continue;
    }
    const compiled = session.compile(cells[i], i + 1);
    if ('ename' in compiled) {
      ok = report({ status: 'error', ...compiled });
      break;
    }
    compileMs += compiled.compileMs;
    const started = performance.now();
    ok = report(session.run(compiled));
    runMs += performance.now() - started;
  }
  if (time) process.stderr.write(`time: compile=${compileMs.toFixed(1)}ms run=${runMs.toFixed(1)}ms\n`);
  return ok ? 0 : 1;
}

function repl(): void {
  const session = new Session(terminalHost());
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout, prompt: 'kiln> ' });
  let pending = '';
  let cell = 1;
  rl.prompt();
  rl.on('line', (line) => {
    pending += (pending ? '\n' : '') + line;
    const state = session.isComplete(pending);
    if (state.status === 'incomplete') {
      rl.setPrompt('  ... ');
      rl.prompt();
      return;
    }
    if (pending.trim()) report(session.execute(pending, cell++));
    pending = '';
    rl.setPrompt('kiln> ');
    rl.prompt();
  });
  rl.on('close', () => process.exit(0));
}

export function main(args: string[]): void {
  const [command, ...rest] = args;
  if (command === 'run') process.exitCode = runFile(rest);
  else if (command === 'install') require('./install').install(rest);
  else if (command === undefined) repl();
  else {
    process.stderr.write(USAGE + '\n');
    process.exitCode = 2;
  }
}
