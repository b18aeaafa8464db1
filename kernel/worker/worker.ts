// The engine's thread. Loads the engine (and with it LLVM) here and only here, runs one
// request at a time, and posts every output back naming the request it belongs to.
//
// input(): posts {kind:'input'} and blocks in Atomics.wait on the input SharedArrayBuffer
// until the main thread writes the reply (or marks it interrupted / cancelled).
// Errors thrown into the engine by input() (their `name` is the Kiln error kind):
//   KeyboardInterrupt  the user interrupted the kernel while input() waited
//   InputError         no front end can answer: the execute_request had allow_stdin false,
//                      input() was called outside a cell (user_expressions, completion),
//                      or the kernel is shutting down
import * as path from 'path';
import { parentPort, receiveMessageOnPort, workerData as rawWorkerData } from 'worker_threads';
import type { Engine, EngineHost, EngineOutput } from '../engine/api';
import { kilnError } from '../engine/errors';
import { clearInterruptWord } from '../engine/interrupt-word';
import type { FromWorker, RequestResult, ToWorker, UserExpressionResult, WorkerData } from './worker-messages';
import { INPUT_CAPACITY, INPUT_HEADER_BYTES, InputState, MAX_OUTPUTS_IN_FLIGHT, OUTPUTS_IN_FLIGHT_RESUME } from './worker-messages';

const data = rawWorkerData as WorkerData;
const port = parentPort!;
const interruptFlag = new Int32Array(data.interrupt, 0, 2);
const outputsInFlight = new Int32Array(data.outputsInFlight, 0, 2);
const inputCtl = new Int32Array(data.input, 0, 2);
const inputBytes = new Uint8Array(data.input, INPUT_HEADER_BYTES, INPUT_CAPACITY);

function post(m: FromWorker): void {
  port.postMessage(m);
}

/**
 * With MAX_OUTPUTS_IN_FLIGHT out, waits until the main thread has handed all but
 * OUTPUTS_IN_FLIGHT_RESUME of them to zeromq (it wakes us then), or an interrupt comes.
 */
function awaitOutputRoom(): void {
  if (Atomics.load(outputsInFlight, 0) < MAX_OUTPUTS_IN_FLIGHT) return;
  for (;;) {
    const out = Atomics.load(outputsInFlight, 0);
    if (out <= OUTPUTS_IN_FLIGHT_RESUME || Atomics.load(outputsInFlight, 1) !== 0) return;
    Atomics.wait(outputsInFlight, 0, out, 100);
  }
}

/** An engine call that threw (a bug, or an error thrown by input()) as a Kiln error. */
function thrownError(e: unknown): { status: 'error'; ename: string; evalue: string; traceback: string[] } {
  const err = e as Error;
  const ename = err.name || 'InternalError';
  return { status: 'error', ename, evalue: err.message, traceback: [`${ename}: ${err.message}`] };
}

/** What the engine's host calls go to at the moment: set per request, never guessed later. */
interface RequestContext {
  id: number;
  allowStdin: boolean;
  /** Outputs of user_expressions are not shown. */
  discardOutput: boolean;
}
let context: RequestContext | undefined;

const host: EngineHost = {
  output(out: EngineOutput): void {
    if (!context || context.discardOutput) return;
    awaitOutputRoom();
    Atomics.add(outputsInFlight, 0, 1);
    post({ kind: 'output', id: context.id, out });
  },
  input(prompt: string): string {
    if (!context || !context.allowStdin) {
      throw kilnError('InputError', 'input() is not available here: the front end does not accept input (allow_stdin is false)');
    }
    Atomics.store(inputCtl, 0, InputState.Waiting);
    post({ kind: 'input', id: context.id, prompt });
    while (Atomics.load(inputCtl, 0) === InputState.Waiting) Atomics.wait(inputCtl, 0, InputState.Waiting);
    const state = Atomics.load(inputCtl, 0);
    if (state === InputState.Ready) {
      const n = Atomics.load(inputCtl, 1);
      return Buffer.from(inputBytes.subarray(0, n)).toString('utf8');
    }
    if (state === InputState.ReadyOnPort) {
      const m = receiveMessageOnPort(data.inputPort);
      return m ? String(m.message) : '';
    }
    if (state === InputState.Interrupted) {
      // The interrupt ends this input(); it must not also interrupt the code that follows.
      clearInterruptWord(interruptFlag);
      throw kilnError('KeyboardInterrupt', 'interrupted while waiting for input');
    }
    throw kilnError('InputError', 'input() was cancelled: no reply will come');
  },
};

type EngineModule = {
  Session: new (host: EngineHost, options?: { interruptFlag?: Int32Array }) => LoadedEngine;
};

/** The engine, and what a real one has beyond the Engine interface (a test's double may not). */
type LoadedEngine = Engine & { init?: () => Promise<void>; releaseLoadPages?: () => void; warmUpSteps?: () => (() => void)[] };

function loadEngine(): LoadedEngine {
  // The real engine unless a test selects a double (the only place this variable is read).
  const spec = process.env.KILN_ENGINE_MODULE || '../engine/session';
  const resolved = spec.startsWith('.') ? path.resolve(__dirname, spec) : spec;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(resolved) as EngineModule;
  return new mod.Session(host, { interruptFlag });
}

function runUserExpressions(engine: Engine, exprs: Record<string, string>, cell: number): Record<string, UserExpressionResult> {
  const results: Record<string, UserExpressionResult> = {};
  for (const [name, expr] of Object.entries(exprs)) {
    try {
      const r = engine.execute(String(expr), cell);
      results[name] =
        r.status === 'ok'
          ? { status: 'ok', data: r.result ?? { 'text/plain': '' }, metadata: {} }
          : { status: 'error', ename: r.ename, evalue: r.evalue, traceback: r.traceback };
    } catch (e) {
      results[name] = thrownError(e);
    }
  }
  return results;
}

function handle(engine: Engine, req: ToWorker): RequestResult {
  switch (req.kind) {
    case 'execute': {
      context = { id: req.id, allowStdin: req.allowStdin, discardOutput: false };
      let outcome;
      try {
        outcome = engine.execute(req.code, req.cell);
      } catch (e) {
        outcome = thrownError(e);
      }
      let userExpressions: Record<string, UserExpressionResult> = {};
      if (outcome.status === 'ok' && Object.keys(req.userExpressions).length > 0) {
        context = { id: req.id, allowStdin: false, discardOutput: true };
        userExpressions = runUserExpressions(engine, req.userExpressions, req.cell);
      }
      return { outcome, userExpressions };
    }
    case 'complete':
      return engine.complete(req.code, req.cursor);
    case 'inspect':
      return { text: engine.inspect(req.code, req.cursor) };
    case 'is_complete':
      return engine.isComplete(req.code);
  }
}

/**
 * The engine's warm-up (kernel/engine/warm-up.ts): llvm-bindings' load-time pages handed
 * back, then the warm-up cells, one step per turn of the event loop, so that a request that
 * arrives meanwhile is served first. A step that fails costs only speed (the first cell
 * then does the same work and reports any real error itself).
 */
function warmUpWhileIdle(engine: LoadedEngine): void {
  const steps = [() => engine.releaseLoadPages?.(), ...(engine.warmUpSteps?.() ?? [])];
  const runStep = (i: number): void => {
    try {
      steps[i]();
    } catch (e) {
      post({ kind: 'fatal', message: `the engine's warm-up failed (the kernel goes on): ${(e as Error).stack ?? e}` });
      post({ kind: 'warm' });
      return;
    }
    if (i + 1 < steps.length) setImmediate(runStep, i + 1);
    else post({ kind: 'warm' });
  };
  setImmediate(runStep, 0);
}

async function main(): Promise<void> {
  let engine: LoadedEngine | undefined;
  let fatal: string | undefined;
  try {
    engine = loadEngine();
    if (typeof engine.init === 'function') await engine.init();
    post({ kind: 'ready' });
  } catch (e) {
    fatal = `the engine failed to load: ${(e as Error).stack ?? e}`;
    post({ kind: 'fatal', message: fatal });
  }
  if (engine) warmUpWhileIdle(engine);
  port.on('message', (req: ToWorker) => {
    if (!engine) {
      post({ kind: 'failed', id: req.id, message: fatal ?? 'no engine' });
      return;
    }
    try {
      const result = handle(engine, req);
      context = undefined;
      post({ kind: 'done', id: req.id, result });
    } catch (e) {
      context = undefined;
      post({ kind: 'failed', id: req.id, message: (e as Error).stack ?? String(e) });
    }
  });
}

void main();
