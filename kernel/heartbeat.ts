// The heartbeat: every ping on the heartbeat socket is echoed as is (REQ and DEALER clients
// alike) by a native thread with its own zeromq context (native/src/heartbeat.c), so a main
// thread busy with a flood of messages never delays a heartbeat: a front end that sees late
// heartbeats declares the kernel dead. A thread of C and not a Node worker: a worker's V8
// isolate cost 7.5 MiB of the kernel's resident memory to echo bytes.
import { nativeBuildPath } from './native-build';

interface HeartbeatAddon {
  start(endpoint: string): { handle: object; endpoint: string };
  stop(handle: object): void;
}

export interface Heartbeat {
  /** The endpoint bound (a port 0 replaced by the one chosen). */
  readonly endpoint: string;
  /** Ends the echo thread and closes its socket; again is a no-op. */
  stop(): void;
}

/** Binds `endpoint` and starts echoing; throws if it cannot bind. */
export function startHeartbeat(endpoint: string): Heartbeat {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const addon = require(nativeBuildPath('kiln_heartbeat.node')) as HeartbeatAddon;
  const started = addon.start(endpoint);
  return { endpoint: started.endpoint, stop: () => addon.stop(started.handle) };
}
