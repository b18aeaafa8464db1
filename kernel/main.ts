// Entry point: `node dist/kernel/main.js -f <connection_file>`.
import { hasFreePorts, readConnectionFile, writeBoundPorts } from './protocol/connection';
import { guardStdio, isStdioWriteError, stderrLog } from './protocol/log';
import { Kernel } from './kernel';
import { EngineClient } from './worker/engine-client';
import { ZmqTransport } from './protocol/zmq-transport';

function usage(): never {
  process.stderr.write('usage: node dist/kernel/main.js -f <connection_file>\n');
  process.exit(2);
}

export async function main(argv: string[]): Promise<void> {
  let file: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-f' || a === '--connection-file') file = argv[++i];
    else if (a.startsWith('--connection-file=')) file = a.slice('--connection-file='.length);
    else if (a === '-h' || a === '--help') usage();
  }
  if (!file) usage();
  guardStdio();
  let info;
  try {
    info = readConnectionFile(file);
  } catch (e) {
    stderrLog(`cannot read connection file ${file}: ${(e as Error).message}`);
    process.exit(1);
  }
  const transport = new ZmqTransport(info, stderrLog);
  const kernel = new Kernel(transport, new EngineClient({ log: stderrLog }));
  process.on('SIGINT', () => kernel.interrupt());
  process.on('SIGTERM', () => void kernel.shutdown());
  // A thrown exception nobody caught leaves the kernel in an unknown state: say so and exit
  // (the front end then offers a restart) rather than run on half-broken. The one known-
  // harmless kind, a write to a closed terminal or pipe, is swallowed: logging gave up on it.
  const fatal = (what: string, e: unknown) => {
    if (isStdioWriteError(e)) return;
    stderrLog(`${what}: ${(e as Error)?.stack ?? e}; the kernel exits`);
    void kernel.shutdown(1);
  };
  process.on('uncaughtException', (e) => fatal('internal error', e));
  process.on('unhandledRejection', (e) => fatal('internal error (unhandled rejection)', e));
  try {
    await kernel.start();
    if (hasFreePorts(info)) writeBoundPorts(file, transport.bound);
  } catch (e) {
    stderrLog(`cannot start: ${(e as Error).message}`);
    await kernel.shutdown(1);
  }
  watchParent(() => void kernel.shutdown());
}

/** How often the kernel checks that the process that started it is still there. */
const PARENT_POLL_MS = 1000;

/**
 * A kernel whose front end died without a shutdown_request (a closed terminal, a killed
 * console) would otherwise run on, orphaned, perhaps in a busy cell. Like ipykernel's
 * parent poller: when the parent that jupyter_client names in JPY_PARENT_PID is gone (we
 * were re-parented), shut down.
 */
function watchParent(shutdown: () => void): void {
  const parent = Number(process.env.JPY_PARENT_PID);
  if (!parent || parent !== process.ppid) return; // not started by a Jupyter client we can watch
  const timer = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(timer);
      shutdown();
      stderrLog(`parent process ${parent} is gone: shutting down`);
    }
  }, PARENT_POLL_MS);
  timer.unref();
}

if (require.main === module) void main(process.argv.slice(2));
