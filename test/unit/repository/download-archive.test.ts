import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { text } from "node:stream/consumers";
import { inspect } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { downloadArchive } from "../../../src/repository/download-archive.js";

/*
 * The archive host as GitHub's redirect reaches it: codeload (or a GHES appliance, or a CDN in front of
 * it) may itself redirect, each hop carrying a short-lived token in its query. A strict local host: each
 * path answers as listed, and a path it does not know is recorded and fails the test.
 */

const TOKEN = "codeload-token-7f3a9";
const ARCHIVE = "archive bytes, as git archive would stream them";
type Route = (request: IncomingMessage, response: ServerResponse) => void;
const redirect = (location: string): Route => (_request, response) => {
  response.writeHead(302, { location, "content-length": "0" });
  response.end();
};
const routes = new Map<string, Route>();
const received: string[] = [];
const unexpected: string[] = [];
let server: Server;
let origin: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", origin);
    received.push(url.pathname + url.search);
    const route = routes.get(url.pathname);
    if (!route) {
      unexpected.push(`${request.method} ${url.pathname}`);
      response.writeHead(404).end();
      return;
    }
    route(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  routes.clear();
  received.length = 0;
  unexpected.length = 0;
});

/** What a logger would print of an error: message, stack, own properties and causes. */
const printed = (error: unknown) => inspect(error, { depth: 6, showHidden: true });

/** Runs `download` and returns what it rejected with. */
async function rejection(download: Promise<unknown>): Promise<unknown> {
  return download.then(
    () => {
      throw new Error("the download did not fail");
    },
    (error: unknown) => error,
  );
}

describe("downloadArchive", () => {
  it("follows a second redirect hop (absolute, then relative to the hop's address) to the archive", async () => {
    routes.set("/first", redirect(`${origin}/hop/second?token=${TOKEN}-2`));
    routes.set("/hop/second", redirect(`third?token=${TOKEN}-3`));
    routes.set("/hop/third", (_request, response) => {
      response.writeHead(200, { "content-type": "application/x-gzip", "content-length": String(Buffer.byteLength(ARCHIVE)) });
      response.end(ARCHIVE);
    });
    const download = await downloadArchive(new URL(`${origin}/first?token=${TOKEN}-1`));
    expect(download).toMatchObject({ status: 200, contentLength: Buffer.byteLength(ARCHIVE) });
    expect(await text(download.body!)).toBe(ARCHIVE);
    expect(received).toEqual([`/first?token=${TOKEN}-1`, `/hop/second?token=${TOKEN}-2`, `/hop/third?token=${TOKEN}-3`]);
    expect(unexpected).toEqual([]);
  });

  it("stops after three redirects and reports the last status, without a body", async () => {
    for (let hop = 0; hop < 5; hop++) routes.set(`/loop/${hop}`, redirect(`/loop/${hop + 1}?token=${TOKEN}`));
    const download = await downloadArchive(new URL(`${origin}/loop/0?token=${TOKEN}`));
    expect(download).toEqual({ status: 302, body: null, contentLength: null });
    expect(received.map((path) => path.split("?")[0])).toEqual(["/loop/0", "/loop/1", "/loop/2", "/loop/3"]);
  });

  it("fails a malformed Location on the second hop with an error that holds no token", async () => {
    routes.set("/first", redirect(`/second?token=${TOKEN}-2`));
    routes.set("/second", redirect(`http://[::1?token=${TOKEN}-3`));
    const error = await rejection(downloadArchive(new URL(`${origin}/first?token=${TOKEN}-1`)));
    expect((error as Error).message).toBe("the archive redirect's Location is not a valid address");
    expect(printed(error)).not.toContain(TOKEN);
  });

  it("fails a second hop that never answers when the signal times out, with an error that holds no token", async () => {
    routes.set("/first", redirect(`/silent?token=${TOKEN}-2`));
    routes.set("/silent", () => undefined);
    const error = await rejection(downloadArchive(new URL(`${origin}/first?token=${TOKEN}-1`), AbortSignal.timeout(300)));
    expect((error as Error).name).toBe("AbortError");
    expect(printed(error)).not.toContain(TOKEN);
  });

  it("fails a second hop whose host refuses the connection with an error that holds no token", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    routes.set("/first", redirect(`http://127.0.0.1:${port}/gone?token=${TOKEN}-2`));
    const error = await rejection(downloadArchive(new URL(`${origin}/first?token=${TOKEN}-1`)));
    expect((error as NodeJS.ErrnoException).code).toBe("ECONNREFUSED");
    expect(printed(error)).not.toContain(TOKEN);
  });

  it("errors the body of an archive whose host drops the connection midway, with an error that holds no token", async () => {
    routes.set("/first", redirect(`/cut?token=${TOKEN}-2`));
    routes.set("/cut", (_request, response) => {
      response.writeHead(200, { "content-length": "1000000" });
      response.write("the first bytes", () => response.socket?.destroy());
    });
    const download = await downloadArchive(new URL(`${origin}/first?token=${TOKEN}-1`));
    expect(download.status).toBe(200);
    const error = await rejection(text(download.body!));
    expect((error as NodeJS.ErrnoException).code).toBe("ECONNRESET");
    expect(printed(error)).not.toContain(TOKEN);
  });

  it("errors the body of an archive that stalls midway once the signal times out (no reader waits for ever)", async () => {
    routes.set("/first", redirect(`/stall?token=${TOKEN}-2`));
    routes.set("/stall", (_request, response) => {
      response.writeHead(200, { "content-length": "1000000" });
      response.write("the first bytes");
    });
    const download = await downloadArchive(new URL(`${origin}/first?token=${TOKEN}-1`), AbortSignal.timeout(300));
    expect(download.status).toBe(200);
    const error = await rejection(text(download.body!));
    expect(error).toBeInstanceOf(Error);
    expect(printed(error)).not.toContain(TOKEN);
  });

  it("refuses a hop to a scheme other than http(s), naming only the scheme", async () => {
    routes.set("/first", redirect(`file:///etc/passwd?token=${TOKEN}-2`));
    const error = await rejection(downloadArchive(new URL(`${origin}/first?token=${TOKEN}-1`)));
    expect((error as Error).message).toBe("the archive host's address is not http(s) but file:");
    expect(printed(error)).not.toContain(TOKEN);
  });
});
