import { randomUUID } from "node:crypto";
import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterEach, describe, expect, inject, it } from "vitest";
import type { GithubClient } from "../../../src/github/github-client.js";
import { closeWorker } from "../../../src/worker/close-worker.js";
import { guardGithub, handBackOnAbort, JobHandedBackError } from "../../../src/worker/hand-back-on-abort.js";

const log = pino({ level: "silent" });
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

function setup() {
  const name = `handback-${randomUUID().slice(0, 8)}`;
  const connection = new Redis(inject("redisUrl"), { maxRetriesPerRequest: null });
  const queue = new Queue(name, { connection });
  cleanups.push(() => connection.quit(), () => queue.close(), () => queue.obliterate({ force: true }));
  return { name, connection, queue };
}

/** A GitHub client that records calls and answers after `ms`. */
function recordingGithub(ms: number) {
  const calls: string[] = [];
  const client: GithubClient = {
    async request(route) {
      calls.push(route);
      await new Promise((r) => setTimeout(r, ms));
      return { status: 200, data: {}, headers: {} };
    },
    async graphql() {
      calls.push("graphql");
      return {};
    },
  };
  return { client, calls };
}

describe("closeWorker + handBackOnAbort", () => {
  it("hands a job that outlives the grace period back to the wait list, unattempted, and cuts its GitHub access", async () => {
    const { name, connection, queue } = setup();
    const github = recordingGithub(0);
    let lateCall: unknown;
    let started!: () => void;
    const startedPromise = new Promise<void>((r) => (started = r));
    const worker = new Worker(
      name,
      async (job, token, signal) => {
        const guarded = guardGithub(github.client, signal!);
        return handBackOnAbort(
          { job, token, signal, log },
          async () => {
            started();
            await new Promise((r) => setTimeout(r, 1_500));
            // The leftover work tries to post after the hand-back: refused.
            lateCall = await guarded.request("POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews").catch((error: unknown) => error);
            return "late";
          },
          () => guarded.settleWrites(),
        );
      },
      { connection, lockDuration: 30_000 },
    );
    cleanups.push(() => worker.close(true));
    await queue.add("review", { n: 1 }, { jobId: "job-1", attempts: 3 });
    await startedPromise;

    const before = performance.now();
    await closeWorker(worker, 200, log);
    const closeMs = performance.now() - before;
    expect(closeMs).toBeLessThan(1_000);
    const job = await queue.getJob("job-1");
    expect(await job!.getState()).toBe("waiting");
    expect(job!.attemptsMade).toBe(0);

    await new Promise((r) => setTimeout(r, 1_600));
    expect(lateCall).toBeInstanceOf(JobHandedBackError);
    expect(github.calls).toEqual([]);
  });

  it("lets a job that ends within the grace period complete", async () => {
    const { name, connection, queue } = setup();
    let started!: () => void;
    const startedPromise = new Promise<void>((r) => (started = r));
    const worker = new Worker(
      name,
      async (job, token, signal) =>
        handBackOnAbort({ job, token, signal, log }, async () => {
          started();
          await new Promise((r) => setTimeout(r, 300));
          return "done";
        }, async () => undefined),
      { connection },
    );
    cleanups.push(() => worker.close(true));
    await queue.add("review", {}, { jobId: "job-2" });
    await startedPromise;
    await closeWorker(worker, 5_000, log);
    const job = await queue.getJob("job-2");
    expect(await job!.getState()).toBe("completed");
    expect(job!.returnvalue).toBe("done");
  });

  it("waits for a GitHub write already on the wire before handing the job back", async () => {
    const { name, connection, queue } = setup();
    const github = recordingGithub(700);
    let posted = false;
    let started!: () => void;
    const startedPromise = new Promise<void>((r) => (started = r));
    const worker = new Worker(
      name,
      async (job, token, signal) => {
        const guarded = guardGithub(github.client, signal!);
        return handBackOnAbort(
          { job, token, signal, log },
          async () => {
            const post = guarded.request("POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews").then(() => (posted = true));
            started();
            await post;
            await new Promise((r) => setTimeout(r, 5_000));
          },
          () => guarded.settleWrites(),
        );
      },
      { connection },
    );
    cleanups.push(() => worker.close(true));
    await queue.add("review", {}, { jobId: "job-3" });
    await startedPromise;
    await closeWorker(worker, 50, log);
    // By the time the job is back in the queue, the POST in flight has landed.
    expect(posted).toBe(true);
    expect(await (await queue.getJob("job-3"))!.getState()).toBe("waiting");
  });
});
