import { setTimeout as sleep } from "node:timers/promises";

/**
 * Waits before each re-read of a head that is not the job's. Right after a push GitHub's read replicas
 * can still answer with the previous head for a few seconds; taking that for a newer push would drop the
 * review of the newest one.
 */
export const HEAD_LAG_WAITS_MS = [1_000, 2_000, 4_000];

/**
 * Reads until the read shows head `expected`, or the waits are used up, and returns the last read. Only
 * a head that stays different through every wait is another push (the caller's "superseded"); one that
 * turns into the job's head was a lagging read.
 */
export async function readUntilHead<T>(read: () => Promise<T>, headOf: (value: T) => string, expected: string, waitsMs: readonly number[] = HEAD_LAG_WAITS_MS): Promise<T> {
  let value = await read();
  for (const wait of waitsMs) {
    if (headOf(value) === expected) return value;
    await sleep(wait);
    value = await read();
  }
  return value;
}
