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
 * With a Redis URL, Probot clusters Octokit's throttling through Redis (Bottleneck). Only the spacing of
 * writes and notifications must be shared between processes (one script call per request, in keys of its
 * own); the global limiter (10 concurrent requests) and the token-exchange limiter stay in the process,
 * so reads cost no Redis round trips, and no Bottleneck limiter is kept in Redis at all.
 */

const INSTALLATION = 700_000 + Math.floor(Math.random() * 100_000);
const received: string[] = [];
/** performance.now() at each arrival, by route. */
const arrivedAt = new Map<string, number[]>();
/** Route -> how many more times it is answered with a secondary rate limit (Retry-After: 1). */
const secondaryLimited = new Map<string, number>();
let server: Server;
let baseUrl: string;
let redis: Redis;

beforeAll(async () => {
  server = createServer((request, response) => {
    const route = `${request.method} ${request.url}`;
    received.push(route);
    arrivedAt.set(route, [...(arrivedAt.get(route) ?? []), performance.now()]);
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
async function bottleneckGroupsInRedis(installation: number): Promise<string[]> {
  const keys = await redis.keys(`b_octokit-*-${installation}_*`);
  return [...new Set(keys.map((key) => /^b_octokit-([a-z]+)-/.exec(key)?.[1] ?? key))].sort();
}

/** The spacing groups with a reserved start for this installation (redis-spacing-group.ts). */
async function spacingGroupsInRedis(installation: number): Promise<string[]> {
  const keys = await redis.keys(`octokit-spacing:*:${installation}`);
  return keys.map((key) => key.split(":")[1] ?? key).sort();
}

describe("Octokit's throttling with Redis", () => {
  it("keeps the write spacing in Redis, and the global and token-exchange limiters out of it", async () => {
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
    expect(await spacingGroupsInRedis(INSTALLATION)).toEqual(["write"]);
    expect(await bottleneckGroupsInRedis(INSTALLATION)).toEqual([]);
    // The reserved start lives a minute past itself, then leaves nothing behind.
    expect(await redis.pttl(`octokit-spacing:write:${INSTALLATION}`)).toBeGreaterThan(55_000);
    expect(await redis.pttl(`octokit-spacing:write:${INSTALLATION}`)).toBeLessThanOrEqual(61_000);
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

  it("spaces one installation's writes 1 s apart across processes, and not another installation's", async () => {
    // Two Probots: two Redis clients, as two worker processes have.
    const [first, second] = [clusteredProbot(), clusteredProbot()];
    const write = async (probot: Probot, installation: number, repo: string) =>
      (await probot.auth(installation)).request("POST /repos/{owner}/{repo}/check-runs", { owner: "o", repo, name: "codex-review", head_sha: "d".repeat(40) });
    const shared = INSTALLATION + 20;
    const other = INSTALLATION + 21;
    await Promise.all([write(first, shared, "spaced"), write(second, shared, "spaced"), write(first, shared, "spaced"), write(second, other, "apart")]);

    const spaced = arrivedAt.get("POST /api/v3/repos/o/spaced/check-runs") ?? [];
    expect(spaced).toHaveLength(3);
    const gaps = spaced.slice(1).map((at, index) => at - spaced[index]!);
    // Reserved on Redis's clock, 1,000 ms apart; a few ms of transit either side.
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(950);
    const apart = arrivedAt.get("POST /api/v3/repos/o/apart/check-runs") ?? [];
    expect(apart).toHaveLength(1);
    expect(apart[0]! - spaced[0]!).toBeLessThan(900);
  });
});
