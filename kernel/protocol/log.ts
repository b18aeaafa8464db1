// The kernel's diagnostics on stderr. stderr may be a closed terminal (every write fails with
// EIO) or a closed pipe (EPIPE): logging never throws and never loops. The first failed write
// marks stderr dead; later lines are counted, not written.

export type Log = (text: string) => void;

interface StdioState {
  /** stderr failed once (EIO, EPIPE, ...): nothing more is written to it. */
  stderrDead: boolean;
  /** Lines that could not be written. */
  lostLines: number;
  /** Write errors swallowed on stdout and stderr. */
  writeErrors: number;
}

const stdio: StdioState = { stderrDead: false, lostLines: 0, writeErrors: 0 };
let guarded = false;

/**
 * Without an 'error' listener, a failed write on process.stderr/stdout becomes an uncaught
 * exception, whose handler logs to stderr, which fails again: a busy loop on a dead terminal.
 */
export function guardStdio(): void {
  if (guarded) return;
  guarded = true;
  process.stderr.on('error', () => {
    stdio.writeErrors++;
    stdio.stderrDead = true;
  });
  process.stdout.on('error', () => {
    stdio.writeErrors++;
  });
}

export const stderrLog: Log = (text) => {
  guardStdio();
  if (stdio.stderrDead || process.stderr.destroyed) {
    stdio.lostLines++;
    return;
  }
  try {
    process.stderr.write(`[kiln] ${text}\n`, (err) => {
      if (!err) return;
      stdio.lostLines++;
      stdio.stderrDead = true;
    });
  } catch {
    stdio.writeErrors++;
    stdio.lostLines++;
    stdio.stderrDead = true;
  }
};

/** True for the errors a write to a closed terminal or pipe raises. */
export function isStdioWriteError(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EPIPE' || code === 'EIO' || code === 'ERR_STREAM_DESTROYED' || code === 'ECONNRESET';
}

/**
 * At most one line per kind of event per `windowMs`; the rest are counted and the next line
 * of that kind says how many were not logged. A flood of malformed frames must not become a
 * flood of stderr writes on the main thread.
 */
export class RateLimitedLog {
  private readonly kinds = new Map<string, { until: number; suppressed: number }>();

  constructor(
    private readonly log: Log,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  write(kind: string, text: string): void {
    const t = this.now();
    const k = this.kinds.get(kind);
    if (k && t < k.until) {
      k.suppressed++;
      return;
    }
    const note = k ? `${k.suppressed} more since the last line` : `repeats are logged at most once every ${Math.round(this.windowMs / 1000)} s`;
    this.kinds.set(kind, { until: t + this.windowMs, suppressed: 0 });
    this.log(`${text} (${note})`);
  }
}
