// The engine-side soak figures (a 10,000-cell session, runtime errors in a row, interrupts
// during compile, nested eval and C calls) run in-process scripts of their own
// (long-session.js, errors.js, interrupt-engine.js, each runnable alone). Each prints lines
// `figure: measured (target ...) [met]` or `[MISSED]`; here they become soak rows.
import { spawn } from 'child_process';
import * as path from 'path';
import { BenchError } from '../util';
import { row, type FigureRow, type SoakFigure } from './figure';

/** The suffix a figure script prints after a line's target. */
export const verdict = (met: boolean): string => (met ? ' [met]' : ' [MISSED]');

const FIGURE_LINE = /^(.+?): (.*) \(target (.*?)\)(.*) \[(met|MISSED)\]$/;

function engineScript(name: string, title: string, script: string, args: string[] = []): SoakFigure {
  return {
    name,
    title,
    run: (log) =>
      new Promise<FigureRow[]>((resolve, reject) => {
        const child = spawn(process.execPath, [path.join(__dirname, `${script}.js`), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => log(`  ${d.toString().trimEnd()}`));
        child.on('error', reject);
        child.on('exit', (code, signal) => {
          const rows: FigureRow[] = [];
          for (const line of out.split('\n').filter(Boolean)) {
            log(`  ${line}`);
            const m = FIGURE_LINE.exec(line);
            if (m) rows.push(row(m[1], `${m[2]}${m[4]}`, m[3], m[5] === 'met'));
          }
          if (code !== 0 || rows.length === 0) reject(new BenchError(`${script}.js exited with ${code ?? signal} and printed ${rows.length} figures`));
          else resolve(rows);
        });
      }),
  };
}

export const longSession = engineScript('cells', '10,000-cell session (engine, in-process)', 'long-session');
export const errorsInARow = engineScript('errors', '1,000 runtime errors of each kind (engine, in-process)', 'errors');
export const interruptEngine = engineScript('interrupt-engine', 'interrupt during compile, nested eval and C calls (engine)', 'interrupt-engine');
