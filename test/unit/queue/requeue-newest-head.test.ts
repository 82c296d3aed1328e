import { randomUUID } from "node:crypto";
import { Worker } from "bullmq";
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDeliveryIngest, type DeliveryIngest } from "../../../src/queue/ingest-delivery.js";
import { createNewestHeadRequeue, type NewestHeadRequeue } from "../../../src/queue/requeue-newest-head.js";
import type { ReviewJobData } from "../../../src/queue/review-job.js";
import { createReviewQueue, type ReviewQueue } from "../../../src/queue/review-queue.js";
import { jobId } from "../../../src/queue/review-job.js";

let redis: Redis;
let queue: ReviewQueue;
let ingest: DeliveryIngest;
let newest: NewestHeadRequeue;
const log = pino({ level: "silent" });

beforeAll(async () => {
  redis = new Redis(inject("redisUrl"), { maxRetriesPerRequest: null });
  const namespace = `requeue-${randomUUID().slice(0, 8)}`;
  queue = createReviewQueue(namespace, redis);
  await queue.waitUntilReady();
  ingest = createDeliveryIngest(queue, redis, { namespace });
  newest = createNewestHeadRequeue(queue, redis);
});
afterAll(async () => {
  await queue.obliterate({ force: true });
  await queue.close();
  await redis.quit();
});

const push = (pullNumber: number, headSha: string, trigger: ReviewJobData["trigger"] = "synchronize"): ReviewJobData => ({
  kind: "review", installationId: 1, owner: "octo-org", repo: "requeue", pullNumber, headSha, trigger, mode: "incremental",
  commentId: null, requestedBy: null, deliveryId: randomUUID(),
});

describe("createNewestHeadRequeue", () => {
  it("brings back the newest head's job that an out-of-order older delivery superseded, once", async () => {
    const newer = push(1, "b".repeat(40));
    const older = push(1, "a".repeat(40));
    const { jobId: newerId } = await ingest.ingest({ job: newer });
    // The older push's delivery is ingested last: it supersedes the newer head's waiting job.
    expect(await ingest.ingest({ job: older })).toMatchObject({ outcome: "queued", superseded: newerId });
    expect(await queue.getJob(newerId)).toBeUndefined();

    // The older head's worker finds GitHub's head at the newer push.
    expect(await newest.requeue(older, newer.headSha!, log)).toBe(newerId);
    const job = await queue.getJob(newerId);
    expect(job?.data).toMatchObject({ headSha: newer.headSha, trigger: "synchronize", pullNumber: 1 });
    expect(await job?.getState()).toBe("waiting");
    // A second finder, or the newer push's late redelivery, adds nothing.
    expect(await newest.requeue(older, newer.headSha!, log)).toBeNull();
    expect((await ingest.ingest({ job: { ...newer, deliveryId: randomUUID() } })).outcome).toBe("duplicate");
  });

  it("queues nothing when a later push was delivered, or for a command", async () => {
    const first = push(2, "c".repeat(40), "opened");
    const second = push(2, "d".repeat(40));
    await ingest.ingest({ job: first });
    await ingest.ingest({ job: second });
    // `first` is superseded by a delivered push: that push's own job reviews the head.
    expect(await newest.requeue(first, "e".repeat(40), log)).toBeNull();
    expect(await newest.requeue({ ...second, trigger: "command", commentId: 7 }, "e".repeat(40), log)).toBeNull();
    const heads = (await queue.getJobs(["waiting"])).filter((job) => job.data.pullNumber === 2).map((job) => (job.data as ReviewJobData).headSha);
    expect(heads).toEqual([second.headSha]);
  });

  it.each(["opened", "synchronize"] as const)("queues nothing when GitHub's read shows an older head that had its own job (%s; a read replica still behind the push)", async (trigger) => {
    const opened = push(3, "1".repeat(40), trigger);
    const pushed = push(3, "2".repeat(40));
    // The PR's opening is reviewed (its job ran to the end), then the push is delivered. A queue of its own:
    // its worker takes only this PR's job.
    const namespace = `requeue-${randomUUID().slice(0, 8)}`;
    const own = { queue: createReviewQueue(namespace, redis) };
    const ownIngest = createDeliveryIngest(own.queue, redis, { namespace });
    const ownNewest = createNewestHeadRequeue(own.queue, redis);
    const { jobId: openedId } = await ownIngest.ingest({ job: opened });
    const workerConnection = redis.duplicate();
    const worker = new Worker(namespace, async () => "reviewed", { connection: workerConnection });
    try {
      for (let i = 0; i < 200 && (await (await own.queue.getJob(openedId))?.getState()) !== "completed"; i++) await new Promise((r) => setTimeout(r, 25));
    } finally {
      await worker.close();
      await workerConnection.quit();
    }
    expect(await (await own.queue.getJob(openedId))?.getState()).toBe("completed");
    const { jobId: pushedId } = await ownIngest.ingest({ job: pushed });

    try {
      // The push's job still reads the opening's head through every re-read: that head is older, not newer.
      expect(await ownNewest.requeue(pushed, opened.headSha!, log)).toBeNull();
      // No job of the older head's but its own delivery's.
      const olderSync = await own.queue.getJob(jobId({ ...opened, trigger: "synchronize", mode: "incremental", deliveryId: null }));
      expect(olderSync?.data.kind === "review" ? olderSync.data.deliveryId : null).toBe(trigger === "synchronize" ? opened.deliveryId : null);
      // The push stays the PR's latest: a later finder still sees it.
      expect(await redis.get(`${own.queue.toKey("latest-review")}:octo-org/requeue#3`)).toBe(pushedId);
    } finally {
      await own.queue.obliterate({ force: true });
      await own.queue.close();
    }
  });

  it("records the queued head as the PR's latest push on the retry of a run that died between the add and that record", async () => {
    const newer = push(4, "4".repeat(40));
    const older = push(4, "3".repeat(40));
    const { jobId: newerId } = await ingest.ingest({ job: newer });
    await ingest.ingest({ job: older });
    // The run queues the newer head's job, then Redis fails it before the PR's latest push is swapped.
    const failingSwap = new Proxy(redis, {
      get: (target, property, receiver) =>
        property === "eval" ? () => Promise.reject(new Error("Connection is closed.")) : Reflect.get(target, property, receiver),
    });
    await expect(createNewestHeadRequeue(queue, failingSwap).requeue(older, newer.headSha!, log)).rejects.toThrow("Connection is closed.");
    expect(await (await queue.getJob(newerId))?.getState()).toBe("waiting");

    // The job's retry finds the same head: the job is there already, and the PR's latest push now names it.
    expect(await newest.requeue(older, newer.headSha!, log)).toBeNull();
    expect(await redis.get(`${queue.toKey("latest-review")}:octo-org/requeue#4`)).toBe(newerId);
    // So when that job finds the head moved again (another lost push), it queues that head's review.
    const queuedNewer = { ...newer, deliveryId: null };
    expect(await newest.requeue(queuedNewer, "5".repeat(40), log)).toBe(jobId({ ...queuedNewer, headSha: "5".repeat(40) }));
  });
});
