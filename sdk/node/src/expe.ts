import { ExpeClient, type ExpeOptions } from "./client.js";
import { VERSION } from "./version.js";

/** `Expe(key)` and `new Expe(key)` both make a client. */
export interface ExpeConstructor {
  new (apiKey: string, options?: ExpeOptions): ExpeClient;
  (apiKey: string, options?: ExpeOptions): ExpeClient;
  readonly prototype: ExpeClient;
  readonly VERSION: string;
}

function createExpe(apiKey: string, options?: ExpeOptions): ExpeClient {
  // Called with `new` too: a constructor that returns an object makes that object the result.
  return new ExpeClient(apiKey, options);
}
// So that `client instanceof Expe` holds.
createExpe.prototype = ExpeClient.prototype;
createExpe.VERSION = VERSION;

export const Expe = createExpe as unknown as ExpeConstructor;
