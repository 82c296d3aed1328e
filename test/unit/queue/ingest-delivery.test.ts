import { randomUUID } from "node:crypto";
import { UnrecoverableError, Worker } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDeliveryIngest, type DeliveryIngest } from "../../../src/queue/ingest-delivery.js";
import type { CommandJobData, ReviewJobData } from "../../../src/queue/review-job.js";
import { createReviewQueue, type ReviewQueue } from "../../../src/queue/review-queue.js";

let redis: Redis;
let monitor: Redis;
let queue: ReviewQueue;
let ingest: DeliveryIngest;
let namespace: string;

beforeAll(async () => {
  redis = new Redis(inject("redisUrl"), { maxRetriesPerRequest: null });
  namespace = `ingest-${randomUUID().slice(0, 8)}`;
  queue = createReviewQueue(namespace, redis);
  await queue.waitUntilReady();
  ingest = createDeliveryIngest(queue, redis, { namespace });
});
afterAll(async () => {
  await queue.obliterate({ force: true });
  const keys = await redis.keys(`codex-review:${namespace}:*`);
  if (keys.length) await redis.del(...keys);
  await queue.close();
  monitor?.disconnect();
  await redis.quit();
});

const push = (pullNumber: number, headSha: string, deliveryId: string = randomUUID()): ReviewJobData => ({
  kind: "review",
  installationId: 1,
  owner: "octo-org",
  repo: "ingest",
  pullNumber,
  headSha,
  trigger: "synchronize",
  mode: "incremental",
  commentId: null,
  requestedBy: null,
  deliveryId,
});

const help = (commentId: number, login: string): CommandJobData => ({
  kind: "command",
  command: "help",
  installationId: 1,
  owner: "octo-org",
  repo: "ingest",
  pullNumber: 3,
  commentId,
  requestedBy: login,
  deliveryId: randomUUID(),
});

async function expectNoJobKey(jobId: string) {
  expect(await redis.exists(queue.toKey(jobId))).toBe(0);
}

describe("createDeliveryIngest", () => {
  it("queues a new delivery once: its replay is ignored, another delivery of the same event is a duplicate", async () => {
    const data = push(1, "a".repeat(40));
    const first = await ingest.ingest({ job: data });
    expect(first).toMatchObject({ outcome: "queued", superseded: null });
    expect(await (await queue.getJob(first.jobId))?.getState()).toBe("waiting");
    expect(await ingest.ingest({ job: data })).toEqual({ outcome: "replay", jobId: first.jobId });
    expect(await ingest.ingest({ job: { ...data, deliveryId: randomUUID() } })).toEqual({ outcome: "duplicate", jobId: first.jobId });
    expect(await queue.getJobCounts("waiting")).toMatchObject({ waiting: 1 });
  });

  it("ignores a replay whose job is already gone (removed after completing) without adding it again", async () => {
    const data = push(2, "b".repeat(40));
    const { jobId } = await ingest.ingest({ job: data });
    await queue.remove(jobId);
    expect(await ingest.ingest({ job: data })).toEqual({ outcome: "replay", jobId });
    expect(await queue.getJob(jobId)).toBeUndefined();
    expect(await redis.exists(queue.toKey(jobId))).toBe(0);
  });

  it("answers a person once per window: the next request adds no job and leaves no trace of one", async () => {
    const first = await ingest.ingest({ job: help(501, "Mona"), limitedPerson: "Mona" });
    expect(first.outcome).toBe("queued");
    const second = await ingest.ingest({ job: help(502, "mona"), limitedPerson: "mona" });
    expect(second.outcome).toBe("limited");
    expect(await queue.getJob(second.jobId)).toBeUndefined();
    await expectNoJobKey(second.jobId);
    expect((await ingest.ingest({ job: help(503, "hubot"), limitedPerson: "hubot" })).outcome).toBe("queued");
  });

  it("removes the PR's older automatic job while it still waits, and leaves other PRs alone", async () => {
    const older = await ingest.ingest({ job: push(4, "c".repeat(40)) });
    const other = await ingest.ingest({ job: push(5, "c".repeat(40)) });
    const newer = await ingest.ingest({ job: push(4, "d".repeat(40)) });
    expect(newer).toMatchObject({ outcome: "queued", superseded: older.jobId });
    expect(await queue.getJob(older.jobId)).toBeUndefined();
    expect(await queue.getJob(other.jobId)).toBeDefined();
    const ttl = await redis.ttl(`${queue.toKey("latest-review")}:octo-org/ingest#4`);
    expect(ttl).toBeGreaterThan(0);
  });

  it("sends one round trip per delivery: the bookkeeping and BullMQ's add in one script", async () => {
    const warm = await ingest.ingest({ job: push(6, "e".repeat(40)) });
    expect(warm.outcome).toBe("queued");
    const port = (redis as unknown as { stream: { localPort: number } }).stream.localPort;
    monitor = await redis.duplicate().monitor();
    const commands: string[] = [];
    monitor.on("monitor", (_time: string, args: string[], source: string) => {
      if (source.endsWith(`:${port}`)) commands.push(args[0]!.toLowerCase());
    });
    // A marker through the same connection tells when MONITOR has seen everything before it.
    const drain = async (marker: string) => {
      await redis.echo(marker);
      for (let i = 0; i < 100 && !commands.includes("echo"); i++) await new Promise((r) => setTimeout(r, 20));
      commands.splice(commands.indexOf("echo"), 1);
    };
    await drain("start");
    commands.length = 0;
    const stream = (redis as unknown as { stream: { write: (...args: unknown[]) => boolean } }).stream;
    const write = stream.write;
    let writes = 0;
    stream.write = (...args: unknown[]) => {
      writes += 1;
      return write.apply(stream, args);
    };
    try {
      const result = await ingest.ingest({ job: push(7, "f".repeat(40)) });
      expect(result.outcome).toBe("queued");
      expect(writes).toBe(1);
    } finally {
      stream.write = write;
    }
    await drain("end");
    expect(commands).toEqual(["evalsha"]);
  });

  it("stores the job exactly as BullMQ's Queue.add does: same fields, options, data and events", async () => {
    const data = push(30, "3".repeat(40));
    const { jobId } = await ingest.ingest({ job: data });
    const afterIngest = await redis.xrevrange(queue.toKey("events"), "+", "-", "COUNT", 1);
    const twin = { ...data, pullNumber: 31, deliveryId: randomUUID() };
    const added = await queue.add(twin.kind, twin, { jobId: `${jobId}-twin` });
    const afterAdd = await redis.xrevrange(queue.toKey("events"), "+", "-", "COUNT", 1);

    const ours = await redis.hgetall(queue.toKey(jobId));
    const theirs = await redis.hgetall(queue.toKey(added.id!));
    expect(Object.keys(ours).sort()).toEqual(Object.keys(theirs).sort());
    expect(ours.name).toBe(theirs.name);
    expect(JSON.parse(ours.opts!)).toEqual({ ...JSON.parse(theirs.opts!), jobId });
    expect(JSON.parse(ours.data!)).toEqual(data);
    const job = await queue.getJob(jobId);
    expect(job?.opts).toMatchObject({ attempts: 3, backoff: { type: "exponential", delay: 5_000 } });
    expect(await job?.getState()).toBe("waiting");
    // The same event in the queue's stream (what QueueEvents and the dashboard read), for our id.
    const fields = (entry: [string, string[]] | undefined) => Object.fromEntries((entry?.[1] ?? []).flatMap((value, i, all) => (i % 2 ? [] : [[value, all[i + 1]]])));
    expect(fields(afterIngest[0])).toMatchObject({ event: fields(afterAdd[0]).event, jobId });
  });

  it("under racing deliveries keeps one job per id and only the last head's job for a PR, across a SCRIPT FLUSH", async () => {
    const same = push(50, "5".repeat(40));
    const racing = await Promise.all(Array.from({ length: 20 }, () => ingest.ingest({ job: { ...same, deliveryId: randomUUID() } })));
    expect(racing.filter((result) => result.outcome === "queued")).toHaveLength(1);
    // Redis forgets its scripts (a restart, SCRIPT FLUSH): ioredis's EVALSHA falls back to EVAL.
    await redis.script("FLUSH");
    const heads = await Promise.all(Array.from({ length: 12 }, (_, i) => ingest.ingest({ job: push(51, i.toString(16).repeat(40)) })));
    const waiting = (await queue.getJobs(["waiting"])).filter((job) => job.data.pullNumber === 51);
    expect(waiting).toHaveLength(1);
    expect(heads.filter((result) => result.outcome === "queued" && result.superseded === null)).toHaveLength(1);
    expect(await redis.get(`${queue.toKey("latest-review")}:octo-org/ingest#51`)).toBe(waiting[0]!.id);
  });

  it("replaces the job of a Redeliver whose job failed for good", async () => {
    const data = push(8, "9".repeat(40));
    const { jobId } = await ingest.ingest({ job: data });
    const worker = new Worker(queue.name, async () => { throw new UnrecoverableError("failed for good"); }, { connection: redis.duplicate() });
    try {
      const deadline = Date.now() + 10_000;
      while ((await (await queue.getJob(jobId))?.getState()) !== "failed") {
        if (Date.now() > deadline) throw new Error("job never failed");
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await worker.close(true);
    }
    expect(await ingest.ingest({ job: data })).toMatchObject({ outcome: "queued", jobId });
    expect(await (await queue.getJob(jobId))?.getState()).toBe("waiting");
  });
});

describe("createDeliveryIngest when BullMQ's add fails inside the script", () => {
  // A job counter that is not a number makes BullMQ's add fail at its first write (INCR), after our
  // decision recorded the delivery: what a Redis error mid-script leaves behind.
  async function withBrokenAdd<T>(run: () => Promise<T>): Promise<T> {
    await redis.set(queue.toKey("id"), "not-a-number");
    try {
      return await run();
    } finally {
      await redis.del(queue.toKey("id"));
    }
  }

  it("lets the redelivery of a person's limited request through: nothing of the failed delivery counts", async () => {
    const data = help(601, "octocat");
    await withBrokenAdd(() => expect(ingest.ingest({ job: data, limitedPerson: "octocat" })).rejects.toThrow(/not an integer/));
    await expectNoJobKey(`command/octo-org/ingest/pull/3/comment-601`);
    const again = await ingest.ingest({ job: data, limitedPerson: "octocat" });
    expect(again.outcome).toBe("queued");
    expect(await (await queue.getJob(again.jobId))?.getState()).toBe("waiting");
  });

  it("still supersedes the PR's older waiting job when the newer push's redelivery gets through", async () => {
    const older = await ingest.ingest({ job: push(40, "1".repeat(40)) });
    const newer = push(40, "2".repeat(40));
    await withBrokenAdd(() => expect(ingest.ingest({ job: newer })).rejects.toThrow());
    const again = await ingest.ingest({ job: newer });
    expect(again).toMatchObject({ outcome: "queued", superseded: older.jobId });
    expect(await queue.getJob(older.jobId)).toBeUndefined();
    expect(await (await queue.getJob(again.jobId))?.getState()).toBe("waiting");
  });
});
