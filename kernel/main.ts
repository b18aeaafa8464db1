// Entry point: `node dist/kernel/main.js -f <connection_file>`.
import { readConnectionFile } from './protocol/connection';
import { stderrLog } from './protocol/transport';
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
  process.on('uncaughtException', (e) => stderrLog(`uncaught: ${e.stack ?? e}`));
  process.on('unhandledRejection', (e) => stderrLog(`unhandled rejection: ${(e as Error)?.stack ?? e}`));
  await kernel.start();
}

if (require.main === module) void main(process.argv.slice(2));
