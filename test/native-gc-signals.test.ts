// The collector's stop-the-world signals against JS signal listeners in the same process.
// jest (write-file-atomic → signal-exit) attaches and removes listeners for every fatal
// signal it can name around each cache write; libuv then left SIGPWR, the collector's
// suspend signal, at SIG_DFL and the next collection with two registered threads killed the
// whole jest process. Each case runs in a child process so that a crash fails the test.
import { spawnSync } from 'child_process';
import { nativeAddonPath } from '../kernel/engine/native';

/**
 * The child: the main thread loads the addon (so it is a registered thread), listeners are
 * attached to every signal JS can name ('toggle': and removed again, as signal-exit does),
 * then two workers load the addon and collect in a bounded loop while the main thread
 * collects too. Prints how many collections each thread completed.
 */
const CHILD = `
const { Worker } = require('worker_threads');
const os = require('os');
const [addonPath, mode] = process.argv.slice(1);
const n = require(addonPath);
const ROUNDS = 40;
const notForJs = new Set(['SIGKILL', 'SIGSTOP', 'SIGSEGV', 'SIGBUS', 'SIGFPE', 'SIGILL']);
const listener = () => {};
for (const sig of Object.keys(os.constants.signals)) {
  if (notForJs.has(sig)) continue;
  process.on(sig, listener);
  if (mode === 'toggle') process.removeListener(sig, listener);
}
const workerCode = \`
  const { parentPort, workerData } = require('worker_threads');
  const n = require(workerData.addonPath);
  let done = 0;
  for (let i = 0; i < workerData.rounds; i++) { n.gcCollect(); done++; }
  parentPort.postMessage(done);
\`;
const runWorker = () => new Promise((resolve, reject) => {
  const w = new Worker(workerCode, { eval: true, workerData: { addonPath, rounds: ROUNDS } });
  w.once('message', resolve);
  w.once('error', reject);
});
const workers = [runWorker(), runWorker()];
let main = 0;
for (let i = 0; i < ROUNDS; i++) { n.gcCollect(); main++; }
Promise.all(workers).then((done) => {
  console.log(JSON.stringify({ main, workers: done }));
  process.exit(0);
});
`;

function collectWithSignalListeners(mode: 'toggle' | 'attached') {
  return spawnSync(process.execPath, ['-e', CHILD, nativeAddonPath(), mode], { encoding: 'utf8', timeout: 30000 });
}

describe('GC stop-the-world with JS signal listeners in the process', () => {
  test('listeners attached and removed on every signal: collections across threads do not kill the process', () => {
    const r = collectWithSignalListeners('toggle');
    expect({ status: r.status, signal: r.signal, stderr: r.stderr }).toEqual({ status: 0, signal: null, stderr: '' });
    expect(r.stdout).toBe('{"main":40,"workers":[40,40]}\n');
  });

  test('listeners attached on every signal: collections across threads complete', () => {
    const r = collectWithSignalListeners('attached');
    expect({ status: r.status, signal: r.signal, stderr: r.stderr }).toEqual({ status: 0, signal: null, stderr: '' });
    expect(r.stdout).toBe('{"main":40,"workers":[40,40]}\n');
  });
});
