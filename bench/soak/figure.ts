// What every soak figure module provides, and helpers they share: reading a process's RSS
// and CPU time from /proc, waiting, and marking a figure against its target.
import { execFileSync, spawn } from 'child_process';
import { readFileSync } from 'fs';
import * as path from 'path';

/** One line of the soak report: the figure measured and its target. */
export interface FigureRow {
  figure: string;
  value: string;
  target: string;
  met: boolean;
}

/**
 * A soak figure: runs against its own kernel(s) and returns its rows. Throw (BenchError via
 * `fail`) when a correctness check fails: the run then exits non-zero.
 */
export interface SoakFigure {
  /** Short name, used to pick figures on the command line (`npm run soak -- fuzz`). */
  name: string;
  title: string;
  run(log: (line: string) => void): Promise<FigureRow[]>;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));

/** CPU seconds (user + system, all threads) the process has used so far. */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** Resident set size in MB (VmRSS), or NaN once the process is gone. */
export function rssMB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Child processes of pid (from /proc/<pid>/task/<pid>/children). */
export function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

export function row(figure: string, value: string, target: string, met: boolean): FigureRow {
  return { figure, value, target, met };
}

export interface HeartbeatFigures {
  pings: number;
  lost: number;
  worstMs: number;
  p99Ms: number;
  medianMs: number;
}

/**
 * Starts hb-pinger.js against a heartbeat endpoint and resolves once it has had its first
 * echo; stop() ends it and returns its figures.
 */
export async function startHeartbeatPinger(endpoint: string, intervalMs = 10): Promise<{ stop(): Promise<HeartbeatFigures> }> {
  const child = spawn(process.execPath, [path.join(__dirname, 'hb-pinger.js'), endpoint, String(intervalMs)], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  const ready = new Promise<void>((resolve) =>
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.startsWith('ready\n')) resolve();
    }),
  );
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  await Promise.race([ready, exited]);
  return {
    async stop() {
      child.stdin!.end();
      await exited;
      return JSON.parse(out.slice('ready\n'.length).trim()) as HeartbeatFigures;
    },
  };
}
