// The main thread's handle on the engine worker: requests with ids, the interrupt flag,
// the input() hand-over, and a fresh worker if the old one dies.
import * as path from 'path';
import { MessageChannel, Worker } from 'worker_threads';
import type { CompletionResult, EngineOutput, IsCompleteResult } from '../engine/api';
import { clearInterruptWord, newInterruptWords, setInterruptWord } from '../engine/interrupt-word';
import { INTERRUPT_REQUESTED } from '../engine/runtime-abi';
import type { Log } from '../protocol/log';
import type { ExecuteDone, FromWorker, RequestResult, ToWorker, WorkerData } from './worker-messages';
import { INPUT_CAPACITY, INPUT_HEADER_BYTES, InputState, OUTPUTS_IN_FLIGHT_BYTES, OUTPUTS_IN_FLIGHT_RESUME } from './worker-messages';

export interface ExecuteCallbacks {
  /** `sent` must be called once the output has been handed to zeromq (back-pressure). */
  output(out: EngineOutput, sent: () => void): void;
  /** The engine waits in input(); answer with provideInput / cancelInput. */
  input(prompt: string): void;
}

/** What the kernel asks of its engine: EngineClient below (the worker), or a test's double. */
export interface KernelEngine {
  execute(code: string, cell: number, allowStdin: boolean, userExpressions: Record<string, string>, callbacks: ExecuteCallbacks): Promise<ExecuteDone>;
  complete(code: string, cursor: number): Promise<CompletionResult>;
  inspect(code: string, cursor: number): Promise<{ text?: string }>;
  isComplete(code: string): Promise<IsCompleteResult>;
  /** True while the engine waits in input() for provideInput. */
  readonly awaitingInput: boolean;
  provideInput(value: string): void;
  /** Interrupts the running cell; no-op when idle. */
  interrupt(): void;
  stop(): Promise<void>;
  /** Settles when the engine takes a cell at full speed (loaded and warmed up, or failed to
   *  load): kernel_info_reply waits for it (kernel.ts). Absent: at once. */
  readonly ready?: Promise<void>;
}

interface Pending {
  resolve(r: RequestResult): void;
  reject(e: Error): void;
  callbacks?: ExecuteCallbacks;
}

export interface EngineClientOptions {
  log: Log;
  /** Called when the worker died and a fresh one (a new, empty session) was started. */
  onRestart?: (reason: string) => void;
  /** The worker's script (default: worker.js beside this file; tests of the TypeScript point into dist/). */
  workerScript?: string;
  /** The worker's environment (default: this process's); tests select an engine double with KILN_ENGINE_MODULE. */
  env?: NodeJS.ProcessEnv;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export class EngineClient implements KernelEngine {
  private worker!: Worker;
  private readonly interruptFlag = newInterruptWords();
  private outputsInFlight!: Int32Array;
  private inputSab!: SharedArrayBuffer;
  private inputCtl!: Int32Array;
  private inputPort!: import('worker_threads').MessagePort;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  /** The execute request whose code runs now in the worker, if any. */
  private running: number | undefined;
  private waitingInput = false;
  private stopping = false;
  readonly ready: Promise<void>;
  private markReady!: () => void;

  constructor(private readonly options: EngineClientOptions) {
    this.ready = new Promise((resolve) => (this.markReady = resolve));
    this.spawn();
  }

  private spawn(): void {
    this.inputSab = new SharedArrayBuffer(INPUT_HEADER_BYTES + INPUT_CAPACITY);
    this.inputCtl = new Int32Array(this.inputSab, 0, 2);
    const outputsSab = new SharedArrayBuffer(OUTPUTS_IN_FLIGHT_BYTES);
    const outputsInFlight = new Int32Array(outputsSab);
    this.outputsInFlight = outputsInFlight;
    const channel = new MessageChannel();
    this.inputPort = channel.port1;
    const workerData: WorkerData = {
      interrupt: this.interruptFlag.buffer as SharedArrayBuffer,
      outputsInFlight: outputsSab,
      input: this.inputSab,
      inputPort: channel.port2,
    };
    const w = new Worker(this.options.workerScript ?? path.join(__dirname, 'worker.js'), {
      workerData,
      env: this.options.env ?? process.env,
      transferList: [channel.port2],
      // JIT code may recurse deeply and then call back into JS: give V8 room.
      resourceLimits: { stackSizeMb: 256 },
      stdout: false,
      stderr: false,
    });
    this.worker = w;
    w.on('message', (m: FromWorker) => this.onMessage(m));
    w.on('error', (e) => this.options.log(`engine worker error: ${e.stack ?? e}`));
    w.on('exit', (code) => {
      if (this.worker !== w || this.stopping) return;
      this.markReady();
      const reason = `the engine worker exited (code ${code})`;
      this.options.log(`${reason}; starting a fresh session`);
      this.failAll(reason);
      this.spawn();
      this.options.onRestart?.(reason);
    });
  }

  private failAll(reason: string): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    this.running = undefined;
    this.waitingInput = false;
    for (const p of all) p.reject(new Error(reason));
  }

  private onMessage(m: FromWorker): void {
    switch (m.kind) {
      case 'ready':
        return;
      case 'warm':
        this.markReady();
        return;
      case 'fatal':
        // A fatal at load is the last word of a worker without an engine: nothing to wait for.
        this.options.log(m.message);
        this.markReady();
        return;
      case 'output': {
        // Bound to this worker's counter: a release after a restart touches the old one.
        const outputsInFlight = this.outputsInFlight;
        const sent = () => {
          // The worker waits only with MAX_OUTPUTS_IN_FLIGHT out: it is woken as they fall to RESUME.
          if (Atomics.sub(outputsInFlight, 0, 1) === OUTPUTS_IN_FLIGHT_RESUME + 1) Atomics.notify(outputsInFlight, 0);
        };
        const callbacks = this.pending.get(m.id)?.callbacks;
        if (callbacks) callbacks.output(m.out, sent);
        else sent();
        return;
      }
      case 'input': {
        const p = this.pending.get(m.id);
        if (!p?.callbacks || this.stopping) {
          this.answerInput(InputState.Cancelled);
          return;
        }
        this.waitingInput = true;
        p.callbacks.input(m.prompt);
        return;
      }
      case 'done':
      case 'failed': {
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        if (this.running === m.id) {
          this.running = undefined;
          this.waitingInput = false;
          // An interrupt that arrived as the cell ended must not hit the next one.
          clearInterruptWord(this.interruptFlag);
          Atomics.store(this.outputsInFlight, 1, 0);
        }
        if (!p) return;
        if (m.kind === 'done') p.resolve(m.result);
        else p.reject(new Error(m.message));
      }
    }
  }

  private request(req: DistributiveOmit<ToWorker, 'id'>, callbacks?: ExecuteCallbacks): Promise<RequestResult> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, callbacks });
      if (req.kind === 'execute') this.running = id;
      this.worker.postMessage({ ...req, id } as ToWorker);
    });
  }

  execute(
    code: string,
    cell: number,
    allowStdin: boolean,
    userExpressions: Record<string, string>,
    callbacks: ExecuteCallbacks,
  ): Promise<ExecuteDone> {
    return this.request({ kind: 'execute', code, cell, allowStdin, userExpressions }, callbacks) as Promise<ExecuteDone>;
  }

  complete(code: string, cursor: number): Promise<CompletionResult> {
    return this.request({ kind: 'complete', code, cursor }) as Promise<CompletionResult>;
  }

  inspect(code: string, cursor: number): Promise<{ text?: string }> {
    return this.request({ kind: 'inspect', code, cursor }) as Promise<{ text?: string }>;
  }

  isComplete(code: string): Promise<IsCompleteResult> {
    return this.request({ kind: 'is_complete', code }) as Promise<IsCompleteResult>;
  }

  get busy(): boolean {
    return this.running !== undefined;
  }

  get awaitingInput(): boolean {
    return this.waitingInput;
  }

  /** The reply to the pending input(). */
  provideInput(value: string): void {
    if (!this.waitingInput) return;
    const bytes = Buffer.from(value, 'utf8');
    if (bytes.length <= INPUT_CAPACITY) {
      new Uint8Array(this.inputSab, INPUT_HEADER_BYTES, INPUT_CAPACITY).set(bytes);
      Atomics.store(this.inputCtl, 1, bytes.length);
      this.answerInput(InputState.Ready);
    } else {
      this.inputPort.postMessage(value);
      this.answerInput(InputState.ReadyOnPort);
    }
  }

  cancelInput(): void {
    if (this.waitingInput) this.answerInput(InputState.Cancelled);
  }

  private answerInput(state: number): void {
    this.waitingInput = false;
    Atomics.store(this.inputCtl, 0, state);
    Atomics.notify(this.inputCtl, 0);
  }

  /** Interrupts the running cell (a blocked input() raises KeyboardInterrupt). No-op when idle. */
  interrupt(): void {
    if (this.running === undefined) return;
    if (this.waitingInput) this.answerInput(InputState.Interrupted);
    else setInterruptWord(this.interruptFlag, INTERRUPT_REQUESTED);
    this.bypassOutputLimit();
  }

  /** Until the running request ends, the worker's outputs do not wait for iopub room. */
  private bypassOutputLimit(): void {
    Atomics.store(this.outputsInFlight, 1, 1);
    Atomics.notify(this.outputsInFlight, 0);
  }

  /** Stops the worker: the flag first (a worker in JIT code cannot be terminated), then terminate. */
  async stop(): Promise<void> {
    this.stopping = true;
    setInterruptWord(this.interruptFlag, INTERRUPT_REQUESTED);
    this.bypassOutputLimit();
    if (this.waitingInput) this.answerInput(InputState.Cancelled);
    this.failAll('the kernel is shutting down');
    await this.worker.terminate();
  }
}
