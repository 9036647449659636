// Writes a gzip copy beside every text asset of the build (dist/**/*.{js,css,html,svg,json,txt}),
// which the gateway sends to browsers that accept gzip: compressed once here at the highest
// level, instead of on every request.
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const dist = new URL("../dist/", import.meta.url).pathname;
const TEXT = /\.(js|css|html|svg|json|txt|webmanifest)$/;

const walk = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });

let files = 0;
for (const path of walk(dist)) {
  if (!TEXT.test(path) || path.includes("/.vite/")) continue;
  const plain = readFileSync(path);
  const packed = gzipSync(plain, { level: 9 });
  if (packed.length < plain.length) {
    writeFileSync(`${path}.gz`, packed);
    files += 1;
  }
}
console.log(`precompress: ${files} files gzipped beside the originals`);
