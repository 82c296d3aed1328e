import { randomUUID } from "node:crypto";
import { UnrecoverableError, Worker } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { ReviewJobData } from "../../../src/queue/review-job.js";
import { createReviewQueue, enqueueJob, type ReviewQueue } from "../../../src/queue/review-queue.js";

let redis: Redis;
let queue: ReviewQueue;
let worker: Worker;
/** What the scratch worker does with each job, by head SHA. */
const outcomes = new Map<string, "fail" | "complete" | "hold">();

beforeAll(() => {
  redis = new Redis(inject("redisUrl"), { maxRetriesPerRequest: null });
  queue = createReviewQueue(`enqueue-${randomUUID().slice(0, 8)}`, redis);
  worker = new Worker(
    queue.name,
    async (job) => {
      const outcome = outcomes.get((job.data as { headSha: string }).headSha);
      if (outcome === "fail") throw new UnrecoverableError("failed for good");
      if (outcome === "hold") await new Promise((r) => setTimeout(r, 3_000));
      return "done";
    },
    { connection: redis.duplicate() },
  );
});
afterAll(async () => {
  await worker.close(true);
  await queue.obliterate({ force: true });
  await queue.close();
  await redis.quit();
});

const push = (pullNumber: number, headSha: string): ReviewJobData => ({
  kind: "review",
  installationId: 1,
  owner: "octo-org",
  repo: "redeliver",
  pullNumber,
  headSha,
  trigger: "synchronize",
  mode: "incremental",
  commentId: null,
  requestedBy: null,
  deliveryId: randomUUID(),
});

async function waitForState(jobId: string, state: string) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const current = await (await queue.getJob(jobId))?.getState();
    if (current === state) return;
    if (Date.now() > deadline) throw new Error(`job ${jobId} is ${current}, not ${state}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("enqueueJob and GitHub's Redeliver", () => {
  it("adds again the job of an event whose earlier job failed for good", async () => {
    const data = push(1, "a".repeat(40));
    outcomes.set(data.headSha!, "fail");
    const first = await enqueueJob(queue, data);
    await waitForState(first.jobId, "failed");

    outcomes.set(data.headSha!, "complete");
    const again = await enqueueJob(queue, data);
    expect(again).toEqual({ jobId: first.jobId, duplicate: false });
    await waitForState(first.jobId, "completed");
    const job = await queue.getJob(first.jobId);
    expect(job?.attemptsMade).toBe(1);
    expect(job?.returnvalue).toBe("done");
  });

  it("adds nothing for an event whose job is active or completed", async () => {
    const held = push(2, "b".repeat(40));
    outcomes.set(held.headSha!, "hold");
    const active = await enqueueJob(queue, held);
    await waitForState(active.jobId, "active");
    expect((await enqueueJob(queue, held)).duplicate).toBe(true);

    const done = push(3, "c".repeat(40));
    outcomes.set(done.headSha!, "complete");
    const completed = await enqueueJob(queue, done);
    await waitForState(completed.jobId, "completed");
    expect((await enqueueJob(queue, done)).duplicate).toBe(true);
    expect(await (await queue.getJob(completed.jobId))?.getState()).toBe("completed");
  });
});
