// What a front end (the Jupyter kernel's worker, the CLI, tests) sees of the engine.
// Nothing here knows about Jupyter messages.
import type { KilnError } from './errors';

export type MimeBundle = Record<string, unknown>;

export type EngineOutput =
  | { type: 'stream'; name: 'stdout' | 'stderr'; text: string }
  | { type: 'display'; data: MimeBundle; displayId?: string }
  | { type: 'update_display'; data: MimeBundle; displayId: string }
  | { type: 'clear_output'; wait: boolean };

export type ExecuteOutcome =
  | { status: 'ok'; result?: MimeBundle }
  | ({ status: 'error' } & KilnError);

export interface EngineHost {
  /** Called synchronously, in order, while the cell runs. */
  output(out: EngineOutput): void;
  /** Asks the user for a line (blocking). Throws an Error (name = Kiln error kind) when there is no stdin. */
  input(prompt: string): string;
}

export interface CompletionResult {
  matches: string[];
  /** Positions in Unicode code points. */
  cursorStart: number;
  cursorEnd: number;
}

export interface IsCompleteResult {
  status: 'complete' | 'incomplete' | 'invalid';
  indent?: string;
}

export interface Engine {
  /** Compiles and runs one cell. `cell` is the number shown in errors (the execution count). */
  execute(code: string, cell: number): ExecuteOutcome;
  /** Completions at a cursor position counted in Unicode code points. */
  complete(code: string, cursor: number): CompletionResult;
  /** Signature and doc comment of the name at the cursor (text/plain), if any. */
  inspect(code: string, cursor: number): string | undefined;
  isComplete(code: string): IsCompleteResult;
}
