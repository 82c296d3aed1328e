import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { limitWebhookBody } from "../../../src/process/limit-webhook-body.js";

const MAX = 1_024;
let server: Server;
let port: number;
const seenByInner: Array<{ url: string; body: string | undefined }> = [];

beforeAll(async () => {
  // Stands in for Probot's webhook middleware: records what reached it.
  const inner = async (req: IncomingMessage, res: ServerResponse) => {
    seenByInner.push({ url: req.url ?? "", body: (req as { body?: unknown }).body as string | undefined });
    res.writeHead(200).end("ok");
    return true;
  };
  const guarded = limitWebhookBody(inner, { path: "/api/github/webhooks", maxBytes: MAX, log: pino({ level: "silent" }), drainMs: 1_000 });
  server = createServer((req, res) => void guarded(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** POSTs `body` (in `pieces`, chunked when `declare` is false) and resolves with the status as soon as it arrives. */
function post(path: string, body: Buffer, options: { declare: boolean; pieces?: number }): Promise<{ status: number; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(
      { host: "127.0.0.1", port, path, method: "POST", headers: { "content-type": "application/json", ...(options.declare ? { "content-length": body.length } : {}) } },
      (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, ms: performance.now() - started });
      },
    );
    // The server may close while we still write: that is the point, not an error here.
    req.on("error", (error) => (req.writableEnded ? undefined : reject(error)));
    const pieces = options.pieces ?? 1;
    const size = Math.ceil(body.length / pieces);
    for (let i = 0; i < pieces; i++) req.write(body.subarray(i * size, (i + 1) * size));
    req.end();
  });
}

describe("limitWebhookBody", () => {
  it("passes a body within the limit on, as req.body text", async () => {
    const body = Buffer.from(JSON.stringify({ text: "é".repeat(100) }));
    const { status } = await post("/api/github/webhooks", body, { declare: true });
    expect(status).toBe(200);
    expect(seenByInner.at(-1)).toEqual({ url: "/api/github/webhooks", body: body.toString("utf8") });
  });

  it("refuses a declared oversized body with 413 before reading it", async () => {
    const before = seenByInner.length;
    const { status, ms } = await post("/api/github/webhooks", Buffer.alloc(5 * 1024 * 1024, 0x61), { declare: true });
    expect(status).toBe(413);
    expect(ms).toBeLessThan(1_000);
    expect(seenByInner.length).toBe(before);
  });

  it("refuses a chunked body once its streamed size passes the limit", async () => {
    const before = seenByInner.length;
    const { status } = await post("/api/github/webhooks", Buffer.alloc(MAX * 4, 0x61), { declare: false, pieces: 8 });
    expect(status).toBe(413);
    expect(seenByInner.length).toBe(before);
  });

  it("accepts a body of exactly the limit, and leaves other paths alone", async () => {
    expect((await post("/api/github/webhooks/", Buffer.alloc(MAX, 0x61), { declare: false, pieces: 3 })).status).toBe(200);
    expect((await post("/other", Buffer.alloc(MAX * 2, 0x61), { declare: true })).status).toBe(200);
    expect(seenByInner.at(-1)).toEqual({ url: "/other", body: undefined });
  });

  it("guards the webhook path however the request target spells it (absolute form, query, dot segments)", async () => {
    const before = seenByInner.length;
    for (const target of ["http://example.com/api/github/webhooks", "/api/github/webhooks?x=1", "/api/github/../github/webhooks"]) {
      expect((await post(target, Buffer.alloc(MAX * 2, 0x61), { declare: true })).status, target).toBe(413);
    }
    expect(seenByInner.length).toBe(before);
  });

  it("compares a path of thousands of slashes in linear time", async () => {
    // Just under Node's 16 KB header limit. `/\/+$/` spent about 0.4 s of the web process on each
    // such request; five of them now take a few milliseconds each.
    const path = `/api${"/".repeat(15_500)}x`;
    let total = 0;
    for (let i = 0; i < 5; i++) {
      const { status, ms } = await post(path, Buffer.from("{}"), { declare: true });
      expect(status).toBe(200);
      total += ms;
    }
    expect(seenByInner.at(-1)?.url).toBe(path);
    expect(total).toBeLessThan(1_000);
  });
});
