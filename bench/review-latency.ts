// Latency of one review through the whole slice: signed delivery -> 2xx, and delivery -> posted review,
// with an instant model fake. Sequential deliveries, so each figure is one review alone on the system.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseUnifiedDiff } from "../src/diff/parse-unified-diff.js";
import { startAimlApiFake } from "../test/fakes/aimlapi-fake.js";
import { completedReply } from "../test/fakes/aimlapi-replies.js";
import { startGithubFake } from "../test/fakes/github-fake.js";
import { appEnv, TEST_WEBHOOK_SECRET } from "../test/support/app-env.js";
import { freePort, startAppProcess, waitFor } from "../test/support/app-process.js";
import { deliverWebhook } from "../test/support/sign-webhook.js";
import { pullRequestPayload } from "../test/support/webhook-payloads.js";

export interface LatencyFigures {
  reviews: number;
  webhookMsMedian: number;
  webhookMsP90: number;
  reviewMsMedian: number;
  reviewMsP90: number;
}

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
};

export async function measureReviewLatency(reviews = Number(process.env.BENCH_LATENCY_REVIEWS ?? 20)): Promise<LatencyFigures> {
  const redisDir = mkdtempSync(join(tmpdir(), "codex-review-bench-redis-"));
  const redisPort = await freePort();
  const redis = spawn("redis-server", ["--port", String(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", redisDir], { stdio: "ignore" });
  const diff = readFileSync(new URL("../test/fixtures/diffs/multi-hunk.diff", import.meta.url), "utf8");
  const [file] = parseUnifiedDiff(diff);
  const added = file!.hunks[0]!.lines.find((line) => line.kind === "add")!;
  const github = await startGithubFake();
  const model = await startAimlApiFake({
    handler: () =>
      completedReply({
        summary: "ok",
        comments: [{ path: file!.path, line: added.newLine, side: "RIGHT", start_line: null, severity: "P2", title: "Check", body: "b", suggestion: null, quote: null }],
      }),
  });
  await new Promise((r) => setTimeout(r, 300));
  const app = await startAppProcess("src/main.ts", appEnv({ github, model }, `redis://127.0.0.1:${redisPort}`, `bench-latency-${Date.now()}`, { LOG_LEVEL: "info" }));
  const webhookMs: number[] = [];
  const reviewMs: number[] = [];
  try {
    for (let number = 1; number <= reviews; number++) {
      const headSha = randomBytes(20).toString("hex");
      const { base } = github.addPullRequest({ owner: "bench", repo: "latency", number, diff, headSha });
      const target = { owner: "bench", repo: "latency", number, headSha, baseSha: base.sha, installationId: github.state.installationId };
      const started = performance.now();
      const delivery = await deliverWebhook(`${app.url}/api/github/webhooks`, "pull_request", pullRequestPayload("opened", target), { secret: TEST_WEBHOOK_SECRET });
      if (delivery.status >= 300) throw new Error(`delivery answered ${delivery.status}`);
      webhookMs.push(delivery.ms);
      await waitFor(() => (github.reviews("bench", "latency", number).length ? true : undefined), 30_000, "review");
      reviewMs.push(performance.now() - started);
    }
  } finally {
    await app.stop();
    await github.close();
    await model.close();
    redis.kill();
    rmSync(redisDir, { recursive: true, force: true });
  }
  return {
    reviews,
    webhookMsMedian: quantile(webhookMs, 0.5),
    webhookMsP90: quantile(webhookMs, 0.9),
    reviewMsMedian: quantile(reviewMs, 0.5),
    reviewMsP90: quantile(reviewMs, 0.9),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = await measureReviewLatency();
  console.log(`reviews measured                     ${figures.reviews}`);
  console.log(`webhook response (median / p90)      ${figures.webhookMsMedian.toFixed(1)} ms / ${figures.webhookMsP90.toFixed(1)} ms`);
  console.log(`delivery -> posted review (med / p90) ${figures.reviewMsMedian.toFixed(0)} ms / ${figures.reviewMsP90.toFixed(0)} ms (instant model fake)`);
}
