import { randomBytes } from "node:crypto";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startAimlApiFake, type AimlApiFake } from "../fakes/aimlapi-fake.js";
import { completedReply } from "../fakes/aimlapi-replies.js";
import { startGithubFake, type GithubFake } from "../fakes/github-fake.js";
import { appEnv, TEST_WEBHOOK_SECRET } from "../support/app-env.js";
import { startAppProcess, waitFor } from "../support/app-process.js";
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
