import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { JobData } from "../../../src/queue/review-job.js";
import { createReviewQueue, enqueueJob, type ReviewQueue } from "../../../src/queue/review-queue.js";

let redis: Redis;
let queue: ReviewQueue;

beforeAll(() => {
  redis = new Redis(inject("redisUrl"), { maxRetriesPerRequest: null });
  queue = createReviewQueue(`supersede-${randomUUID().slice(0, 8)}`, redis);
});
afterAll(async () => {
  await queue.obliterate({ force: true });
  await queue.close();
  await redis.quit();
});

const push = (pullNumber: number, headSha: string, trigger: "synchronize" | "command" = "synchronize"): JobData => ({
  kind: "review",
  installationId: 1,
  owner: "octo-org",
  repo: "hello-world",
  pullNumber,
  headSha: trigger === "command" ? null : headSha,
  trigger,
  mode: "incremental",
  commentId: trigger === "command" ? 77 : null,
  requestedBy: trigger === "command" ? "mia" : null,
  deliveryId: randomUUID(),
});

describe("supersedeOlderReview (through enqueueJob)", () => {
  it("removes the PR's older automatic job while it still waits, and keeps other PRs' jobs", async () => {
    const first = await enqueueJob(queue, push(1, "a".repeat(40)), { supersedeWith: redis });
    const other = await enqueueJob(queue, push(2, "c".repeat(40)), { supersedeWith: redis });
    const second = await enqueueJob(queue, push(1, "b".repeat(40)), { supersedeWith: redis });
    expect(await queue.getJob(first.jobId)).toBeUndefined();
    expect(await queue.getJob(second.jobId)).toBeDefined();
    expect(await queue.getJob(other.jobId)).toBeDefined();
  });

  it("leaves a command's review alone: it was asked for explicitly", async () => {
    const automatic = await enqueueJob(queue, push(3, "d".repeat(40)), { supersedeWith: redis });
    await enqueueJob(queue, push(3, "", "command"), { supersedeWith: redis });
    expect(await queue.getJob(automatic.jobId)).toBeDefined();
  });
});

describe("the latest automatic job per PR", () => {
  it("is kept in one key per PR that expires, not in a hash that grows with every PR", async () => {
    for (let pull = 10; pull < 15; pull++) await enqueueJob(queue, push(pull, "e".repeat(40)), { supersedeWith: redis });
    expect(await redis.exists(queue.toKey("latest-review"))).toBe(0);
    const keys = await redis.keys(`${queue.toKey("latest-review")}:*`);
    expect(keys.length).toBeGreaterThanOrEqual(5);
    for (const key of keys) {
      const ttl = await redis.ttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(7 * 24 * 3600);
    }
  });
});
