// Word count: the words of a text file counted in a Map, then the 100 most frequent
// (ties by word, ascending).
'use strict';
const fs = require('fs');
const t0 = performance.now();
const text = fs.readFileSync(process.argv[2], 'utf8');
const counts = new Map();
for (const w of text.split(/\s+/)) {
  if (w !== '') counts.set(w, (counts.get(w) ?? 0) + 1);
}
const top = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).slice(0, 100);
const ms = performance.now() - t0;
console.log(counts.size);
for (const [w, c] of top) console.log(w, c);
console.error(`#time ${ms}`);
