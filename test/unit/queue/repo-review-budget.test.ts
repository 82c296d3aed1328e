import { describe, expect, it } from "vitest";
import { useScratchRedis } from "../../support/scratch-redis.js";
import { createRepoReviewBudget } from "../../../src/queue/repo-review-budget.js";

const scratch = useScratchRedis("budget");
const { namespace } = scratch;

describe("createRepoReviewBudget", () => {
  it("allows a burst of perHour reviews per repo, then refuses and says when the next one fits", async () => {
    let now = 1_000_000;
    const budget = createRepoReviewBudget(scratch.redis(), { namespace, perHour: 3, now: () => now });
    const taken = [];
    for (let i = 0; i < 5; i++) taken.push(await budget.take("octo-org", "storm"));
    expect(taken.map((t) => t.allowed)).toEqual([true, true, true, false, false]);
    // One token refills every 20 minutes at 3 an hour.
    expect(taken[3]!.retryAfterMs).toBe(20 * 60_000);
    now += 20 * 60_000;
    expect((await budget.take("octo-org", "storm")).allowed).toBe(true);
    expect((await budget.take("octo-org", "storm")).allowed).toBe(false);
  });

  it("keeps one bucket per repository, whatever the casing", async () => {
    const budget = createRepoReviewBudget(scratch.redis(), { namespace, perHour: 1, now: () => 5_000_000 });
    expect((await budget.take("Octo-Org", "Alpha")).allowed).toBe(true);
    expect((await budget.take("octo-org", "alpha")).allowed).toBe(false);
    expect((await budget.take("octo-org", "beta")).allowed).toBe(true);
  });

  it("never refuses when the limit is 0 (disabled)", async () => {
    const budget = createRepoReviewBudget(scratch.redis(), { namespace, perHour: 0 });
    const results = await Promise.all(Array.from({ length: 50 }, () => budget.take("octo-org", "free")));
    expect(results.every((r) => r.allowed)).toBe(true);
  });

  it("hands out exactly perHour tokens to concurrent callers", async () => {
    const budget = createRepoReviewBudget(scratch.redis(), { namespace, perHour: 7, now: () => 9_000_000 });
    const results = await Promise.all(Array.from({ length: 30 }, () => budget.take("octo-org", "race")));
    expect(results.filter((r) => r.allowed)).toHaveLength(7);
  });
});
