import type { Redis } from "ioredis";

/** A check run left `queued` by a job that waits for budget, and the head it is on. */
export interface HeldCheckRun {
  checkRunId: number;
  headSha: string;
}

/**
 * The check run a delayed job left `queued`, kept under the job's id so the job takes the same run up
 * again when it runs, instead of leaving a `queued` run behind and opening a second one.
 */
export interface HeldCheckRuns {
  hold(jobId: string, run: HeldCheckRun, untilMs: number): Promise<void>;
  /** The held run, removed from the store (null when there is none). */
  release(jobId: string): Promise<HeldCheckRun | null>;
}

/** GETDEL, which Redis only has from 6.2 on (Ubuntu 22.04 and Debian 11 ship 6.0). */
const GET_AND_DELETE = `local value = redis.call("GET", KEYS[1])
if value then redis.call("DEL", KEYS[1]) end
return value`;

/** A held run is forgotten a day after its job was due: GitHub marks runs left queued 14 days stale anyway. */
const HOLD_GRACE_MS = 24 * 3_600_000;

export function createHeldCheckRuns(redis: Redis, namespace: string, now: () => number = Date.now): HeldCheckRuns {
  const key = (jobId: string) => `codex-review:${namespace}:held-check-run:${jobId}`;
  return {
    async hold(jobId, run, untilMs) {
      await redis.set(key(jobId), JSON.stringify(run), "PX", Math.max(0, untilMs - now()) + HOLD_GRACE_MS);
    },
    async release(jobId) {
      const text = (await redis.eval(GET_AND_DELETE, 1, key(jobId))) as string | null;
      if (!text) return null;
      const parsed = JSON.parse(text) as Partial<HeldCheckRun>;
      return typeof parsed.checkRunId === "number" && typeof parsed.headSha === "string" ? { checkRunId: parsed.checkRunId, headSha: parsed.headSha } : null;
    },
  };
}
