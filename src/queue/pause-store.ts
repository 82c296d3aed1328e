import type { Redis } from "ioredis";

export interface PullRef {
  owner: string;
  repo: string;
  pullNumber: number;
}

/** Which PRs have automatic reviews paused (`/codex pause`). */
export interface PauseStore {
  isPaused(pull: PullRef): Promise<boolean>;
  setPaused(pull: PullRef, paused: boolean): Promise<void>;
}

/** Kept in the queue's Redis so every worker sees it; a paused PR stays paused for 90 days at most. */
export function createRedisPauseStore(redis: Redis, prefix: string): PauseStore {
  const key = (pull: PullRef) => `${prefix}:paused:${pull.owner}/${pull.repo}#${pull.pullNumber}`;
  return {
    async isPaused(pull) {
      return (await redis.exists(key(pull))) === 1;
    },
    async setPaused(pull, paused) {
      if (paused) await redis.set(key(pull), "1", "EX", 90 * 24 * 3600);
      else await redis.del(key(pull));
    },
  };
}

/** For one-shot runs with no Redis (the CLI): nothing is ever paused. */
export const NEVER_PAUSED: PauseStore = {
  isPaused: async () => false,
  setPaused: async () => undefined,
};
