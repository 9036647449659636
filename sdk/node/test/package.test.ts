/**
 * The package as published: `npm pack` makes a tarball that installs with no network, and what
 * it installs is required from CommonJS, imported from an ES module, and type-checks from both.
 */

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

function npm(args: string[], cwd: string): string {
  // Under `npm test` npm says where it is; run it with this same Node.
  const cli = process.env["npm_execpath"];
  const [command, argv] = cli ? [process.execPath, [cli, ...args]] : ["npm", args];
  return execFileSync(command, argv, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

function node(file: string, cwd: string): unknown {
  return JSON.parse(execFileSync(process.execPath, [file], { cwd, encoding: "utf8" }));
}

describe("the packed package", () => {
  let folder: string;
  let files: string[];

  before(() => {
    folder = mkdtempSync(join(tmpdir(), "expe-node-pack-"));
    // dist was just built by `npm test`'s pretest; `prepack` would only build it again.
    const [packed] = JSON.parse(
      npm(["pack", "--json", "--ignore-scripts", "--pack-destination", folder], root),
    ) as {
      filename: string;
      files: { path: string }[];
    }[];
    files = packed!.files.map((file) => file.path);
    writeFileSync(
      join(folder, "package.json"),
      JSON.stringify({ name: "consumer", version: "1.0.0", private: true }),
    );
    npm(
      [
        "install",
        join(folder, packed!.filename),
        "--offline",
        "--no-audit",
        "--no-fund",
        "--ignore-scripts",
      ],
      folder,
    );
  });
  after(() => rmSync(folder, { recursive: true, force: true }));

  test("holds the build, the README and the changelog, and no sources or tests", () => {
    for (const path of [
      "package.json",
      "README.md",
      "CHANGELOG.md",
      "dist/esm/index.js",
      "dist/esm/index.d.ts",
      "dist/cjs/commonjs.js",
      "dist/cjs/index.d.ts",
      "dist/cjs/package.json",
    ]) {
      assert.ok(files.includes(path), `${path} is packed`);
    }
    assert.deepEqual(
      files.filter(
        (path) =>
          /^(src|test|build|scripts|node_modules)\//.test(path) || path.startsWith("tsconfig"),
      ),
      [],
    );
  });

  test("is required from CommonJS as a function", () => {
    writeFileSync(
      join(folder, "consumer.cjs"),
      `const expe = require("expe-node")("sk_test_abc");
const Expe = require("expe-node");
const { ExpeError, NotFoundError, verifyWebhook, VERSION } = require("expe-node");
console.log(JSON.stringify({
  isTestMode: expe.isTestMode,
  instance: expe instanceof Expe,
  constructed: new Expe("sk_live_abc").isTestMode,
  default: Expe.default === Expe,
  hierarchy: new NotFoundError({ message: "x" }) instanceof ExpeError,
  verify: typeof verifyWebhook,
  version: VERSION,
}));
`,
    );
    assert.deepEqual(node("consumer.cjs", folder), {
      isTestMode: true,
      instance: true,
      constructed: false,
      default: true,
      hierarchy: true,
      verify: "function",
      version: "0.1.0",
    });
  });

  test("is imported from an ES module, as the default and by name", () => {
    writeFileSync(
      join(folder, "consumer.mjs"),
      `import Expe, { Expe as Named, ExpeError, NotFoundError, VERSION } from "expe-node";
const expe = new Expe("sk_test_abc");
console.log(JSON.stringify({
  isTestMode: expe.isTestMode,
  called: Expe("pk_test_abc").isTestMode,
  same: Named === Expe,
  hierarchy: new NotFoundError({ message: "x" }) instanceof ExpeError,
  version: VERSION,
}));
`,
    );
    assert.deepEqual(node("consumer.mjs", folder), {
      isTestMode: true,
      called: true,
      same: true,
      hierarchy: true,
      version: "0.1.0",
    });
  });

  test("type-checks from CommonJS and ES module TypeScript", () => {
    const usage = `
const expe: Expe = new Expe("sk_test_abc", { timeout: 10_000 });
const called: Expe = Expe("sk_test_abc");
async function pay(): Promise<Payment> {
  const payment = await expe.payments.create({ amount: 1000, currency: "INR", orderId: "order_123" });
  const requestId: string | null = payment.lastResponse.requestId;
  for await (const each of called.payments.list({ status: "succeeded" })) void each.amountRefunded;
  void requestId;
  return payment;
}
function failure(error: unknown): string | null {
  return error instanceof ExpeError ? error.code : null;
}
void pay;
void failure;
`;
    const imports = `import Expe, { ExpeError, type Payment } from "expe-node";\n`;
    writeFileSync(join(folder, "consumer-esm.mts"), imports + usage);
    writeFileSync(join(folder, "consumer-cjs.cts"), imports + usage);
    const tsc = join(root, "node_modules/typescript/bin/tsc");
    execFileSync(
      process.execPath,
      [
        tsc,
        "--noEmit",
        "--strict",
        "--module",
        "nodenext",
        "--target",
        "es2022",
        "--types",
        "node",
        "--typeRoots",
        join(root, "node_modules/@types"),
        "consumer-esm.mts",
        "consumer-cjs.cts",
      ],
      { cwd: folder, encoding: "utf8" },
    );
  });
});
