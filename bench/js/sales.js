// CSV: parse a file of sales (id,city,amount,note) with a small RFC 4180 reader (node has
// none built in), convert the amount column with Number, and print the total and the sum
// per city (cities sorted).
'use strict';
const fs = require('fs');

function readCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"' && field === '') {
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) throw new Error('unterminated quoted field');
        field += text.slice(i, q);
        if (text[q + 1] === '"') { field += '"'; i = q + 2; } else { i = q + 1; break; }
      }
    } else if (c === ',') { row.push(field); field = ''; i++; }
    else if (c === '\n' || c === '\r') {
      row.push(field); field = ''; rows.push(row); row = [];
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
    } else { field += c; i++; }
  }
  if (field !== '' || row.length > 0) { row.push(field); rows.push(row); }
  return rows;
}

const t0 = performance.now();
const rows = readCsv(fs.readFileSync(process.argv[2], 'utf8'));
let total = 0;
const byCity = new Map();
for (let i = 1; i < rows.length; i++) {
  const amount = Number(rows[i][2]);
  total += amount;
  byCity.set(rows[i][1], (byCity.get(rows[i][1]) ?? 0) + amount);
}
const ms = performance.now() - t0;
console.log(rows.length - 1, total.toFixed(2));
for (const c of [...byCity.keys()].sort()) console.log(c, byCity.get(c).toFixed(2));
console.error(`#time ${ms}`);
