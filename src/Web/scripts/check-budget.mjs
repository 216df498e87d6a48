// Initial-load budget: index.html plus the scripts it loads up front (entry + modulepreload), gzipped.
// Route pages are lazy chunks and do not count. Run after `npm run build`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET_KIB = 150;
const outDir = '../Host/wwwroot';
const html = readFileSync(join(outDir, 'index.html'), 'utf8');

const scripts = new Set();
for (const match of html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="([^"]+)"/g)) {
  scripts.add(match[1]);
}
for (const match of html.matchAll(/<link[^>]*href="([^"]+)"[^>]*rel="modulepreload"/g)) {
  scripts.add(match[1]);
}
if (scripts.size === 0) {
  console.error('No entry script found in index.html: was the app built?');
  process.exit(1);
}

let total = gzipSync(html).length;
for (const src of scripts) {
  const size = gzipSync(readFileSync(join(outDir, src.replace(/^\//, '')))).length;
  console.log(`${(size / 1024).toFixed(1).padStart(7)} KiB  ${src}`);
  total += size;
}
const totalKiB = total / 1024;
console.log(`Initial load: ${totalKiB.toFixed(1)} KiB gzip (budget ${BUDGET_KIB} KiB)`);
if (totalKiB > BUDGET_KIB) {
  console.error(`Over budget by ${(totalKiB - BUDGET_KIB).toFixed(1)} KiB`);
  process.exitCode = 1;
}
