import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import pino from "pino";
import { Probot } from "probot";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { InstallationOctokit } from "../../../src/process/installation-octokit.js";
import { isReadOnlyGraphql } from "../../../src/process/read-only-graphql.js";
import { generateAppPrivateKey } from "../../support/app-process.js";

/** What the server received, in order of arrival: "<METHOD> <path>" plus the GraphQL operation kind. */
const arrivals: string[] = [];
const unexpected: string[] = [];
let server: Server;
let baseUrl: string;

async function bodyOf(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

beforeAll(async () => {
  server = createServer(async (request, response) => {
    const body = await bodyOf(request);
    const route = `${request.method} ${request.url}`;
    const reply = (status: number, json: unknown) => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(json));
    };
    if (/^POST \/api\/v3\/app\/installations\/\d+\/access_tokens$/.test(route)) {
      return reply(201, { token: "ghs_test", expires_at: new Date(Date.now() + 3_600_000).toISOString(), permissions: {}, repository_selection: "all" });
    }
    if (route === "POST /api/v3/repos/o/r/check-runs") {
      arrivals.push(`check-run ${JSON.parse(body).name}`);
      return reply(201, { id: arrivals.length });
    }
    if (route === "POST /api/graphql") {
      const { query } = JSON.parse(body) as { query: string };
      arrivals.push(query.trim().startsWith("mutation") ? "mutation" : "query");
      return reply(200, { data: { viewer: { login: "codex-review[bot]" } } });
    }
    unexpected.push(route);
    reply(404, { message: "Not Found" });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v3`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe("read-only GraphQL and Octokit's write limiter", () => {
  // With Redis, the write spacing is shared between processes (redis-spacing-group.ts); the query must leave it too.
  it.each([
    ["in one process", false],
    ["with the spacing in Redis", true],
  ])("sends a query at once while a write waits for its 1 s slot; a mutation still waits its turn (%s)", async (_where, withRedis) => {
    arrivals.length = 0;
    const redisConfig = withRedis ? { redisConfig: inject("redisUrl") } : {};
    const probot = new Probot({ appId: 1, privateKey: generateAppPrivateKey(), baseUrl, Octokit: InstallationOctokit, log: pino({ level: "silent" }), ...redisConfig });
    const github = await probot.auth(800_000 + Math.floor(Math.random() * 100_000));
    const write = (name: string) => github.request("POST /repos/{owner}/{repo}/check-runs", { owner: "o", repo: "r", name, head_sha: "a".repeat(40) });
    await write("first");
    // The second write waits about a second for the write limiter; the query, sent after it, does not.
    const second = write("second");
    const query = github.graphql("query Viewer { viewer { login } }");
    const mutation = github.graphql('mutation Resolve { resolveReviewThread(input: { threadId: "T" }) { thread { id } } }');
    await Promise.all([second, query, mutation]);
    expect(arrivals).toEqual(["check-run first", "query", "check-run second", "mutation"]);
    expect(unexpected).toEqual([]);
  });
});

describe("isReadOnlyGraphql", () => {
  it.each([
    ["query ReviewContext($owner: String!) { repository(owner: $owner, name: \"x\") { id } }", true],
    ["{ viewer { login } }", true],
    ["# a comment\nquery Q { viewer { login } }", true],
    ["mutation M { resolveReviewThread(input: {threadId: \"T\"}) { thread { id } } }", false],
    ["query Q { viewer { login } }\nmutation M { addComment(input: {}) { clientMutationId } }", false],
    ["subscription S { x }", false],
    ["fragment F on User { login }\nquery Q { viewer { ...F } }", false],
  ])("%s -> %s", (document, readOnly) => {
    expect(isReadOnlyGraphql(document)).toBe(readOnly);
  });
});
