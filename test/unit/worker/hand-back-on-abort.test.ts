import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterEach, describe, expect, inject, it } from "vitest";
import type { GithubClient } from "../../../src/github/github-client.js";
import { closeWorker } from "../../../src/worker/close-worker.js";
import { guardGithub, handBackOnAbort, JobHandedBackError } from "../../../src/worker/hand-back-on-abort.js";
import { cancelJobsOnLockLoss, lockConfirmer } from "../../../src/worker/watch-job-lock.js";

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

/**
 * A GitHub client that, like Octokit, sends each request through `parameters.request.fetch` (where the
 * guard sits), to a local server that records what arrives and answers after `ms`.
 */
async function recordingGithub(ms: number) {
  const calls: string[] = [];
  const server = createServer((req, res) => {
    calls.push(`${req.method} ${req.url}`);
    setTimeout(() => res.writeHead(200, { "content-type": "application/json" }).end("{}"), ms);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  const client: GithubClient = {
    async request(route, parameters) {
      const [method, path] = route.split(" ");
      const send = ((parameters?.request as { fetch?: typeof fetch } | undefined)?.fetch ?? fetch) as typeof fetch;
      const response = await send(`${origin}${path}`, { method });
      return { status: response.status, data: await response.json(), headers: {} };
    },
    async graphql() {
      return {};
    },
  };
  return { client, calls };
}

describe("closeWorker + handBackOnAbort", () => {
  it("hands a job that outlives the grace period back to the wait list, unattempted, and cuts its GitHub access", async () => {
    const { name, connection, queue } = setup();
    const github = await recordingGithub(0);
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
    const github = await recordingGithub(700);
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

  it("never sends a write still waiting in the client's throttle queue when the job is handed back", async () => {
    const { name, connection, queue } = setup();
    const github = await recordingGithub(0);
    // Like Octokit's throttling: the request waits for its slot before it reaches fetch.
    const throttled: GithubClient = {
      async request(route, parameters) {
        await new Promise((r) => setTimeout(r, 800));
        return github.client.request(route, parameters);
      },
      graphql: github.client.graphql,
    };
    let outcome: unknown;
    let started!: () => void;
    const startedPromise = new Promise<void>((r) => (started = r));
    const worker = new Worker(
      name,
      async (job, token, signal) => {
        const guarded = guardGithub(throttled, signal!);
        return handBackOnAbort(
          { job, token, signal, log },
          async () => {
            started();
            outcome = await guarded.request("POST /repos/o/r/pulls/1/reviews").catch((error: unknown) => error);
          },
          () => guarded.settleWrites(),
        );
      },
      { connection },
    );
    cleanups.push(() => worker.close(true));
    await queue.add("review", {}, { jobId: "job-4" });
    await startedPromise;
    await closeWorker(worker, 50, log);
    expect(await (await queue.getJob("job-4"))!.getState()).toBe("waiting");
    await new Promise((r) => setTimeout(r, 1_200));
    expect(outcome).toBeInstanceOf(JobHandedBackError);
    expect(github.calls).toEqual([]);
  });
});

describe("a job whose lock was lost (watch-job-lock + handBackOnAbort)", () => {
  it("stops before its next GitHub write, and leaves the job to the worker that holds the lock", async () => {
    const { name, connection, queue } = setup();
    const github = await recordingGithub(0);
    let lateCall: unknown;
    let stolen!: () => void;
    const stolenPromise = new Promise<void>((r) => (stolen = r));
    let started!: () => void;
    const startedPromise = new Promise<void>((r) => (started = r));
    const worker: Worker = new Worker(
      name,
      async (job, token, signal) => {
        const guarded = guardGithub(github.client, signal!, lockConfirmer(worker, job, token, 30_000));
        return handBackOnAbort(
          { job, token, signal, log },
          async () => {
            started();
            await stolenPromise;
            // The lock is someone else's now; the renewal timer has not noticed yet (30 s lock).
            lateCall = await guarded.request("POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews").catch((error: unknown) => error);
            return "late";
          },
          () => guarded.settleWrites(),
        );
      },
      { connection, lockDuration: 30_000 },
    );
    cancelJobsOnLockLoss(worker);
    const failed: unknown[] = [];
    worker.on("failed", (_job, error) => failed.push(error));
    worker.on("error", () => undefined);
    cleanups.push(() => worker.close(true));
    await queue.add("review", {}, { jobId: "job-5", attempts: 3 });
    await startedPromise;
    // Another worker took the job over (its lock expired while this process was frozen).
    await connection.set(`bull:${name}:job-5:lock`, "other-worker-token");
    stolen();
    await waitUntil(() => lateCall !== undefined);
    await new Promise((r) => setTimeout(r, 300));

    expect(lateCall).toBeInstanceOf(JobHandedBackError);
    expect(github.calls).toEqual([]);
    // Not moved, not failed: the job is the other worker's, still active under its lock.
    const job = await queue.getJob("job-5");
    expect(await job!.getState()).toBe("active");
    expect(job!.attemptsMade).toBe(0);
    expect(await connection.get(`bull:${name}:job-5:lock`)).toBe("other-worker-token");
    expect(failed).toEqual([]);
  });

  it("is cancelled when BullMQ reports that its lock could not be renewed", async () => {
    const { name, connection, queue } = setup();
    let aborted: unknown;
    let started!: () => void;
    const startedPromise = new Promise<void>((r) => (started = r));
    const worker: Worker = new Worker(
      name,
      async (job, token, signal) =>
        handBackOnAbort(
          { job, token, signal, log },
          async () => {
            started();
            await new Promise((r) => setTimeout(r, 5_000));
          },
          async () => undefined,
        ).catch((error: unknown) => {
          aborted = signal?.reason;
          throw error;
        }),
      // Renewed every 500 ms: the loss is seen within a second.
      { connection, lockDuration: 1_000 },
    );
    cancelJobsOnLockLoss(worker);
    worker.on("error", () => undefined);
    cleanups.push(() => worker.close(true));
    await queue.add("review", {}, { jobId: "job-6" });
    await startedPromise;
    await connection.set(`bull:${name}:job-6:lock`, "other-worker-token");
    await waitUntil(() => aborted !== undefined);
    expect(aborted).toBe("lock-lost");
    expect(await (await queue.getJob("job-6"))!.getState()).toBe("active");
  });
});

async function waitUntil(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}
