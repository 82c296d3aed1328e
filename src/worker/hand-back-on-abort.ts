import { WaitingError, type Job } from "bullmq";
import type { Logger } from "pino";
import type { GithubClient } from "../github/github-client.js";

/** How long a hand-back waits for GitHub writes already on the wire, so no post lands after it. */
const WRITE_SETTLE_MS = 10_000;

/** Thrown by a guarded client once its job was handed back: the job's leftover work must not touch GitHub. */
export class JobHandedBackError extends Error {
  override readonly name = "JobHandedBackError";
}

/**
 * A GitHub client that refuses new requests once `signal` fires and tracks writes in flight, so a
 * handed-back job can neither post after another worker took it over nor leave a post racing it.
 */
export function guardGithub(client: GithubClient, signal: AbortSignal): GithubClient & { settleWrites(): Promise<void> } {
  const writes = new Set<Promise<unknown>>();
  return {
    async request(route, parameters) {
      if (signal.aborted) throw new JobHandedBackError("The job was handed back to the queue; no more GitHub calls");
      const call = client.request(route, parameters);
      if (/^(GET|HEAD)\s/i.test(route)) return call;
      const tracked = call.catch(() => undefined);
      writes.add(tracked);
      void tracked.finally(() => writes.delete(tracked));
      return call;
    },
    async graphql(query, variables) {
      if (signal.aborted) throw new JobHandedBackError("The job was handed back to the queue; no more GitHub calls");
      // Only queries are sent through GraphQL, so nothing here needs settling.
      return client.graphql(query, variables);
    },
    async settleWrites() {
      if (writes.size === 0) return;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, WRITE_SETTLE_MS)));
      await Promise.race([Promise.allSettled([...writes]), timeout]);
      clearTimeout(timer);
    },
  };
}

export interface HandBackContext {
  job: Pick<Job, "id" | "moveToWait">;
  /** The worker's lock token of the job. */
  token: string | undefined;
  /** BullMQ's per-job signal: fires on `worker.cancelJob(s)` (our shutdown after the grace period). */
  signal: AbortSignal | undefined;
  log: Logger;
}

/**
 * Runs a job's work until it ends or the worker cancels it. On cancel the job goes straight back to the
 * wait list (no attempt used, no stalled-lock delay) and BullMQ is told so with `WaitingError`; the
 * work's leftovers run on, but `guard` has cut them off from GitHub.
 */
export async function handBackOnAbort<T>(context: HandBackContext, work: (guard: AbortSignal) => Promise<T>, settle: () => Promise<void>): Promise<T> {
  const { signal } = context;
  if (!signal) return work(new AbortController().signal);
  let onAbort: () => void = () => undefined;
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => reject(new JobHandedBackError(String(signal.reason ?? "cancelled")));
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
  aborted.catch(() => undefined);
  try {
    return await Promise.race([work(signal), aborted]);
  } catch (error) {
    if (!signal.aborted) throw error;
    await settle();
    await context.job.moveToWait(context.token);
    context.log.warn({ reason: String(signal.reason ?? "cancelled") }, "Job handed back to the queue unfinished");
    throw new WaitingError();
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}
