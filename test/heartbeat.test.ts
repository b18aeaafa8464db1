// The heartbeat's native echo thread (kernel/heartbeat.ts, native/src/heartbeat.c): every
// message comes back as sent, to REQ and DEALER clients, even while the main thread is
// blocked; a bind that fails is an error naming the endpoint; stop() ends it.
import { spawn } from 'node:child_process';
import { startHeartbeat } from '../kernel/heartbeat';

/** Runs a pyzmq client (Debian's) against `endpoint`; resolves with what it printed. */
function pythonClient(endpoint: string, script: string): { done: Promise<string>; printed: (text: string) => Promise<void> } {
  const child = spawn('/usr/bin/python3', ['-c', `import zmq, sys, time\nctx = zmq.Context()\nep = sys.argv[1]\n${script}`, endpoint]);
  let out = '';
  const watchers: (() => void)[] = [];
  const collect = (d: Buffer) => {
    out += d;
    watchers.forEach((w) => w());
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const printed = (text: string) =>
    new Promise<void>((resolve) => {
      const check = () => out.includes(text) && resolve();
      watchers.push(check);
      check();
    });
  return { done: new Promise((resolve) => child.on('exit', () => resolve(out))), printed };
}

test('REQ and DEALER pings come back as sent', async () => {
  const hb = startHeartbeat('tcp://127.0.0.1:0');
  try {
    expect(hb.endpoint).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    const client = pythonClient(
      hb.endpoint,
      [
        'req = ctx.socket(zmq.REQ); req.connect(ep); req.RCVTIMEO = 5000',
        "req.send(b'ping'); print(req.recv())",
        'dealer = ctx.socket(zmq.DEALER); dealer.connect(ep); dealer.RCVTIMEO = 5000',
        "dealer.send_multipart([b'', b'one', b'two']); print(dealer.recv_multipart())",
      ].join('\n'),
    );
    expect(await client.done).toBe("b'ping'\n[b'', b'one', b'two']\n");
  } finally {
    hb.stop();
  }
});

test('echoes while the main thread is blocked', async () => {
  const hb = startHeartbeat('tcp://127.0.0.1:0');
  try {
    const client = pythonClient(
      hb.endpoint,
      [
        'req = ctx.socket(zmq.REQ); req.connect(ep); req.RCVTIMEO = 3000',
        "print('ready', flush=True); time.sleep(0.2)",
        "t = time.time(); req.send(b'x'); req.recv(); print('echoed in', '%.3f' % (time.time() - t), flush=True)",
      ].join('\n'),
    );
    // Block this thread (the kernel's main thread in production) for 2 s: the client pings
    // 0.2 s into it.
    await client.printed('ready');
    const blockedAt = Date.now();
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2000);
    expect(Date.now() - blockedAt).toBeGreaterThanOrEqual(1900);
    const out = await client.done;
    const echoed = /echoed in ([\d.]+)/.exec(out);
    expect(echoed).not.toBeNull();
    expect(Number(echoed![1])).toBeLessThan(1);
  } finally {
    hb.stop();
  }
});

test('a port in use is an error naming the endpoint; stop() twice is harmless', () => {
  const first = startHeartbeat('tcp://127.0.0.1:0');
  try {
    expect(() => startHeartbeat(first.endpoint)).toThrow(`heartbeat: cannot bind ${first.endpoint}: Address already in use`);
  } finally {
    first.stop();
    first.stop();
  }
  // The port is free again once stopped.
  const again = startHeartbeat(first.endpoint);
  again.stop();
});
