import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A smee.io channel as smee-client (Probot's webhook proxy) sees it: `GET /<channel>` with
 * `Accept: text/event-stream` opens a Server-Sent Events stream that starts with a `ready` event; each
 * delivery GitHub POSTed to the channel arrives as a default (`message`) event whose data is one JSON
 * object: the request's headers as keys, plus `body` (the parsed JSON payload), `query` and `timestamp`.
 * Any other request is recorded in `unexpected` and answered 404.
 */
export interface SmeeChannelFake {
  /** The channel URL to set as WEBHOOK_PROXY_URL. */
  url: string;
  /** Streams opened on the channel so far (closed ones included). */
  connections: number;
  unexpected: string[];
  /** Sends one delivery to every open stream, as smee.io relays a POST to the channel. */
  relay(delivery: { headers: Record<string, string>; body: unknown }): void;
  close(): Promise<void>;
}

export async function startSmeeChannelFake(channel = "codex-review-test-channel"): Promise<SmeeChannelFake> {
  const streams = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    const wantsEvents = (req.headers.accept ?? "").includes("text/event-stream");
    if (req.method !== "GET" || req.url !== `/${channel}` || !wantsEvents) {
      fake.unexpected.push(`${req.method} ${req.url} accept=${req.headers.accept ?? ""}`);
      res.writeHead(404).end();
      return;
    }
    fake.connections += 1;
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    res.write("event: ready\ndata: {}\n\n");
    streams.add(res);
    req.on("close", () => streams.delete(res));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  const fake: SmeeChannelFake = {
    url: `http://127.0.0.1:${port}/${channel}`,
    connections: 0,
    unexpected: [],
    relay({ headers, body }) {
      // smee.io keeps the original Host header; smee-client drops it before forwarding.
      const data = { host: "smee.io", ...headers, body, query: {}, timestamp: Date.now() };
      for (const stream of streams) stream.write(`data: ${JSON.stringify(data)}\n\n`);
    },
    async close() {
      for (const stream of streams) stream.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}
