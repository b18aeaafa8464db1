// Reads a file with one Kiln built-in in a process of its own and prints, as one JSON
// line, the length of what it read and how much the collector's heap and the peak RSS
// grew meanwhile (the process is otherwise idle, so the growth is the read's).
//   node test/support/read-memory.js read_file|read_lines|read_csv PATH
// Needs dist/ built (npx tsc -p tsconfig.json).
'use strict';
const path = require('node:path');
const { Session } = require(path.join(__dirname, '../../dist/kernel/engine/session.js'));

const [fn, file] = process.argv.slice(2);
const session = new Session({ output: () => {}, input: () => '' }, {});
const warm = session.execute('let warm = [1]\nlen(warm)', 1); // JIT, GC and runtime ready before the baseline
if (warm.status !== 'ok') throw new Error(JSON.stringify(warm));
const heapBefore = session.native.gcStats().heapBytes;
const peakBefore = process.resourceUsage().maxRSS * 1024;
const outcome = session.execute(`len(${fn}(${JSON.stringify(file)}))`, 2);
if (outcome.status !== 'ok') throw new Error(JSON.stringify(outcome));
console.log(JSON.stringify({
  length: Number(outcome.result['text/plain']),
  heapGrowth: session.native.gcStats().heapBytes - heapBefore,
  peakRssGrowth: process.resourceUsage().maxRSS * 1024 - peakBefore,
}));
