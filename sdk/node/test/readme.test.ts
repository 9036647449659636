/**
 * The README's examples, run against the stack: the `js` block that uses `require` as a CommonJS
 * script, and every other `js` block, in order, as one ES module (later examples use what earlier
 * ones made). They live in build/readme, inside the package, so `expe-node` resolves to itself.
 */

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

import { env } from "./support/env.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const folder = join(root, "build/readme");

function jsBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```js\n([\s\S]*?)^```$/gm)].map((match) => match[1]!);
}

async function run(file: string): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [file], {
    cwd: folder,
    // PORT=0: the receiver example listens wherever the system finds room.
    env: { ...process.env, EXPE_RECIPIENT_EMAIL: env.recipientEmail, PORT: "0" },
    timeout: 100_000,
  });
  return stdout;
}

test("the README's examples run", async () => {
  const blocks = jsBlocks(readFileSync(join(root, "README.md"), "utf8"));
  const commonjs = blocks.filter((block) => block.includes('require("expe-node")'));
  const modules = blocks.filter((block) => !commonjs.includes(block));
  assert.equal(commonjs.length, 1);
  assert.ok(modules.length >= 15, `${modules.length} ES module examples`);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, "quick-start.cjs"), commonjs[0]!);
  writeFileSync(join(folder, "examples.mjs"), modules.join("\n"));

  assert.match(await run("quick-start.cjs"), /^pay_\w+ created http/);
  const printed = await run("examples.mjs");
  for (const expected of [
    /^true$/m,
    /^succeeded$/m,
    /^payment_not_found 404 req_/m,
    /^card_declined /m,
    /^true 204 /m,
    /^enabled verified$/m,
    /^enabled true$/m,
    /^pending_verification connection_error$/m,
  ]) {
    assert.match(printed, expected);
  }
});
