// Puts the API reference readers into dist/reference/, served by the gateway at /docs (Swagger
// UI) and /redoc (Redoc), so neither page loads anything from another origin.
// Swagger UI comes from its npm package (a dev dependency). Redoc's standalone bundle comes from
// its npm package's tarball, unpacked alone: installing the package would pull its whole React
// tree, which the bundle already holds.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const REDOC = "redoc@2.5.4";
const require = createRequire(import.meta.url);
const out = "dist/reference";
mkdirSync(out, { recursive: true });

const swagger = dirname(require.resolve("swagger-ui-dist/package.json"));
for (const file of ["swagger-ui-bundle.js", "swagger-ui.css"]) {
  copyFileSync(join(swagger, file), join(out, file));
}

const cache = join("node_modules", ".cache", REDOC.replace("@", "-"));
const bundle = join(cache, "package", "bundles", "redoc.standalone.js");
if (!existsSync(bundle)) {
  mkdirSync(cache, { recursive: true });
  const tarball = execFileSync("npm", ["pack", REDOC, "--silent", "--pack-destination", cache], {
    encoding: "utf8",
  }).trim();
  execFileSync("tar", [
    "-xzf",
    join(cache, tarball),
    "-C",
    cache,
    "package/bundles/redoc.standalone.js",
  ]);
}
copyFileSync(bundle, join(out, "redoc.standalone.js"));
console.log(`API reference readers: ${out}/ (swagger-ui-dist, ${REDOC})`);
