// A Session driven as the kernel drives it, recording every output.
import type { EngineOutput, ExecuteOutcome } from '../../kernel/engine/api';
import { Worker } from 'node:worker_threads';
import { kilnError } from '../../kernel/engine/errors';
import { interruptStores, newInterruptWords } from '../../kernel/engine/interrupt-word';
import { INTERRUPT_REQUESTED } from '../../kernel/engine/runtime-abi';
import { Session } from '../../kernel/engine/session';

export interface CellRun {
  outcome: ExecuteOutcome;
  stdout: string;
  stderr: string;
  outputs: EngineOutput[];
  /** The cell's result as text/plain, if any. */
  result?: string;
  /** For an error: `Name: message`. */
  error?: string;
}

/** One interrupt flag for every test session (the addon binds it when a JIT is created). */
const sharedInterruptFlag = newInterruptWords();

/** Interrupts from another thread after `ms`, as the kernel's main thread does
 *  (interruptStores: the word, then the call limit). */
export function interruptAfter(words: Int32Array, ms: number): Worker {
  return new Worker(
    `const { workerData: [words, stores, ms] } = require('node:worker_threads');
     setTimeout(() => { for (const [element, value] of stores) Atomics.store(words, element, value); }, ms)`,
    { eval: true, workerData: [words, interruptStores(INTERRUPT_REQUESTED), ms] },
  );
}

export class TestSession {
  readonly interruptFlag = sharedInterruptFlag;
  readonly outputs: EngineOutput[] = [];
  readonly inputs: string[] = [];
  readonly session: Session;
  private cell = 0;

  constructor() {
    this.session = new Session(
      {
        output: (out) => this.outputs.push(out),
        input: (prompt) => {
          const answer = this.inputs.shift();
          if (answer === undefined) throw kilnError('EOFError', 'no input available');
          this.outputs.push({ type: 'stream', name: 'stdout', text: prompt });
          return answer;
        },
      },
      { interruptFlag: sharedInterruptFlag },
    );
  }

  run(code: string): CellRun {
    const start = this.outputs.length;
    const outcome = this.session.execute(code, ++this.cell);
    const outputs = this.outputs.slice(start);
    const stream = (name: string) =>
      outputs.map((o) => (o.type === 'stream' && o.name === name ? o.text : '')).join('');
    return {
      outcome,
      outputs,
      stdout: stream('stdout'),
      stderr: stream('stderr'),
      result: outcome.status === 'ok' ? (outcome.result?.['text/plain'] as string | undefined) : undefined,
      error: outcome.status === 'error' ? `${outcome.ename}: ${outcome.evalue}` : undefined,
    };
  }

  /** Runs a cell that must succeed; returns its result text (or stdout if it has no result). */
  ok(code: string): string {
    const r = this.run(code);
    if (r.outcome.status === 'error') throw new Error(`cell failed:\n${r.outcome.traceback.join('\n')}`);
    return r.result ?? r.stdout;
  }
}
