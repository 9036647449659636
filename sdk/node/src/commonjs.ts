/**
 * The CommonJS entry: `require("expe-node")` is the Expe function itself, so that
 * `require("expe-node")("sk_test_…")` works, carrying every named export as a property, `default`
 * included (what TypeScript's and bundlers' interop look for).
 */

import * as api from "./index.js";

module.exports = Object.assign(api.Expe, api);
