// Builds dist/esm (ES modules) and dist/cjs (CommonJS) from src with the TypeScript compiler;
// dist/cjs gets a package.json of its own so that Node reads its .js files as CommonJS.
// `node scripts/build.mjs tests` also compiles the suite into build/suite, against dist's types.
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const compile = (config) =>
  execFileSync(process.execPath, [tsc, "-p", join(root, config)], { stdio: "inherit" });

rmSync(join(root, "dist"), { recursive: true, force: true });
compile("tsconfig.esm.json");
compile("tsconfig.cjs.json");
mkdirSync(join(root, "dist/cjs"), { recursive: true });
writeFileSync(join(root, "dist/cjs/package.json"), '{ "type": "commonjs" }\n');

if (process.argv.includes("tests")) {
  rmSync(join(root, "build/suite"), { recursive: true, force: true });
  compile("tsconfig.test.json");
}
