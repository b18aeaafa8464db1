// Entry point: `node dist/kernel/main.js -f <connection_file>`.
import { readConnectionFile } from './protocol/connection';
import { guardStdio, isStdioWriteError, stderrLog } from './protocol/log';
import { Kernel } from './kernel';

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
  const kernel = new Kernel(info);
  process.on('SIGINT', () => kernel.interrupt());
  process.on('SIGTERM', () => void kernel.shutdown());
  process.on('uncaughtException', (e) => {
    // A write to a closed terminal or pipe: logging already gave up on it.
    if (isStdioWriteError(e)) return;
    stderrLog(`uncaught: ${e.stack ?? e}`);
  });
  process.on('unhandledRejection', (e) => stderrLog(`unhandled rejection: ${(e as Error)?.stack ?? e}`));
  await kernel.start();
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
