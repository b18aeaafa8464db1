// Messages between the main thread (engine-client.ts) and the engine worker (worker.ts).
// Every worker -> main message that belongs to a request names it by `id`: the main thread
// never guesses a "current request".
import type { CompletionResult, EngineOutput, ExecuteOutcome, IsCompleteResult } from '../engine/api';

export type ToWorker =
  | { kind: 'execute'; id: number; code: string; cell: number; allowStdin: boolean; userExpressions: Record<string, string> }
  | { kind: 'complete'; id: number; code: string; cursor: number }
  | { kind: 'inspect'; id: number; code: string; cursor: number }
  | { kind: 'is_complete'; id: number; code: string };

export type UserExpressionResult =
  | { status: 'ok'; data: Record<string, unknown>; metadata: Record<string, unknown> }
  | { status: 'error'; ename: string; evalue: string; traceback: string[] };

export interface ExecuteDone {
  outcome: ExecuteOutcome;
  userExpressions: Record<string, UserExpressionResult>;
}

export type RequestResult = ExecuteDone | CompletionResult | IsCompleteResult | { text?: string };

export type FromWorker =
  | { kind: 'ready' }
  /** The warm-up has run (or failed): the engine takes a cell at full speed. */
  | { kind: 'warm' }
  | { kind: 'fatal'; message: string }
  | { kind: 'output'; id: number; out: EngineOutput }
  | { kind: 'input'; id: number; prompt: string }
  | { kind: 'done'; id: number; result: RequestResult }
  | { kind: 'failed'; id: number; message: string };

/** Layout of the input SharedArrayBuffer: Int32 [state, byteLength], then UTF-8 bytes. */
export const INPUT_HEADER_BYTES = 8;
export const INPUT_CAPACITY = 64 * 1024;
export const InputState = {
  /** The worker waits for the main thread. */
  Waiting: 0,
  /** Reply in the buffer: `byteLength` bytes of UTF-8. */
  Ready: 1,
  /** Reply too long for the buffer: it was posted on the input port (receiveMessageOnPort). */
  ReadyOnPort: 2,
  /** The user interrupted: input() raises KeyboardInterrupt. */
  Interrupted: 3,
  /** No reply will come (shutdown, the client went away): input() raises InputError. */
  Cancelled: 4,
} as const;

/**
 * Back-pressure from iopub to the engine, Int32 [outputs posted by the worker that the main
 * thread has not yet handed to zeromq, bypass]. The worker waits while MAX_OUTPUTS_IN_FLIGHT
 * are out, so a slow front end slows the cell instead of filling memory. `bypass` is set by
 * an interrupt until the running request ends: the interrupted cell's last outputs and its
 * error must not wait for a front end that stopped reading.
 */
export const MAX_OUTPUTS_IN_FLIGHT = 32;
/**
 * A waiting worker is woken when the outputs in flight fall to this many, not at each one
 * handed over: it then posts a burst, and the two threads do not take turns per output.
 */
export const OUTPUTS_IN_FLIGHT_RESUME = MAX_OUTPUTS_IN_FLIGHT / 2;
export const OUTPUTS_IN_FLIGHT_BYTES = 8;

export interface WorkerData {
  interrupt: SharedArrayBuffer;
  outputsInFlight: SharedArrayBuffer;
  input: SharedArrayBuffer;
  /** Carries replies longer than INPUT_CAPACITY. */
  inputPort: import('worker_threads').MessagePort;
}
