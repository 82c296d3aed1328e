import { createPublicKey, verify } from "node:crypto";
import pino from "pino";
import { Probot } from "probot";
import { afterEach, describe, expect, it, vi } from "vitest";
import { APP_JWT_REUSE_MS, createCachedAppJwt } from "../../../src/process/cached-app-jwt.js";
import { InstallationOctokit } from "../../../src/process/installation-octokit.js";
import { startGithubFake, type GithubFake } from "../../fakes/github-fake.js";
import { generateAppPrivateKey } from "../../support/app-process.js";

const privateKey = generateAppPrivateKey();

function claimsOf(jwt: string): { iat: number; exp: number; iss: unknown } {
  const [header, payload, signature] = jwt.split(".") as [string, string, string];
  // RS256 over "header.payload" with the App's key: what GitHub checks before the claims.
  expect(verify("sha256", Buffer.from(`${header}.${payload}`), createPublicKey(privateKey), Buffer.from(signature, "base64url"))).toBe(true);
  expect(JSON.parse(Buffer.from(header, "base64url").toString())).toMatchObject({ alg: "RS256" });
  return JSON.parse(Buffer.from(payload, "base64url").toString()) as { iat: number; exp: number; iss: unknown };
}

describe("createCachedAppJwt", () => {
  it("signs a JWT GitHub accepts and sends it again until the reuse window ends", async () => {
    let now = Date.UTC(2026, 10, 30, 7, 0, 0);
    const createJwt = createCachedAppJwt(privateKey, () => now);
    const first = await createJwt(42);
    const claims = claimsOf(first.jwt);
    expect(claims).toEqual({ iss: 42, iat: now / 1000 - 30, exp: now / 1000 - 30 + 600 });
    expect(first.expiresAt).toBe(new Date((now / 1000 - 30 + 600) * 1000).toISOString());

    now += APP_JWT_REUSE_MS - 1;
    expect((await createJwt(42)).jwt).toBe(first.jwt);
    // Still over 4 minutes of life when sent the last time.
    expect(claims.exp - now / 1000).toBeGreaterThan(240);

    now += 1;
    const second = await createJwt(42);
    expect(second.jwt).not.toBe(first.jwt);
    expect(claimsOf(second.jwt).iat).toBe(now / 1000 - 30);
  });

  it("signs once for calls made together, and anew for another App or a corrected clock", async () => {
    const now = Date.UTC(2026, 10, 30, 7, 0, 0);
    const createJwt = createCachedAppJwt(privateKey, () => now);
    const together = [createJwt(42), createJwt(42)];
    expect(together[0]).toBe(together[1]);
    const [plain] = await Promise.all(together);
    // auth-app passes the skew it read from GitHub's Date header after a refused JWT.
    const skewed = await createJwt(42, 120);
    expect(claimsOf(skewed.jwt).iat).toBe(now / 1000 + 120 - 30);
    expect(skewed.jwt).not.toBe(plain!.jwt);
    expect(claimsOf((await createJwt(43)).jwt).iss).toBe(43);
  });

  it("keeps the clock correction auth-app passes after a refusal, per App: later calls sign with it and reuse its JWT", async () => {
    let now = Date.UTC(2026, 10, 30, 7, 0, 0);
    const createJwt = createCachedAppJwt(privateKey, () => now);
    const plain = await createJwt(42);
    const corrected = await createJwt(42, -200);
    expect(claimsOf(corrected.jwt).iat).toBe(now / 1000 - 200 - 30);
    now += 60_000;
    expect(await createJwt(42)).toEqual(corrected);
    expect(claimsOf((await createJwt(43)).jwt).iat).toBe(now / 1000 - 30);
    // A newer refusal's correction replaces it.
    const recorrected = await createJwt(42, -190);
    expect(claimsOf(recorrected.jwt).iat).toBe(now / 1000 - 190 - 30);
    expect(await createJwt(42)).toEqual(recorrected);
    expect(recorrected.jwt).not.toBe(plain.jwt);
  });

  it("keeps one JWT per correction, eight at most: the oldest signed goes first", async () => {
    const now = Date.UTC(2026, 10, 30, 7, 0, 0);
    const createJwt = createCachedAppJwt(privateKey, () => now);
    // A kept JWT is the very promise handed out before; one signed anew is another (with the same bytes: RS256 is deterministic).
    const first = createJwt(42, 1);
    for (let correction = 2; correction <= 8; correction++) await createJwt(42, correction);
    expect(createJwt(42, 1)).toBe(first);
    await createJwt(42, 9);
    const again = createJwt(42, 1);
    expect(again).not.toBe(first);
    expect(claimsOf((await again).jwt).iat).toBe(now / 1000 + 1 - 30);
  });

  it("does not hand back a JWT signed before this clock was set back: the refusal's correction signs anew", async () => {
    // Booted with the clock 2 hours ahead: the first JWT is refused and auth-app passes GitHub's skew.
    const github = Date.UTC(2026, 10, 30, 7, 0, 0);
    let now = github + 2 * 3_600_000;
    const createJwt = createCachedAppJwt(privateKey, () => now);
    await createJwt(42);
    expect(claimsOf((await createJwt(42, -7_200)).jwt).iat).toBe(github / 1000 - 30);
    // Ten minutes later NTP sets the clock right. The kept JWT has expired by then; signed again with the
    // stale correction it is refused, and auth-app passes the skew it now reads: none.
    now = github + 10 * 60_000;
    const stale = claimsOf((await createJwt(42)).jwt);
    expect(stale.exp).toBeLessThanOrEqual(now / 1000);
    const corrected = claimsOf((await createJwt(42, 0)).jwt);
    expect(corrected.iat).toBe(now / 1000 - 30);
    expect(claimsOf((await createJwt(42)).jwt)).toEqual(corrected);
  });

  it("does not keep a failed signing: the next exchange tries again", async () => {
    const createJwt = createCachedAppJwt("-----BEGIN RSA PRIVATE KEY-----\nnot a key\n-----END RSA PRIVATE KEY-----", () => Date.now());
    const first = createJwt(42);
    await expect(first).rejects.toThrow();
    const second = createJwt(42);
    expect(second).not.toBe(first);
    await expect(second).rejects.toThrow();
  });
});

describe("InstallationOctokit's token exchanges", () => {
  let github: GithubFake | undefined;
  afterEach(async () => {
    vi.useRealTimers();
    await github?.close();
    github = undefined;
  });

  it("send one App JWT for the exchanges of several installations", async () => {
    github = await startGithubFake({ installationId: 1, extraInstallationIds: [2, 3] });
    const probot = new Probot({ appId: 1, privateKey: generateAppPrivateKey(), baseUrl: github.baseUrl, Octokit: InstallationOctokit, log: pino({ level: "silent" }) });
    github.addPullRequest({ owner: "o", repo: "r", number: 1, diff: "diff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -1 +1 @@\n-a\n+b\n" });
    // A minute apart: signed anew each time, the JWTs would differ in `iat`. Each installation's client
    // exchanges a token on its first request.
    vi.useFakeTimers({ toFake: ["Date"] });
    const start = Date.now();
    for (const installationId of [1, 2, 3]) {
      vi.setSystemTime(start + (installationId - 1) * 60_000);
      await (await probot.auth(installationId)).request("GET /repos/{owner}/{repo}/pulls/{pull_number}", { owner: "o", repo: "r", pull_number: 1 });
    }
    const exchanges = github.requests.filter((request) => request.path.endsWith("/access_tokens"));
    expect(exchanges.map((request) => [request.path, request.status])).toEqual([1, 2, 3].map((id) => [`/app/installations/${id}/access_tokens`, 201]));
    expect(new Set(exchanges.map((request) => request.headers.authorization)).size).toBe(1);
    expect(github.unexpected).toEqual([]);
  });
  const MINUTE = 60_000;

  /**
   * `count` installations' first requests, a minute apart on this process's clock (each installation's
   * client exchanges a token on its first request), against a GitHub whose clock is `offsetMs` ahead.
   * Returns each exchange's JWT attempts: `[authorization, status]` in order.
   */
  async function exchangeEveryMinute(offsetMs: number, count: number): Promise<[string, number][][]> {
    const ids = Array.from({ length: count }, (_, index) => index + 1);
    github = await startGithubFake({ installationId: 1, extraInstallationIds: ids.slice(1), clockOffsetMs: offsetMs });
    const probot = new Probot({ appId: 1, privateKey: generateAppPrivateKey(), baseUrl: github.baseUrl, Octokit: InstallationOctokit, log: pino({ level: "silent" }) });
    github.addPullRequest({ owner: "o", repo: "r", number: 1, diff: "diff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -1 +1 @@\n-a\n+b\n" });
    vi.useFakeTimers({ toFake: ["Date"] });
    const start = Date.now();
    const attempts: [string, number][][] = [];
    for (const id of ids) {
      vi.setSystemTime(start + (id - 1) * MINUTE);
      const before = github.requests.length;
      await (await probot.auth(id)).request("GET /repos/{owner}/{repo}/pulls/{pull_number}", { owner: "o", repo: "r", pull_number: 1 });
      const exchanges = github.requests.slice(before).filter((request) => request.path === `/app/installations/${id}/access_tokens`);
      attempts.push(exchanges.map((request) => [String(request.headers.authorization), request.status]));
    }
    return attempts;
  }

  // auth-app corrects a refused JWT's times once from GitHub's Date header; the correction is kept, so
  // every later exchange sends one JWT, accepted, and reuses it as on a clock in time.
  it.each([
    ["3 minutes ahead of", -3 * MINUTE],
    ["12 minutes behind", 12 * MINUTE],
  ])("send one accepted JWT per exchange after the first correction, with this host's clock %s GitHub's", async (_kind, offsetMs) => {
    const attempts = await exchangeEveryMinute(offsetMs, 13);
    expect(attempts[0]!.map(([, status]) => status)).toEqual([401, 201]);
    for (const later of attempts.slice(1)) expect(later.map(([, status]) => status)).toEqual([201]);
    // 12 exchanges over 12 minutes: the corrected JWT is signed anew only when its reuse window ends.
    expect(new Set(attempts.flat().filter(([, status]) => status === 201).map(([jwt]) => jwt)).size).toBe(3);
    expect(github!.unexpected.map((entry) => entry.reason)).toEqual([expect.stringMatching(/^an App JWT was refused/)]);
  });

  it("are refused once in all when this host's clock is 7 minutes behind GitHub's (its reused JWTs expire early by GitHub's clock)", async () => {
    // Signed by a clock 420 s behind, a JWT has 150 s left by GitHub's: sent fresh it passes, reused later it does not.
    const attempts = await exchangeEveryMinute(7 * MINUTE, 13);
    expect(attempts[0]!.map(([, status]) => status)).toEqual([201]);
    const refusedAt = attempts.findIndex((exchange) => exchange.length > 1);
    expect(attempts[refusedAt]!.map(([, status]) => status)).toEqual([401, 201]);
    for (const later of attempts.slice(refusedAt + 1)) expect(later.map(([, status]) => status)).toEqual([201]);
    expect(github!.unexpected).toHaveLength(1);
  });
});
