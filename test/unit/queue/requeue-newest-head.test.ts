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
    // Its event said the PR was not a draft then: the requeued job, for another head, says nothing of it.
    expect(await newest.requeue({ ...older, draft: false }, newer.headSha!, log)).toBe(newerId);
    const job = await queue.getJob(newerId);
    expect(job?.data).toMatchObject({ headSha: newer.headSha, trigger: "synchronize", pullNumber: 1 });
    expect(job?.data).not.toHaveProperty("draft");
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
    await completeJob(own.queue, openedId, "reviewed");
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

  it("records as the PR's latest push a requeued job an earlier release added without that record (it added, then recorded, and could die between)", async () => {
    const newer = push(4, "4".repeat(40));
    const older = push(4, "3".repeat(40));
    const { jobId: newerId } = await ingest.ingest({ job: newer });
    await ingest.ingest({ job: older });
    // What a run of the earlier release left when it died between BullMQ's add and the record.
    const queuedNewer = { ...newer, deliveryId: null };
    await queue.add("review", queuedNewer, { jobId: newerId });
    expect(await redis.get(`${queue.toKey("latest-review")}:octo-org/requeue#4`)).toBe(jobId(older));

    // The job's retry finds the same head: the job is there already, and the PR's latest push now names it.
    expect(await newest.requeue(older, newer.headSha!, log)).toBeNull();
    expect(await redis.get(`${queue.toKey("latest-review")}:octo-org/requeue#4`)).toBe(newerId);
    expect(await (await queue.getJob(newerId))?.getState()).toBe("waiting");
    // So when that job finds the head moved again (another lost push), it queues that head's review.
    expect(await newest.requeue(queuedNewer, "5".repeat(40), log)).toBe(jobId({ ...queuedNewer, headSha: "5".repeat(40) }));
  });

  it.each([
    ["opened", "superseded"],
    ["synchronize", "superseded"],
    ["opened", "skipped"],
  ] as const)("reviews a head a force-push came back to with its webhook lost, whose %s job ended %s", async (trigger, status) => {
    const a = push(6, "a6".repeat(20), trigger);
    const b = push(6, "b6".repeat(20));
    const { queue: own, ingest: ownIngest, requeue: ownNewest, close } = await ownQueue();
    try {
      // A's job finds the head moved to B (pushed, delivered) and ends without reviewing A.
      const { jobId: aId } = await ownIngest.ingest({ job: a });
      const outcome = status === "superseded" ? { status, headSha: a.headSha, currentHeadSha: b.headSha } : { status, reason: "pull request is a draft" };
      await completeJob(own, aId, outcome);
      await ownIngest.ingest({ job: b });
      // Then a force-push back to A, whose webhook is lost: B's job finds the head at A.
      const requeued = jobId({ ...b, headSha: a.headSha, deliveryId: null });
      expect(await ownNewest.requeue(b, a.headSha!, log)).toBe(requeued);
      const job = await own.getJob(requeued);
      expect(await job?.getState()).toBe("waiting");
      expect(job?.data).toMatchObject({ headSha: a.headSha, trigger: "synchronize", deliveryId: null });
      expect(await redis.get(`${own.toKey("latest-review")}:octo-org/requeue#6`)).toBe(requeued);
    } finally {
      await close();
    }
  });

  it("queues the newest head once when two finders requeue it at once", async () => {
    const { queue: own, ingest: ownIngest, close } = await ownQueue();
    const connections = [redis.duplicate(), redis.duplicate()];
    const finders = connections.map((connection) => createNewestHeadRequeue(own, connection));
    try {
      for (let pull = 1; pull <= 20; pull++) {
        const newer = push(pull, "c7".repeat(20));
        const older = push(pull, "d7".repeat(20));
        await ownIngest.ingest({ job: older });
        const ids = await Promise.all(finders.map((finder) => finder.requeue(older, newer.headSha!, log)));
        const requeued = jobId({ ...newer, deliveryId: null });
        // One finder queued it; the other found it queued.
        expect(ids.filter((id) => id !== null)).toEqual([requeued]);
        const heads = (await own.getJobs(["waiting"])).filter((job) => job.data.pullNumber === pull).map((job) => (job.data as ReviewJobData).headSha);
        expect(heads).toEqual([newer.headSha]);
        expect(await redis.get(`${own.toKey("latest-review")}:octo-org/requeue#${pull}`)).toBe(requeued);
      }
    } finally {
      await Promise.all(connections.map((connection) => connection.quit()));
      await close();
    }
  });

  it("never drops the job of a push ingested while a finder requeues an older head", async () => {
    const { queue: own, ingest: ownIngest, requeue: ownNewest, close } = await ownQueue();
    const connection = redis.duplicate();
    const racingIngest = createDeliveryIngest(own, connection, { namespace: own.name });
    try {
      for (let pull = 1; pull <= 20; pull++) {
        const older = push(pull, "e8".repeat(20));
        const lost = push(pull, "f8".repeat(20));
        const later = push(pull, "a9".repeat(20));
        await ownIngest.ingest({ job: older });
        // `lost`'s webhook never came; `later`'s comes while `older`'s job requeues `lost`'s head.
        const [, ingested] = await Promise.all([ownNewest.requeue(older, lost.headSha!, log), racingIngest.ingest({ job: later })]);
        // Whichever came first, the later push's job waits, and stays the PR's latest push.
        expect(await (await own.getJob(ingested.jobId))?.getState()).toBe("waiting");
        expect(await redis.get(`${own.toKey("latest-review")}:octo-org/requeue#${pull}`)).toBe(ingested.jobId);
      }
    } finally {
      await connection.quit();
      await close();
    }
  });
});

/** A queue of the test's own, so a worker there takes only the test's jobs. */
async function ownQueue() {
  const namespace = `requeue-${randomUUID().slice(0, 8)}`;
  const own = createReviewQueue(namespace, redis);
  await own.waitUntilReady();
  return {
    queue: own,
    ingest: createDeliveryIngest(own, redis, { namespace }),
    requeue: createNewestHeadRequeue(own, redis),
    async close() {
      await own.obliterate({ force: true });
      await own.close();
    },
  };
}

/** Runs the queue's waiting jobs (the one named first among them) to completion, each returning `outcome`, as the review worker returns its job's outcome. */
async function completeJob(own: ReviewQueue, id: string, outcome: unknown): Promise<void> {
  const workerConnection = redis.duplicate();
  const worker = new Worker(own.name, async () => outcome, { connection: workerConnection });
  try {
    for (let i = 0; i < 200 && (await (await own.getJob(id))?.getState()) !== "completed"; i++) await new Promise((r) => setTimeout(r, 25));
  } finally {
    await worker.close();
    await workerConnection.quit();
  }
  expect(await (await own.getJob(id))?.getState()).toBe("completed");
}
