// The data workloads of Kiln 0.2 (npm run bench): a word count over a generated 50 MB text
// and a group-by over a generated 1-million-row CSV, each in Kiln (a process of its own per run, kiln-runs.ts; %opt 2, run
// time of the compiled cell: reading and parsing the file included), CPython and node (their
// own timing, interpreter start-up excluded). Both need a hash map, so the native reference
// is node's Map rather than C with a hand-rolled table. All outputs must agree.
import { mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { kilnRun } from './kiln-runs';
import { fail, runProcess } from './util';
import { BENCH_DIR, PYTHON, RUNS } from './workloads';

export interface DataResult {
  name: string;
  label: string;
  /** Best of the runs, ms. */
  kiln: number;
  cpython: number;
  node: number;
  /** Every run, ms (absent in results.json files older than the report). */
  runs?: { kiln: number[]; cpython: number[]; node: number[] };
}

/** A deterministic generator (xorshift64*), so every run and language sees the same input. */
function rng(seed: bigint): () => number {
  let s = seed;
  return () => {
    s ^= s >> 12n;
    s ^= (s << 25n) & 0xffffffffffffffffn;
    s ^= s >> 27n;
    return Number(((s * 0x2545f4914f6cdd1dn) & 0xffffffffffffffffn) >> 11n) / 2 ** 53;
  };
}

/** About `bytes` of text: lines of 8–16 words drawn from a 50,000-word vocabulary with a Zipf-like law. */
export function generateText(bytes: number): string {
  const random = rng(0x9e3779b97f4a7c15n);
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const vocabulary = Array.from({ length: 50_000 }, () => {
    let w = '';
    for (let n = 2 + Math.floor(random() * 8); n > 0; n--) w += letters[Math.floor(random() * 26)];
    return w;
  });
  const lines: string[] = [];
  let size = 0;
  while (size < bytes) {
    const count = 8 + Math.floor(random() * 9);
    const line: string[] = [];
    for (let i = 0; i < count; i++) line.push(vocabulary[Math.floor(vocabulary.length * random() ** 3)]);
    const text = line.join(random() < 0.1 ? '  ' : ' ');
    lines.push(text);
    size += text.length + 1;
  }
  return lines.join('\n') + '\n';
}

/** A sales CSV of `rows` records: quoted cities with commas, notes with quotes and newlines. */
export function generateCsv(rows: number): string {
  const random = rng(0x2545f4914f6cdd1dn);
  const cities = ['Oslo', 'Lima', 'Quito', '"Washington, D.C."', 'Kyoto', '"Paris, TX"', 'Accra', 'Perth', 'Hanoi', 'Bern'];
  const notes = ['', 'ok', '"said ""fragile"""', '"two\nlines"', 'late'];
  const out = ['id,city,amount,note'];
  for (let i = 1; i <= rows; i++) {
    const amount = (Math.floor(random() * 100_000) / 100).toFixed(2);
    out.push(`${i},${cities[Math.floor(random() * cities.length)]},${amount},${notes[Math.floor(random() * notes.length)]}`);
  }
  return out.join('\r\n') + '\r\n';
}

const DATA_WORKLOADS = [
  { name: 'wordcount', label: 'word count, 50 MB text, top 100', file: 'words.txt', make: () => generateText(50 << 20) },
  { name: 'sales', label: 'CSV 1M rows: parse, float column, group by', file: 'sales.csv', make: () => generateCsv(1_000_000) },
];

export function runDataWorkloads(log: (s: string) => void): DataResult[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'kiln-bench-data-'));
  const results: DataResult[] = [];
  for (const w of DATA_WORKLOADS) {
    const input = path.join(dir, w.file);
    writeFileSync(input, w.make());
    const source = readFileSync(path.join(BENCH_DIR, 'workloads', `${w.name}.kiln`), 'utf8').replace('"INPUT"', JSON.stringify(input));
    const runs = { kiln: [] as number[], cpython: [] as number[], node: [] as number[] };
    let answer: string | undefined;
    const agree = (lang: string, stdout: string) => {
      answer ??= stdout;
      if (stdout !== answer) fail(`WRONG ANSWER: ${lang} ${w.label} differs from the first language's output:\n${stdout.slice(0, 400)}\nvs\n${answer.slice(0, 400)}`);
    };
    for (let r = 0; r < RUNS; r++) {
      const k = kilnRun(source, `kiln ${w.label}`);
      agree('kiln', k.stdout);
      runs.kiln.push(k.ms);
      const py = runProcess(PYTHON, [path.join(BENCH_DIR, 'py', `${w.name}.py`), input]);
      agree('cpython', py.stdout);
      runs.cpython.push(py.selfMs!);
      const js = runProcess(process.execPath, [path.join(BENCH_DIR, 'js', `${w.name}.js`), input]);
      agree('node', js.stdout);
      runs.node.push(js.selfMs!);
    }
    const best = { kiln: Math.min(...runs.kiln), cpython: Math.min(...runs.cpython), node: Math.min(...runs.node) };
    results.push({ name: w.name, label: w.label, ...best, runs });
    log(`  ${w.name}: kiln ${best.kiln.toFixed(0)} ms, CPython ${best.cpython.toFixed(0)} ms, node ${best.node.toFixed(0)} ms`);
  }
  return results;
}
