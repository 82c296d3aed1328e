import { randomBytes } from "node:crypto";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAimlApiFake, type AimlApiFake } from "../fakes/aimlapi-fake.js";
import { completedReply } from "../fakes/aimlapi-replies.js";
import { startGithubFake, type GithubFake } from "../fakes/github-fake.js";
import { appEnv, TEST_WEBHOOK_SECRET } from "../support/app-env.js";
import { freePort, startAppProcess, waitFor, type AppProcess } from "../support/app-process.js";
import { deliverWebhook } from "../support/sign-webhook.js";
import { pullRequestPayload } from "../support/webhook-payloads.js";

let github: GithubFake;
let model: AimlApiFake;
const dataDir = mkdtempSync(join(tmpdir(), "codex-review-embedded-"));

beforeAll(async () => {
  github = await startGithubFake();
  model = await startAimlApiFake({ handler: () => completedReply({ summary: "Fine.", comments: [] }) });
});

afterAll(async () => {
  await github?.close();
  await model?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** redis-server processes whose parent is `pid` (the app), and whether any is still alive. */
const redisChildrenOf = (pid: number) => {
  const out = execFileSync("ps", ["-eo", "pid=,ppid=,comm="], { encoding: "utf8" });
  return out
    .split("\n")
    .map((line) => line.trim().split(/\s+/))
    .filter(([, ppid, comm]) => Number(ppid) === pid && comm === "redis-server")
    .map(([childPid]) => Number(childPid));
};
const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

it("starts its own redis-server when REDIS_URL is unset, reviews through it, and stops it on exit", async () => {
  const { REDIS_URL: _unset, ...env } = appEnv({ github, model }, "", "embedded");
  const app = await startAppProcess("src/main.ts", { ...env, REDIS_DATA_DIR: dataDir });
  const redisPids = redisChildrenOf(app.child.pid!);
  try {
    expect(redisPids).toHaveLength(1);
    const diff = readFileSync(new URL("../fixtures/diffs/multi-hunk.diff", import.meta.url), "utf8");
    const headSha = randomBytes(20).toString("hex");
    github.addPullRequest({ owner: "solo", repo: "machine", number: 1, diff, headSha });
    const target = { owner: "solo", repo: "machine", number: 1, headSha, installationId: github.state.installationId };
    await deliverWebhook(`${app.url}/api/github/webhooks`, "pull_request", pullRequestPayload("opened", target), { secret: TEST_WEBHOOK_SECRET });
    const [review] = await waitFor(() => (github.reviews("solo", "machine", 1).length ? github.reviews("solo", "machine", 1) : undefined), 20_000, "review");
    expect(review!.body).toContain("No issues found");
  } finally {
    expect(await app.stop("SIGTERM")).toBe(0);
  }
  await waitFor(() => (isAlive(redisPids[0]!) ? undefined : true), 5_000, "redis-server to stop");
});

it("exits with a clear message when REDIS_URL is unset and no redis-server is on PATH", async () => {
  const { REDIS_URL: _unset, ...env } = appEnv({ github, model }, "", "no-redis");
  const app = await startAppProcess("src/main.ts", { ...env, PATH: "/nonexistent", REDIS_DATA_DIR: dataDir }, { waitForHttp: false });
  const code = await new Promise<number | null>((resolve) => app.child.once("exit", resolve));
  expect(code).toBe(1);
  expect(app.output.join("\n")).toContain("no redis-server is on PATH");
  expect(app.output.join("\n")).toContain("REDIS_URL");
});

/** The port of the app's embedded Redis, from its start-up log line. */
const embeddedPort = (app: AppProcess) => app.logs().find((line) => line.msg === "Started embedded redis-server")?.port as number | undefined;
/** Whether a redis-server runs on `port` (Redis titles its process `redis-server 127.0.0.1:<port>`). */
const redisRunsOn = (port: number) => {
  const out = execFileSync("ps", ["-eo", "args="], { encoding: "utf8" });
  return out.split("\n").some((line) => line.trim().startsWith(`redis-server 127.0.0.1:${port}`));
};
/** Shuts down an app's embedded Redis that outlived it (what the old code did), so a failing test leaves nothing behind. */
const stopLeftoverRedis = (app: AppProcess | undefined) => {
  const port = app && embeddedPort(app);
  if (port && redisRunsOn(port)) execFileSync("redis-cli", ["-p", String(port), "shutdown", "nosave"], { stdio: "ignore" });
};
/** The app's exit code, or "still running" after `ms` (then it is killed). */
const exitWithin = async (app: AppProcess, ms: number) => {
  const code = await Promise.race([exitOf(app), new Promise((r) => setTimeout(() => r("still running"), ms))]);
  if (code === "still running") await app.stop("SIGKILL");
  return code;
};
/** Resolves on `close`, not `exit`: `exit` can come before the last lines of output are read, and the tests read them. */
const exitOf = (app: AppProcess) =>
  app.child.exitCode !== null && (app.child.stdout?.closed ?? true)
    ? Promise.resolve(app.child.exitCode)
    : new Promise<number | null>((resolve) => app.child.once("close", (code: number | null) => resolve(code)));

describe("one data folder, one app", { timeout: 60_000 }, () => {
  const lockedDir = mkdtempSync(join(tmpdir(), "codex-review-locked-"));
  afterAll(() => rmSync(lockedDir, { recursive: true, force: true }));
  const embeddedEnv = (queue: string) => {
    const { REDIS_URL: _unset, ...env } = appEnv({ github, model }, "", queue);
    return { ...env, REDIS_DATA_DIR: lockedDir };
  };

  it("refuses a second `npm start` on the same data folder with a clear message, and keeps the first running", async () => {
    const first = await startAppProcess("src/main.ts", embeddedEnv("lock-first"));
    let second: AppProcess | undefined;
    try {
      const firstPort = embeddedPort(first)!;
      expect(redisRunsOn(firstPort)).toBe(true);
      second = await startAppProcess("src/main.ts", embeddedEnv("lock-second"), { waitForHttp: false });
      expect(await exitWithin(second, 15_000)).toBe(1);
      const output = second.output.join("\n");
      expect(output).toContain(`pid ${first.child.pid}`);
      expect(output).toContain(lockedDir);
      expect(output).toContain("REDIS_DATA_DIR");
      expect(output).not.toContain("Started embedded redis-server");
      expect(redisRunsOn(firstPort)).toBe(true);
      expect((await fetch(`${first.url}/ping`)).ok).toBe(true);
    } finally {
      stopLeftoverRedis(second);
      expect(await first.stop("SIGTERM")).toBe(0);
    }
    await waitFor(() => (redisRunsOn(embeddedPort(first)!) ? undefined : true), 5_000, "redis-server to stop");
  });

  it("takes over a lock left by a process that is gone", async () => {
    writeFileSync(join(lockedDir, "codex-review.lock"), "999999999\n");
    const app = await startAppProcess("src/main.ts", embeddedEnv("lock-stale"));
    expect(await app.stop("SIGTERM")).toBe(0);
    await waitFor(() => (redisRunsOn(embeddedPort(app)!) ? undefined : true), 5_000, "redis-server to stop");
  });

  it("refuses to start beside a redis-server that outlived a killed app on the same folder", async () => {
    const killed = await startAppProcess("src/main.ts", embeddedEnv("lock-killed"));
    const orphanPort = embeddedPort(killed)!;
    let again: AppProcess | undefined;
    try {
      await killed.stop("SIGKILL");
      expect(redisRunsOn(orphanPort)).toBe(true);
      again = await startAppProcess("src/main.ts", embeddedEnv("lock-after-kill"), { waitForHttp: false });
      expect(await exitWithin(again, 15_000)).toBe(1);
      expect(again.output.join("\n")).toMatch(/A redis-server \(pid \d+\) left by an earlier run still uses the data folder/);
      expect(again.output.join("\n")).not.toContain("Started embedded redis-server");
    } finally {
      stopLeftoverRedis(again);
      stopLeftoverRedis(killed);
    }
    // The orphan's exit is not immediate; the next test would find it still holding the folder.
    await waitFor(() => (redisRunsOn(orphanPort) ? undefined : true), 5_000, "the orphaned redis-server to stop");
  });

  it("stops its embedded Redis when the start fails after starting it (port taken)", async () => {
    const blocker = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => blocker.listen(port, "0.0.0.0", resolve));
    let app: AppProcess | undefined;
    try {
      app = await startAppProcess("src/main.ts", { ...embeddedEnv("port-taken"), PORT: String(port) }, { waitForHttp: false });
      expect(await exitWithin(app, 15_000)).toBe(1);
      const redisPort = embeddedPort(app);
      expect(redisPort, app.output.join("\n")).toBeDefined();
      expect(app.output.join("\n")).toContain(`Port ${port} is already in use`);
      await waitFor(() => (redisRunsOn(redisPort!) ? undefined : true), 5_000, "the embedded redis-server to stop");
    } finally {
      stopLeftoverRedis(app);
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
