import { WaitingError, type Job } from "bullmq";
import type { Logger } from "pino";
import type { GithubClient } from "../github/github-client.js";
import { LOCK_LOST } from "./watch-job-lock.js";

/**
 * How long a hand-back waits for GitHub writes already on the wire, so none lands after another worker
 * took the job over. Short enough to keep shutdown within WORKER_SHUTDOWN_GRACE_MS + 5 s.
 */
const WRITE_SETTLE_MS = 3_000;

/** Thrown by a guarded client once its job was handed back: the job's leftover work must not touch GitHub. */
export class JobHandedBackError extends Error {
  override readonly name = "JobHandedBackError";
}

/**
 * A GitHub client whose requests stop going out once `signal` fires, so a handed-back job cannot post
 * after another worker took it over. The gate sits at Octokit's `request.fetch`, under its throttling
 * queue: a write still waiting for its throttle slot is never sent, while one already on the wire is
 * let through and tracked, and `settleWrites()` waits for those before the job is handed back.
 * `confirmLock`, when given, is asked right before each write is sent; a write it refuses is not sent
 * (it cancels the job, see watch-job-lock.ts).
 */
export function guardGithub(
  client: GithubClient,
  signal: AbortSignal,
  confirmLock: () => Promise<boolean> = async () => true,
): GithubClient & { settleWrites(): Promise<void> } {
  const onTheWire = new Set<Promise<unknown>>();
  const handedBack = () => new JobHandedBackError("The job was handed back to the queue; no more GitHub calls");
  const gatedFetch: typeof fetch = async (input, init) => {
    if (signal.aborted) throw handedBack();
    const method = (init?.method ?? "GET").toUpperCase();
    const write = method !== "GET" && method !== "HEAD";
    if (write && (!(await confirmLock()) || signal.aborted)) throw handedBack();
    const sent = globalThis.fetch(input, init);
    if (write) {
      const settled = sent.then(
        () => undefined,
        () => undefined,
      );
      onTheWire.add(settled);
      void settled.finally(() => onTheWire.delete(settled));
    }
    return sent;
  };
  return {
    async request(route, parameters = {}) {
      if (signal.aborted) throw handedBack();
      const request = { ...(parameters.request as Record<string, unknown> | undefined), fetch: gatedFetch };
      return client.request(route, { ...parameters, request });
    },
    async graphql(query, variables) {
      if (signal.aborted) throw handedBack();
      // Only queries are sent through GraphQL, so nothing here needs settling.
      return client.graphql(query, variables);
    },
    async settleWrites() {
      if (onTheWire.size === 0) return;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, WRITE_SETTLE_MS)));
      await Promise.race([Promise.allSettled([...onTheWire]), timeout]);
      clearTimeout(timer);
    },
  };
}

export interface HandBackContext {
  job: Pick<Job, "id" | "moveToWait">;
  /** The worker's lock token of the job. */
  token: string | undefined;
  /** BullMQ's per-job signal: fires on `worker.cancelJob(s)` (our shutdown after the grace period, or a lost lock). */
  signal: AbortSignal | undefined;
  log: Logger;
}

/**
 * Runs a job's work until it ends or the worker cancels it. On cancel the job goes straight back to the
 * wait list (no attempt used, no stalled-lock delay) and BullMQ is told so with `WaitingError`; the
 * work's leftovers run on, but `guard` has cut them off from GitHub. A job cancelled because its lock
 * was lost is not moved anywhere: another worker holds it now, and the lost token could only fail or,
 * worse, disturb that worker's run. BullMQ is told `WaitingError` too, which makes it leave the job be.
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
    if (signal.reason === LOCK_LOST) {
      context.log.warn({ reason: LOCK_LOST }, "Lost the job's lock to another worker; stopping this run without touching the job");
      throw new WaitingError();
    }
    await context.job.moveToWait(context.token);
    context.log.warn({ reason: String(signal.reason ?? "cancelled") }, "Job handed back to the queue unfinished");
    throw new WaitingError();
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}
