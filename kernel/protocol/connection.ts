// The connection file written by a Jupyter front end (or by our tests).
import { existsSync, readFileSync, writeFileSync } from 'fs';

export type Transport = 'tcp' | 'ipc';

export interface ConnectionInfo {
  transport: Transport;
  ip: string;
  shell_port: number;
  control_port: number;
  stdin_port: number;
  iopub_port: number;
  hb_port: number;
  key: string;
  signature_scheme: 'hmac-sha256';
  kernel_name?: string;
}

const PORTS = ['shell_port', 'control_port', 'stdin_port', 'iopub_port', 'hb_port'] as const;
export type PortName = (typeof PORTS)[number];

/** Parses and validates a connection file's text; throws an Error naming the first problem. */
export function parseConnection(text: string): ConnectionInfo {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`connection file is not JSON: ${(e as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null) throw new Error('connection file is not a JSON object');
  const o = raw as Record<string, unknown>;
  const transport = (o.transport ?? 'tcp') as string;
  if (transport !== 'tcp' && transport !== 'ipc') throw new Error(`unsupported transport ${transport}`);
  const ip = (o.ip ?? '127.0.0.1') as unknown;
  if (typeof ip !== 'string' || ip === '') throw new Error('ip must be a non-empty string');
  const scheme = (o.signature_scheme ?? 'hmac-sha256') as unknown;
  if (scheme !== 'hmac-sha256') throw new Error(`unsupported signature_scheme ${String(scheme)}`);
  const key = (o.key ?? '') as unknown;
  if (typeof key !== 'string') throw new Error('key must be a string');
  const info: ConnectionInfo = {
    transport,
    ip,
    key,
    signature_scheme: 'hmac-sha256',
    shell_port: 0,
    control_port: 0,
    stdin_port: 0,
    iopub_port: 0,
    hb_port: 0,
  };
  for (const p of PORTS) {
    const v = o[p];
    // 0: the kernel picks a free port and writes it into the file (as ipykernel does).
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 65535) {
      throw new Error(`${p} must be a port number (got ${JSON.stringify(v)})`);
    }
    info[p] = v;
  }
  if (typeof o.kernel_name === 'string') info.kernel_name = o.kernel_name;
  return info;
}

export function readConnectionFile(path: string): ConnectionInfo {
  return parseConnection(readFileSync(path, 'utf8'));
}

/** ZMQ endpoint for one port: `tcp://ip:port`, or `ipc://ip-port` as jupyter_client names ipc files. */
export function endpoint(info: ConnectionInfo, port: PortName): string {
  return info.transport === 'tcp' ? `tcp://${info.ip}:${info[port]}` : `ipc://${info.ip}-${info[port]}`;
}

/**
 * What to bind for one port: its endpoint, or for port 0 a free one, as ipykernel chooses:
 * tcp `ip:*` (zeromq picks), ipc the first `ip-N` (N = 1, 2, ...) with no file yet.
 */
export function bindEndpoint(info: ConnectionInfo, port: PortName): string {
  if (info[port] !== 0) return endpoint(info, port);
  if (info.transport === 'tcp') return `tcp://${info.ip}:*`;
  let n = 1;
  while (existsSync(`${info.ip}-${n}`)) n++;
  return `ipc://${info.ip}-${n}`;
}

/** The port number in an endpoint zeromq reports as bound (`tcp://ip:N`, `ipc://ip-N`). */
export function portOf(boundEndpoint: string): number {
  const m = /[:-](\d+)$/.exec(boundEndpoint);
  if (!m) throw new Error(`cannot read the port of ${boundEndpoint}`);
  return Number(m[1]);
}

export function hasFreePorts(info: ConnectionInfo): boolean {
  return PORTS.some((p) => info[p] === 0);
}

/** Writes the ports actually bound into the connection file, keeping its other fields. */
export function writeBoundPorts(path: string, info: ConnectionInfo): void {
  const original = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  for (const p of PORTS) original[p] = info[p];
  writeFileSync(path, JSON.stringify(original, null, 2) + '\n');
}
