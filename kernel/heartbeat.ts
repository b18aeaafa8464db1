// The heartbeat's own thread. It binds the heartbeat endpoint and echoes every ping as is
// (REQ and DEALER clients alike), so a main thread busy with a flood of messages never
// delays a heartbeat: a front end that sees late heartbeats declares the kernel dead.
// Posts {kind: 'bound', endpoint} or {kind: 'error', message} once, then echoes until the
// main thread posts 'close'. It closes its socket and ends by itself: terminating a thread
// that holds a zeromq socket aborts the process at exit.
import { parentPort, workerData } from 'worker_threads';
import * as zmq from 'zeromq';

export type HeartbeatStatus = { kind: 'bound'; endpoint: string } | { kind: 'error'; message: string };

async function echo(endpoint: string): Promise<void> {
  const port = parentPort!;
  // Its own zeromq context, hence its own I/O thread: the global context's one is shared
  // with the kernel's other sockets (across threads) and busy when they are flooded. Not
  // blocky: with a blocky custom context the process aborted at exit (SIGABRT, measured).
  const hb = new zmq.Router({ linger: 0, context: new zmq.Context({ ioThreads: 1, blocky: false }) });
  port.once('message', () => hb.close());
  try {
    await hb.bind(endpoint);
  } catch (e) {
    hb.close();
    port.postMessage({ kind: 'error', message: (e as Error).message } satisfies HeartbeatStatus);
    return;
  }
  port.postMessage({ kind: 'bound', endpoint: hb.lastEndpoint ?? endpoint } satisfies HeartbeatStatus);
  try {
    for await (const frames of hb) await hb.send(frames);
  } catch {
    /* closed while sending */
  }
  port.close();
}

if (parentPort) void echo((workerData as { endpoint: string }).endpoint);
