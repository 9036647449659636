// Prints the gzipped size of the JavaScript a first visit loads (the entry chunk and
// everything it imports statically) and fails the build above the budget.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const BUDGET = 250 * 1024;
const dist = new URL("../dist/", import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(join(dist, ".vite", "manifest.json"), "utf8"));

const entry = Object.keys(manifest).find((key) => manifest[key].isEntry);
if (!entry) {
  console.error("size-report: no entry chunk in the manifest");
  process.exit(1);
}

const seen = new Set();
const visit = (key) => {
  if (seen.has(key)) return;
  seen.add(key);
  for (const next of manifest[key].imports ?? []) visit(next);
};
visit(entry);

const gz = (file) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} kB`;
let total = 0;
const rows = [];
for (const key of seen) {
  const size = gz(manifest[key].file);
  total += size;
  rows.push([manifest[key].file, size]);
}
let lazy = 0;
for (const key of Object.keys(manifest)) {
  if (!seen.has(key) && manifest[key].file.endsWith(".js")) lazy += gz(manifest[key].file);
}
console.log("\nInitial JavaScript (entry + static imports), gzipped:");
for (const [file, size] of rows.sort((a, b) => b[1] - a[1]))
  console.log(`  ${kb(size).padStart(9)}  ${file}`);
console.log(`  ${kb(total).padStart(9)}  total (budget ${kb(BUDGET)})`);
console.log(`  ${kb(lazy).padStart(9)}  lazy chunks, loaded on demand`);
if (total > BUDGET) {
  console.error(`size-report: initial JavaScript ${kb(total)} is over the ${kb(BUDGET)} budget`);
  process.exit(1);
}
