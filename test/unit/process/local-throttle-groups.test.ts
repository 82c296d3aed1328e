import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Redis } from "ioredis";
import pino from "pino";
import { Probot } from "probot";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { InstallationOctokit } from "../../../src/process/installation-octokit.js";
import { githubFaults } from "../../fakes/github-faults.js";
import { generateAppPrivateKey } from "../../support/app-process.js";

/*
 * With a Redis URL, Probot clusters Octokit's throttling through Redis (Bottleneck). Only the write and
 * notification limiters must be shared between processes; the global limiter (10 concurrent requests)
 * and the token-exchange limiter stay in the process, so reads cost no Redis round trips.
 */

const INSTALLATION = 700_000 + Math.floor(Math.random() * 100_000);
const received: string[] = [];
/** Route -> how many more times it is answered with a secondary rate limit (Retry-After: 1). */
const secondaryLimited = new Map<string, number>();
let server: Server;
let baseUrl: string;
let redis: Redis;

beforeAll(async () => {
  server = createServer((request, response) => {
    const route = `${request.method} ${request.url}`;
    received.push(route);
    const failures = secondaryLimited.get(route) ?? 0;
    if (failures > 0) {
      // GitHub's secondary limit, as test/fakes/github-faults.ts answers it.
      secondaryLimited.set(route, failures - 1);
      const fault = githubFaults.secondaryRateLimit(1);
      response.writeHead(fault.status, { "content-type": "application/json", ...fault.headers });
      response.end(JSON.stringify(fault.body));
      return;
    }
    response.writeHead(route.endsWith("/access_tokens") ? 201 : 200, { "content-type": "application/json" });
    if (route.endsWith("/access_tokens")) {
      response.end(JSON.stringify({ token: "ghs_test", expires_at: new Date(Date.now() + 3_600_000).toISOString(), permissions: {}, repository_selection: "all" }));
    } else {
      response.end(JSON.stringify({ id: 1 }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v3`;
  redis = new Redis(inject("redisUrl"));
});
afterAll(async () => {
  await redis.quit();
  await new Promise((resolve) => server.close(resolve));
});

/** Bottleneck's Redis keys (`b_<limiter id>_<field>`) of the throttling groups for this installation. */
async function limiterGroupsInRedis(): Promise<string[]> {
  const keys = await redis.keys(`b_octokit-*-${INSTALLATION}_*`);
  return [...new Set(keys.map((key) => /^b_octokit-([a-z]+)-/.exec(key)?.[1] ?? key))].sort();
}

describe("Octokit's throttling with Redis", () => {
  it("keeps the write limiter in Redis, and the global and token-exchange limiters out of it", async () => {
    const probot = new Probot({
      appId: 1,
      privateKey: generateAppPrivateKey(),
      baseUrl,
      redisConfig: inject("redisUrl"),
      Octokit: InstallationOctokit,
      log: pino({ level: "silent" }),
    });
    const github = await probot.auth(INSTALLATION);
    await github.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", { owner: "o", repo: "r", pull_number: 1 });
    await github.request("POST /repos/{owner}/{repo}/check-runs", { owner: "o", repo: "r", name: "codex-review", head_sha: "a".repeat(40) });

    expect(received).toEqual([`POST /api/v3/app/installations/${INSTALLATION}/access_tokens`, "GET /api/v3/repos/o/r/pulls/1", "POST /api/v3/repos/o/r/check-runs"]);
    expect(await limiterGroupsInRedis()).toEqual(["write"]);
  });

  const clusteredProbot = () =>
    new Probot({ appId: 1, privateKey: generateAppPrivateKey(), baseUrl, redisConfig: inject("redisUrl"), Octokit: InstallationOctokit, log: pino({ level: "silent" }) });

  it("waits out a secondary rate limit's Retry-After and sends the write again, twice at most", async () => {
    const installation = INSTALLATION + 1;
    const github = await clusteredProbot().auth(installation);
    // A write that notifies no one: only the 1 s write spacing adds to the wait (a comment's is 3 s).
    const checkRun = { owner: "o", repo: "r", name: "codex-review", head_sha: "c".repeat(40) };
    const route = "POST /api/v3/repos/o/r/check-runs";
    received.length = 0;
    secondaryLimited.set(route, 1);
    const started = Date.now();
    await github.request("POST /repos/{owner}/{repo}/check-runs", checkRun);
    expect(received.filter((line) => line === route)).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);

    received.length = 0;
    secondaryLimited.set(route, 3);
    const refused = await github.request("POST /repos/{owner}/{repo}/check-runs", checkRun).then(
      () => null,
      (error: { status?: number }) => error,
    );
    expect(refused?.status).toBe(403);
    expect(received.filter((line) => line === route)).toHaveLength(3);
  });

  it("opens no Redis connection per installation: every installation's limiters share the app's", async () => {
    const probot = clusteredProbot();
    const clients = async () => ((await redis.client("LIST")) as string).trim().split("\n").length;
    const write = async (installation: number) =>
      (await probot.auth(installation)).request("POST /repos/{owner}/{repo}/check-runs", { owner: "o", repo: "r", name: "codex-review", head_sha: "b".repeat(40) });
    await write(INSTALLATION + 10);
    const afterOne = await clients();
    await Promise.all([11, 12, 13, 14, 15, 16].map((offset) => write(INSTALLATION + offset)));
    expect(await clients()).toBe(afterOne);
  });
});
