// The Jupyter side of Kiln: one handler per msg_type (xeus style), status busy/idle around
// every request, the execution count and queue, stop_on_error, interrupt and shutdown.
// It knows only its two neighbours, both given to the constructor: the transport (zeromq in
// main.ts, in memory in the in-process tests) and the engine (the worker behind EngineClient,
// so this thread never loads LLVM, or a test's double).
import { randomUUID } from 'node:crypto';
import type { EngineOutput } from './engine/api';
import type { KernelEngine } from './worker/engine-client';
import { History } from './protocol/history';
import type { Channel, JsonObject, Message } from './protocol/messages';
import { PROTOCOL_VERSION } from './protocol/messages';
import { CellOutput } from './protocol/outputs';
import type { Log } from './protocol/log';
import { stderrLog } from './protocol/log';
import type { Transport } from './protocol/transport';
import type { ExecuteDone } from './worker/worker-messages';

export const KERNEL_INFO = {
  status: 'ok',
  protocol_version: PROTOCOL_VERSION,
  implementation: 'kiln',
  implementation_version: '0.1.0',
  language_info: {
    name: 'kiln',
    version: '0.1',
    mimetype: 'text/x-kiln',
    file_extension: '.kiln',
    pygments_lexer: 'rust',
    codemirror_mode: 'kiln', // the syntax mode in labextension/ (set-up installs it into .venv-lab)
  },
  banner: 'Kiln 0.1 — a small statically typed language, compiled cell by cell to native code (LLVM ORC JIT)',
  // Kiln has no public docs site, and Lab refuses file:// links ("Blocked unsafe URL").
  help_links: [],
  debugger: false,
};

/** How long shutdown waits for the worker before giving up on a clean join. */
const WORKER_STOP_MS = 500;

type Handler = (msg: Message, channel: Channel) => Promise<void> | void;

/**
 * After a cell fails with stop_on_error, its reply waits until no shell request has come
 * for this long (at most STOP_ON_ERROR_HOLD_MAX_MS): see holdForRunAll.
 */
const STOP_ON_ERROR_QUIET_MS = 20;
const STOP_ON_ERROR_HOLD_MAX_MS = 1000;

/** The longest kernel_info_reply waits for the engine to be ready (a stuck load must not hide the kernel). */
const ENGINE_READY_WAIT_MS = 10_000;

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

export interface KernelOptions {
  log?: Log;
  /** Called instead of process.exit (tests in-process). */
  exit?: (code: number) => void;
  /** Called when the engine cannot be stopped (default: SIGKILL this process). */
  kill?: () => void;
}

export class Kernel {
  private readonly history = new History();
  private readonly log: Log;
  private executionCount = 0;
  private readonly shellQueue: Message[] = [];
  private shellBusy = false;
  /** After an error with stop_on_error: queued execute requests are aborted until the queue drains. */
  private aborting = false;
  /** When (Date.now()) the last shell request arrived. */
  private lastShellArrival = 0;
  private shuttingDown = false;
  /** The msg_id of the input_request whose input_reply input() waits for. */
  private pendingInputId: string | undefined;
  private readonly engineReady: Promise<void>;

  private readonly shellHandlers: Record<string, Handler> = {
    kernel_info_request: (m, ch) => this.kernelInfo(m, ch),
    execute_request: (m) => this.executeRequest(m),
    complete_request: (m) => this.completeRequest(m),
    inspect_request: (m) => this.inspectRequest(m),
    is_complete_request: (m) => this.isCompleteRequest(m),
    history_request: (m) => this.historyRequest(m),
    comm_info_request: (m) => this.reply('shell', m, 'comm_info_reply', { status: 'ok', comms: {} }),
    comm_open: (m) => this.commOpen(m),
    comm_msg: () => undefined,
    comm_close: () => undefined,
    shutdown_request: (m, ch) => this.shutdownRequest(m, ch),
  };

  private readonly controlHandlers: Record<string, Handler> = {
    kernel_info_request: (m, ch) => this.kernelInfo(m, ch),
    interrupt_request: (m) => {
      this.interrupt();
      this.reply('control', m, 'interrupt_reply', { status: 'ok' });
    },
    shutdown_request: (m, ch) => this.shutdownRequest(m, ch),
  };

  constructor(
    private readonly transport: Transport,
    private readonly engine: KernelEngine,
    private readonly options: KernelOptions = {},
  ) {
    this.log = options.log ?? stderrLog;
    this.engineReady = engine.ready ? Promise.race([engine.ready, delay(ENGINE_READY_WAIT_MS)]) : Promise.resolve();
  }

  /**
   * A client takes kernel_info_reply as the sign that the kernel is ready (Lab shows it
   * idle, jupyter_client's wait_for_ready returns): it waits until the engine has loaded
   * and warmed up (at most ENGINE_READY_WAIT_MS), so that the first cell runs as fast as
   * the next ones instead of waiting for LLVM to load (docs/decisions.md).
   */
  private async kernelInfo(m: Message, channel: Channel): Promise<void> {
    await this.engineReady;
    this.reply(channel, m, 'kernel_info_reply', KERNEL_INFO);
  }

  /** Starts the transport (binds the sockets) and announces the kernel on iopub. */
  async start(): Promise<void> {
    await this.transport.start((channel, msg) => this.receive(channel, msg));
    this.publish('status', { execution_state: 'starting' });
  }

  private receive(channel: Channel, msg: Message): void {
    if (this.shuttingDown) return;
    if (channel === 'stdin') return this.stdinMessage(msg);
    if (channel === 'control') {
      void this.dispatch(channel, msg, this.controlHandlers);
      return;
    }
    this.lastShellArrival = Date.now();
    this.shellQueue.push(msg);
    void this.pumpShell();
  }

  /** Shell requests run one at a time, in order. */
  private async pumpShell(): Promise<void> {
    if (this.shellBusy) return;
    this.shellBusy = true;
    try {
      while (this.shellQueue.length > 0 && !this.shuttingDown) {
        const msg = this.shellQueue.shift()!;
        await this.dispatch('shell', msg, this.shellHandlers);
        if (this.shellQueue.length === 0) this.aborting = false;
      }
    } finally {
      this.shellBusy = false;
    }
  }

  private async dispatch(channel: Channel, msg: Message, table: Record<string, Handler>): Promise<void> {
    const type = msg.header.msg_type;
    this.status('busy', msg);
    try {
      const handler = Object.prototype.hasOwnProperty.call(table, type) ? table[type] : undefined;
      if (handler) await handler(msg, channel);
      else this.log(`${channel}: unknown msg_type ${JSON.stringify(type)} ignored`);
    } catch (e) {
      this.log(`${channel}: ${type} failed: ${(e as Error).stack ?? e}`);
    }
    this.status('idle', msg);
  }

  private status(state: 'busy' | 'idle', parent: Message): void {
    this.publish('status', { execution_state: state }, parent);
  }

  private publish(msg_type: string, content: JsonObject, parent?: Message): void {
    void this.transport.send('iopub', { msg_type, content, parent });
  }

  private reply(channel: Channel, req: Message, msg_type: string, content: JsonObject): void {
    void this.transport.send(channel, { msg_type, content, parent: req });
  }

  // ---- execute -----------------------------------------------------------------------

  private async executeRequest(msg: Message): Promise<void> {
    const c = msg.content;
    const code = typeof c.code === 'string' ? c.code : '';
    const silent = c.silent === true;
    const storeHistory = !silent && c.store_history !== false;
    const allowStdin = c.allow_stdin === true;
    const stopOnError = c.stop_on_error !== false;
    const userExpressions = stringRecord(c.user_expressions);

    if (this.aborting) {
      // Only the status, as the messaging spec and ipykernel have it: with an execution_count
      // the front end shows the skipped cell with the failed cell's prompt number.
      this.reply('shell', msg, 'execute_reply', { status: 'aborted' });
      return;
    }
    if (storeHistory) this.executionCount++;
    const count = this.executionCount;
    const entry = storeHistory ? this.history.add(count, code) : undefined;
    if (!silent) this.publish('execute_input', { code, execution_count: count }, msg);

    const out = new CellOutput(msg, (o) => this.transport.send('iopub', o));
    let done: ExecuteDone;
    try {
      done = await this.engine.execute(code, count, allowStdin, userExpressions, {
        output: (o: EngineOutput, sent: () => void) => out.add(o, sent),
        input: (prompt: string) => this.askInput(msg, prompt),
      });
    } catch (e) {
      const message = (e as Error).message;
      done = {
        outcome: { status: 'error', ename: 'EngineError', evalue: message, traceback: [`EngineError: ${message}`] },
        userExpressions: {},
      };
    }
    this.pendingInputId = undefined;
    out.flush();

    const outcome = done.outcome;
    if (outcome.status === 'ok') {
      if (outcome.result && !silent) {
        out.send('execute_result', { execution_count: count, data: outcome.result, metadata: {} });
        const plain = outcome.result['text/plain'];
        if (entry && typeof plain === 'string') entry.output = plain;
      }
      this.reply('shell', msg, 'execute_reply', {
        status: 'ok',
        execution_count: count,
        payload: [],
        user_expressions: done.userExpressions,
      });
      return;
    }
    const { ename, evalue, traceback } = outcome;
    out.send('error', { ename, evalue, traceback });
    if (stopOnError) await this.holdForRunAll();
    this.reply('shell', msg, 'execute_reply', {
      status: 'error',
      execution_count: count,
      ename,
      evalue,
      traceback,
      user_expressions: {},
    });
    if (stopOnError) this.aborting = true;
  }

  /**
   * Run All sends its cells' requests a few ms apart (Lab: 3–6 ms), and a quick first cell
   * may fail before the next ones arrive: with the queue empty they would run. A request
   * that arrives before the error reply is sent cannot have been made knowing of the error,
   * so the reply waits until the shell has been quiet for STOP_ON_ERROR_QUIET_MS; what came
   * meanwhile is queued, and aborted once the reply is out. A client that waits for the reply
   * before its next request (jupyter_client, nbclient) only sees the reply that much later.
   */
  private async holdForRunAll(): Promise<void> {
    const failed = Date.now();
    for (;;) {
      const quietSince = Math.max(failed, this.lastShellArrival);
      const wait = quietSince + STOP_ON_ERROR_QUIET_MS - Date.now();
      if (wait <= 0 || Date.now() - failed >= STOP_ON_ERROR_HOLD_MAX_MS || this.shuttingDown) return;
      await delay(wait);
    }
  }

  private askInput(parent: Message, prompt: string): void {
    this.pendingInputId = randomUUID();
    void this.transport.send('stdin', { msg_type: 'input_request', msg_id: this.pendingInputId, content: { prompt, password: false }, parent });
  }

  private stdinMessage(msg: Message): void {
    if (msg.header.msg_type !== 'input_reply') {
      this.log(`stdin: unexpected ${msg.header.msg_type} ignored`);
      return;
    }
    if (!this.pendingInputId || !this.engine.awaitingInput) {
      this.log('stdin: input_reply while no input() waits: dropped');
      return;
    }
    // Lab names the input_request it answers; jupyter_client's input() names none (accepted,
    // as ipykernel does). A reply naming another request is stale or someone else's.
    const answers = msg.parent_header.msg_id;
    if (answers !== undefined && answers !== this.pendingInputId) {
      this.log(`stdin: input_reply to ${JSON.stringify(answers)}, not to the pending input_request: dropped`);
      return;
    }
    this.pendingInputId = undefined;
    const value = msg.content.value;
    this.engine.provideInput(typeof value === 'string' ? value : '');
  }

  // ---- introspection -------------------------------------------------------------------

  private async completeRequest(msg: Message): Promise<void> {
    const code = typeof msg.content.code === 'string' ? msg.content.code : '';
    const cursor = cursorPos(code, msg.content.cursor_pos);
    try {
      const r = await this.engine.complete(code, cursor);
      this.reply('shell', msg, 'complete_reply', {
        status: 'ok',
        matches: r.matches,
        cursor_start: r.cursorStart,
        cursor_end: r.cursorEnd,
        metadata: {},
      });
    } catch (e) {
      this.replyError(msg, 'complete_reply', e as Error);
    }
  }

  private async inspectRequest(msg: Message): Promise<void> {
    const code = typeof msg.content.code === 'string' ? msg.content.code : '';
    const cursor = cursorPos(code, msg.content.cursor_pos);
    try {
      const { text } = await this.engine.inspect(code, cursor);
      const found = typeof text === 'string' && text !== '';
      this.reply('shell', msg, 'inspect_reply', {
        status: 'ok',
        found,
        data: found ? { 'text/plain': text } : {},
        metadata: {},
      });
    } catch (e) {
      this.replyError(msg, 'inspect_reply', e as Error);
    }
  }

  private async isCompleteRequest(msg: Message): Promise<void> {
    const code = typeof msg.content.code === 'string' ? msg.content.code : '';
    try {
      const r = await this.engine.isComplete(code);
      const content: JsonObject = { status: r.status };
      if (r.status === 'incomplete') content.indent = r.indent ?? '';
      this.reply('shell', msg, 'is_complete_reply', content);
    } catch (e) {
      // A front end asks this to decide whether Enter runs the cell: never leave it waiting.
      this.log(`is_complete failed: ${(e as Error).message}`);
      this.reply('shell', msg, 'is_complete_reply', { status: 'unknown' });
    }
  }

  private historyRequest(msg: Message): void {
    let history;
    try {
      history = this.history.query(msg.content);
    } catch (e) {
      const err = e as Error;
      this.reply('shell', msg, 'history_reply', { status: 'error', ename: err.name, evalue: err.message, traceback: [], history: [] });
      return;
    }
    this.reply('shell', msg, 'history_reply', { status: 'ok', history });
  }

  private replyError(msg: Message, type: string, e: Error): void {
    this.reply('shell', msg, type, { status: 'error', ename: 'EngineError', evalue: e.message, traceback: [] });
  }

  private commOpen(msg: Message): void {
    const commId = msg.content.comm_id;
    this.log(`comm_open for unknown target ${JSON.stringify(msg.content.target_name)}: closing it`);
    this.publish('comm_close', { comm_id: typeof commId === 'string' ? commId : '', data: {} }, msg);
  }

  // ---- interrupt and shutdown ------------------------------------------------------------

  /** SIGINT and interrupt_request: the running cell ends with KeyboardInterrupt. */
  interrupt(): void {
    this.engine.interrupt();
  }

  private async shutdownRequest(msg: Message, channel: Channel): Promise<void> {
    const restart = msg.content.restart === true;
    this.reply(channel, msg, 'shutdown_reply', { status: 'ok', restart });
    this.status('idle', msg);
    await this.shutdown();
  }

  /** Stops everything and exits: the interrupt flag first, then the worker, then the sockets. */
  async shutdown(exitCode = 0): Promise<void> {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    const stopped = await Promise.race([
      this.engine.stop().then(() => true),
      new Promise<boolean>((r) => setTimeout(() => r(false), WORKER_STOP_MS)),
    ]);
    await this.transport.flush(200);
    await this.transport.close();
    if (!stopped) {
      // A worker stuck in native code without interrupt polls cannot be joined.
      this.log('the engine worker did not stop: killing the process');
      (this.options.kill ?? (() => process.kill(process.pid, 'SIGKILL')))();
    }
    (this.options.exit ?? process.exit)(exitCode);
  }
}

function stringRecord(v: unknown): Record<string, string> {
  const r: Record<string, string> = {};
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
    for (const [k, e] of Object.entries(v)) if (typeof e === 'string') r[k] = e;
  }
  return r;
}

/** The request's cursor_pos (Unicode code points), clamped; missing means end of code. */
function cursorPos(code: string, pos: unknown): number {
  let length = 0;
  for (const _ of code) length++;
  if (typeof pos !== 'number' || !Number.isFinite(pos)) return length;
  return Math.max(0, Math.min(length, Math.floor(pos)));
}
