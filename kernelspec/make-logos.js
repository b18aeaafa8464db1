#!/usr/bin/env node
// Draws the Kiln logo (a brick kiln with a flame in its arch) as logo-32x32.png,
// logo-64x64.png and logo-svg.svg. No dependencies: PNG written with zlib and a CRC table.
// Run: node kernelspec/make-logos.js   (the outputs are committed)
'use strict';
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

// Shapes in unit coordinates (0..1, y down), painted in order.
const rrect = (x0, y0, x1, y1, r) => (x, y) => {
  const dx = Math.max(x0 + r - x, 0, x - (x1 - r));
  const dy = Math.max(y0 + r - y, 0, y - (y1 - r));
  return x >= x0 && x <= x1 && y >= y0 && y <= y1 && dx * dx + dy * dy <= r * r;
};
const rect = (x0, y0, x1, y1) => (x, y) => x >= x0 && x <= x1 && y >= y0 && y <= y1;
const circle = (cx, cy, r) => (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
const union = (...fs) => (x, y) => fs.some((f) => f(x, y));
const below = (cy, f) => (x, y) => y >= cy && f(x, y);
/** A flame: a circle with a pointed top (the tangent lines to an apex). */
const flame = (cx, cy, r, apexY) => (x, y) => {
  if (circle(cx, cy, r)(x, y)) return true;
  if (y < apexY || y > cy) return false;
  const half = (r * (y - apexY)) / (cy - apexY);
  return Math.abs(x - cx) <= half;
};

const layers = [
  { color: '#1f2430', shape: rrect(0, 0, 1, 1, 0.18) },
  { color: '#c2522b', shape: union(rect(0.2, 0.46, 0.8, 0.84), below(0, circle(0.5, 0.47, 0.3))) },
  { color: '#2a1812', shape: union(rect(0.36, 0.56, 0.64, 0.84), circle(0.5, 0.56, 0.14)) },
  { color: '#ff9f1c', shape: flame(0.5, 0.74, 0.095, 0.5) },
  { color: '#ffe38a', shape: flame(0.5, 0.775, 0.05, 0.62) },
  { color: '#7d3519', shape: rect(0.13, 0.84, 0.87, 0.9) },
];

function rgb(hex) {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

function render(size) {
  const ss = 4;
  const px = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let pxl = 0; pxl < size; pxl++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < ss; sy++) {
        for (let sx = 0; sx < ss; sx++) {
          const x = (pxl + (sx + 0.5) / ss) / size;
          const y = (py + (sy + 0.5) / ss) / size;
          let c = null;
          for (const l of layers) if (l.shape(x, y)) c = l.color;
          if (c) {
            const [cr, cg, cb] = rgb(c);
            r += cr; g += cg; b += cb; a += 1;
          }
        }
      }
      const o = (py * size + pxl) * 4;
      if (a) {
        px[o] = Math.round(r / a);
        px[o + 1] = Math.round(g / a);
        px[o + 2] = Math.round(b / a);
      }
      px[o + 3] = Math.round((255 * a) / (ss * ss));
    }
  }
  return px;
}

const CRC = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

function png(size) {
  const rgba = render(size);
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" width="64" height="64">
  <title>Kiln</title>
  <rect width="100" height="100" rx="18" fill="#1f2430"/>
  <path d="M20 84V47A30 30 0 0 1 80 47V84Z" fill="#c2522b"/>
  <path d="M36 84V56A14 14 0 0 1 64 56V84Z" fill="#2a1812"/>
  <path d="M50 50L59.2 71.7A9.5 9.5 0 1 1 40.8 71.7Z" fill="#ff9f1c"/>
  <path d="M50 62L54.6 75.9A5 5 0 1 1 45.4 75.9Z" fill="#ffe38a"/>
  <rect x="13" y="84" width="74" height="6" fill="#7d3519"/>
</svg>
`;

const dir = __dirname;
fs.writeFileSync(path.join(dir, 'logo-32x32.png'), png(32));
fs.writeFileSync(path.join(dir, 'logo-64x64.png'), png(64));
fs.writeFileSync(path.join(dir, 'logo-svg.svg'), svg);
console.log('wrote logo-32x32.png, logo-64x64.png, logo-svg.svg');
