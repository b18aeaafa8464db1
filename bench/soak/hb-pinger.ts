// Pings a kernel's heartbeat every INTERVAL ms from its own process (so the soak's own work
// cannot delay the pings) until stdin closes. Prints `ready` after the first echo, and at the
// end one JSON line: pings, worst and p99 latency (ms), and pings with no echo within 1 s.
// Run: node dist/bench/soak/hb-pinger.js <endpoint> [interval-ms=10]
import { randomUUID } from 'crypto';
import * as zmq from 'zeromq';

async function main(): Promise<void> {
  const [endpoint, intervalArg] = process.argv.slice(2);
  const interval = Number(intervalArg ?? 10);
  let stop = false;
  process.stdin.on('end', () => (stop = true));
  process.stdin.resume();
  const latencies: number[] = [];
  let lost = 0;
  let hb = new zmq.Request({ linger: 0, receiveTimeout: 1000 });
  hb.connect(endpoint);
  while (!stop) {
    const started = process.hrtime.bigint();
    const payload = Buffer.from(randomUUID());
    try {
      await hb.send(payload);
      const [echo] = await hb.receive();
      if (!echo.equals(payload)) throw new Error('wrong echo');
      if (latencies.length === 0) process.stdout.write('ready\n');
      latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
    } catch {
      lost++; // a REQ socket that timed out must be replaced
      hb.close();
      hb = new zmq.Request({ linger: 0, receiveTimeout: 1000 });
      hb.connect(endpoint);
    }
    const spent = Number(process.hrtime.bigint() - started) / 1e6;
    if (spent < interval) await new Promise((r) => setTimeout(r, interval - spent));
  }
  hb.close();
  const sorted = [...latencies].sort((a, b) => a - b);
  const p = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  process.stdout.write(`${JSON.stringify({ pings: latencies.length, lost, worstMs: sorted.at(-1) ?? NaN, p99Ms: p(0.99), medianMs: p(0.5) })}\n`);
}

void main();
