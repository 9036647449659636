/** Local HTTP servers the tests start: a webhook receiver, and a flaky upstream for retries. */

import { once } from "node:events";
import {
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
  createServer,
} from "node:http";
import type { AddressInfo } from "node:net";

import { SignatureVerificationError, type WebhookEvent, verifyWebhook } from "expe-node";

export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body, as a receiver must verify it. */
  body: Buffer;
  at: number;
}

type Handler = (request: Received, response: ServerResponse) => void;

export interface LocalServer {
  readonly url: string;
  readonly received: Received[];
  /** Resolves with the first request (seen already or yet to come) that `matches`. */
  next(matches: (request: Received) => boolean, timeoutMs?: number): Promise<Received>;
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startServer(handle: Handler): Promise<LocalServer> {
  const received: Received[] = [];
  const waiters = new Set<() => void>();
  const server = createServer((request, response) => {
    void readBody(request).then((body) => {
      const seen: Received = {
        method: request.method ?? "",
        path: request.url ?? "",
        headers: request.headers,
        body,
        at: Date.now(),
      };
      received.push(seen);
      for (const wake of waiters) wake();
      handle(seen, response);
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    received,
    next(matches, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const found = received.find(matches);
          if (found === undefined) return;
          done();
          resolve(found);
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`No matching request reached ${url} within ${timeoutMs} ms.`));
        }, timeoutMs);
        const done = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
}

/** A webhook receiver that answers every delivery with `status`. */
export function startReceiver(status = 200): Promise<LocalServer> {
  return startServer((_, response) => {
    response.writeHead(status, { "content-type": "text/plain" }).end("ok");
  });
}

/**
 * A webhook receiver that answers a handshake's challenge with `{"challenge": …}` while
 * `echoes(request)` says so, and everything else (that challenge too otherwise) with 200 "ok".
 */
export function startChallengeReceiver(
  echoes: (request: Received) => boolean,
): Promise<LocalServer> {
  return startServer((request, response) => {
    const event = JSON.parse(request.body.toString()) as WebhookEvent<{ challenge?: string }>;
    if (event.type === "endpoint.verification" && echoes(request)) {
      response
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ challenge: event.data.challenge }));
      return;
    }
    response.writeHead(200, { "content-type": "text/plain" }).end("ok");
  });
}

/**
 * A webhook receiver as a real one is: it checks every delivery's signature with `secret` first
 * (400 with the reason when that fails) and echoes a handshake's challenge.
 */
export function startCheckingReceiver(secret: string): Promise<LocalServer> {
  return startServer((request, response) => {
    let event: WebhookEvent<{ challenge?: string }>;
    try {
      event = verifyWebhook(request.body, request.headers, secret);
    } catch (error) {
      if (!(error instanceof SignatureVerificationError)) throw error;
      response.writeHead(400, { "content-type": "text/plain" }).end(error.reason);
      return;
    }
    response
      .writeHead(200, { "content-type": "application/json" })
      .end(JSON.stringify({ challenge: event.data.challenge }));
  });
}

/** Answers each request with the next of `answers` (the last one repeats). */
export function startFlaky(
  answers: { status: number; headers?: Record<string, string>; body?: unknown; hang?: boolean }[],
): Promise<LocalServer> {
  let served = 0;
  return startServer((_, response) => {
    const answer = answers[Math.min(served++, answers.length - 1)]!;
    if (answer.hang) return; // never answers: the client's timeout has to end it
    response
      .writeHead(answer.status, { "content-type": "application/json", ...answer.headers })
      .end(JSON.stringify(answer.body ?? {}));
  });
}
