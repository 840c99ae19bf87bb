#!/usr/bin/env node
// `node bench/flamegraph.js <file.cpuprofile> [title] > flame.svg`: a V8 CPU profile (as written
// with BENCH_PROFILE=<dir>) drawn as a flame graph in SVG — one box per call path, its width the
// share of busy time (idle and start-up left out), callers below their callees. Hover a box for
// its figures.
'use strict';
const fs = require('node:fs');

const [file, title = 'CPU profile'] = process.argv.slice(2);
if (!file) throw new Error('usage: node bench/flamegraph.js <file.cpuprofile> [title]');
const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((n) => [n.id, { ...n, self: 0, total: 0 }]));
profile.samples.forEach((id, i) => (nodes.get(id).self += profile.timeDeltas[i] ?? 0));
const root = nodes.get(profile.nodes[0].id);
const IGNORED = new Set(['(idle)', '(program)']);
// Start-up (loading modules) is not what a load profile is about.
const startUp = (cf) => cf.url.includes('run_main_module');
function total(n) {
  if (IGNORED.has(n.callFrame.functionName) || startUp(n.callFrame)) return (n.total = 0);
  n.total = n.self + (n.children ?? []).reduce((sum, c) => sum + total(nodes.get(c)), 0);
  return n.total;
}
total(root);

const WIDTH = 1600;
const ROW = 16;
const MIN_PX = 1;
const label = (cf) => {
  const where = cf.url
    .replace(/.*node_modules\//, '')
    .replace(/.*\/dist\//, '')
    .replace(/^node:/, '');
  return `${cf.functionName || '(anonymous)'}${where ? ` ${where}:${cf.lineNumber + 1}` : ''}`;
};
const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const colour = (cf) => {
  if (/apps\/gateway|apps\/worker|libs\//.test(cf.url)) return '#e8744f';
  if (/node_modules/.test(cf.url)) return '#f2b134';
  if (cf.url.startsWith('node:') || cf.url === '') return '#9fb8d8';
  return '#c7c7c7';
};

const boxes = [];
let depthMax = 0;
function layout(n, x, depth) {
  const w = (n.total / root.total) * WIDTH;
  if (w < MIN_PX) return;
  depthMax = Math.max(depthMax, depth);
  boxes.push({ x, w, depth, cf: n.callFrame, share: n.total / root.total, self: n.self / root.total });
  let cx = x;
  for (const c of n.children ?? []) {
    const child = nodes.get(c);
    layout(child, cx, depth + 1);
    cx += (child.total / root.total) * WIDTH;
  }
}
layout(root, 0, 0);
const height = (depthMax + 1) * ROW + 40;
const out = [
  `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" font-family="monospace" font-size="11">`,
  `<text x="4" y="16" font-size="14">${esc(title)} — box width = share of busy CPU (orange: Sluice, yellow: dependencies, blue: Node)</text>`,
];
for (const b of boxes) {
  const y = height - (b.depth + 1) * ROW;
  const name = label(b.cf);
  const tip = `${name}\n${(b.share * 100).toFixed(2)} % of busy time (self ${(b.self * 100).toFixed(2)} %)`;
  out.push(
    `<g><title>${esc(tip)}</title><rect x="${b.x.toFixed(1)}" y="${y}" width="${b.w.toFixed(1)}" height="${ROW - 1}" fill="${colour(b.cf)}"/>` +
      (b.w > 40
        ? `<text x="${(b.x + 2).toFixed(1)}" y="${y + 11}">${esc(name.slice(0, Math.floor(b.w / 6.6)))}</text>`
        : '') +
      '</g>',
  );
}
out.push('</svg>');
process.stdout.write(out.join('\n') + '\n');
