import type { Redis } from "ioredis";
import type { PullRef } from "./pause-store.js";

/**
 * Where each PR's summary comment is, shared by every worker: two jobs of one PR (a push while a
 * `/codex review` runs, a retry beside a taken-over job) must not both post one. GitHub has no
 * "create if absent", and a comment just posted may not show in the next read yet, so creation is
 * claimed here first (`SET NX`), and the id is kept once GitHub gave it.
 */
export interface SummaryCommentClaims {
  /** The id recorded for the PR's summary comment, if any. */
  lookup(pull: PullRef): Promise<number | null>;
  /** `claimed`: this job creates the comment; `{ id }`: it exists; `busy`: another job is creating it now. */
  claim(pull: PullRef): Promise<"claimed" | "busy" | { id: number }>;
  record(pull: PullRef, commentId: number): Promise<void>;
  /** Gives a claim up (the POST failed), or forgets an id GitHub no longer has. */
  forget(pull: PullRef): Promise<void>;
}

const PENDING = "pending";
/** A claim outlives a job that died holding it by this much at most. */
const CLAIM_MS = 60_000;
/** As long as a paused PR is remembered: a PR quiet for longer is found by its comment's marker. */
const KEEP_SECONDS = 90 * 24 * 3_600;

export function createSummaryCommentClaims(redis: Redis, namespace: string): SummaryCommentClaims {
  const key = (pull: PullRef) => `codex-review:${namespace}:summary-comment:${pull.owner}/${pull.repo}#${pull.pullNumber}`;
  const idOf = (value: string | null) => (value && /^\d+$/.test(value) ? Number(value) : null);
  return {
    async lookup(pull) {
      return idOf(await redis.get(key(pull)));
    },
    async claim(pull) {
      for (let tries = 0; tries < 3; tries++) {
        if ((await redis.set(key(pull), PENDING, "PX", CLAIM_MS, "NX")) === "OK") return "claimed";
        const value = await redis.get(key(pull));
        if (value === PENDING) return "busy";
        const id = idOf(value);
        if (id !== null) return { id };
        // Gone between the SET and the GET (an expired claim): try again.
      }
      return "busy";
    },
    async record(pull, commentId) {
      await redis.set(key(pull), String(commentId), "EX", KEEP_SECONDS);
    },
    async forget(pull) {
      await redis.del(key(pull));
    },
  };
}
