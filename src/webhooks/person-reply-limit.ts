import type { Redis } from "ioredis";

/**
 * At most one answer per person per repository per window for what anyone can ask without write access
 * being visible in the payload (commands from non-writers, `/codex help`), so a comment storm costs us
 * one reply per account instead of one per comment. Counted in Redis so every web process shares it.
 */
export interface PersonReplyLimit {
  /** True for the first request of `login` on the repo within the window; false after that. Atomic (SET NX). */
  take(owner: string, repo: string, login: string): Promise<boolean>;
}

export interface PersonReplyLimitOptions {
  /** Key namespace (the queue name). */
  namespace: string;
  /** Default one hour. */
  windowSeconds?: number;
}

export const PERSON_REPLY_WINDOW_SECONDS = 3600;

/** The limit's key of one person on one repository (also taken by src/queue/ingest-delivery.ts). */
export const personReplyKey = (namespace: string, owner: string, repo: string, login: string) =>
  // Logins and repo names are case-insensitive on GitHub.
  `codex-review:${namespace}:person-reply:${owner}/${repo}/${login}`.toLowerCase();

export function createPersonReplyLimit(redis: Redis, options: PersonReplyLimitOptions): PersonReplyLimit {
  const windowSeconds = options.windowSeconds ?? PERSON_REPLY_WINDOW_SECONDS;
  return {
    async take(owner, repo, login) {
      return (await redis.set(personReplyKey(options.namespace, owner, repo, login), "1", "EX", windowSeconds, "NX")) === "OK";
    },
  };
}
