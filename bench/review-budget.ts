/**
 * Figures of the repository review budget with the env defaults, on a real Redis and a simulated clock:
 * how many of a wave of automatic reviews start at once and how long the rest wait, and how many answers
 * 100 comments from one non-writer get. `npm run bench:budget`.
 */
import { Redis } from "ioredis";
import { readAppEnv } from "../src/config/env.js";
import { createRepoReviewBudget } from "../src/queue/repo-review-budget.js";
import { createPersonReplyLimit } from "../src/webhooks/person-reply-limit.js";
import { startOwnRedis } from "../test/support/redis-server.js";

const env = readAppEnv({});
const own = await startOwnRedis({ appendonly: false });
const redis = new Redis(own.url);
try {
  const start = Date.UTC(2026, 0, 5, 9, 0);
  for (const size of [60, 150, 300]) {
    const budget = createRepoReviewBudget(redis, { namespace: `bench-${size}`, perHour: env.REVIEW_RATE_LIMIT_PER_REPO, burst: env.REVIEW_BURST_PER_REPO, now: () => start });
    const waits: number[] = [];
    for (let pr = 1; pr <= size; pr++) {
      const charge = await budget.charge({ owner: "octo-org", repo: "monorepo", bucket: "automatic", jobId: `wave-${pr}` });
      waits.push(charge.allowed ? 0 : charge.retryAt - start);
    }
    const delayed = waits.filter((wait) => wait > 0);
    const minutes = (ms: number) => (ms / 60_000).toFixed(1);
    console.log(
      `wave of ${size} PRs (REVIEW_RATE_LIMIT_PER_REPO=${env.REVIEW_RATE_LIMIT_PER_REPO}, REVIEW_BURST_PER_REPO=${env.REVIEW_BURST_PER_REPO}): ` +
        `${size - delayed.length} at once, ${delayed.length} delayed` +
        (delayed.length ? ` by ${minutes(Math.min(...delayed))}..${minutes(Math.max(...delayed))} min (one every ${minutes(3_600_000 / env.REVIEW_RATE_LIMIT_PER_REPO)} min)` : ""),
    );
    // A writer's command right after the wave: its own bucket.
    const command = await budget.charge({ owner: "octo-org", repo: "monorepo", bucket: "requested", jobId: `command-${size}` });
    console.log(`  writer's /codex review right after it: ${command.allowed ? "runs at once" : `waits until ${new Date(command.retryAt).toISOString()}`}`);
  }
  const limit = createPersonReplyLimit(redis, { namespace: "bench-replies" });
  let answered = 0;
  for (let i = 0; i < 100; i++) if (await limit.take("octo-org", "public-project", "drive-by")) answered++;
  console.log(`100 commands from one non-writer within the hour: ${answered} job(s) and answer(s), ${100 - answered} ignored before any job`);
} finally {
  await redis.quit();
  await own.destroy();
}
