import { describe, expect, it } from "vitest";
import { useScratchRedis } from "../../support/scratch-redis.js";
import { createRepoReviewBudget, type BudgetRequest } from "../../../src/queue/repo-review-budget.js";

const scratch = useScratchRedis("budget");
const { namespace } = scratch;
const MINUTE = 60_000;

let nextJob = 0;
const request = (repo: string, bucket: BudgetRequest["bucket"] = "automatic", jobId = `job-${nextJob++}`): BudgetRequest => ({
  owner: "octo-org",
  repo,
  bucket,
  jobId,
});

describe("createRepoReviewBudget", () => {
  it("lets a burst through, then gives each further job its own start time, one refill apart", async () => {
    const start = 1_000_000;
    const budget = createRepoReviewBudget(scratch.redis(), { namespace, perHour: 3, burst: 2, now: () => start });
    const charges = [];
    for (let i = 0; i < 5; i++) charges.push(await budget.charge(request("wave")));
    expect(charges.map((charge) => charge.allowed)).toEqual([true, true, false, false, false]);
    // One token every 20 minutes at 3 an hour: the waiting jobs are spread, not all woken at once.
    expect(charges.slice(2).map((charge) => (charge.allowed ? 0 : charge.retryAt - start))).toEqual([20 * MINUTE, 40 * MINUTE, 60 * MINUTE]);
  });

  it("lets a delayed job through on its reservation when it is due, without paying twice", async () => {
    let now = 2_000_000;
    const budget = createRepoReviewBudget(scratch.redis(), { namespace, perHour: 6, burst: 1, now: () => now });
    expect(await budget.charge(request("reserve"))).toEqual({ allowed: true });
    const waiting = request("reserve");
    const first = await budget.charge(waiting);
    expect(first).toEqual({ allowed: false, retryAt: now + 10 * MINUTE });
    // Woken early (a retry, a manual promote): same due time, no second reservation.
    now += 5 * MINUTE;
    expect(await budget.charge(waiting)).toEqual(first);
    now += 5 * MINUTE;
    expect(await budget.charge(waiting)).toEqual({ allowed: true });
    // Its token was reserved ten minutes ago: the bucket is still empty for a newcomer.
    expect((await budget.charge(request("reserve"))).allowed).toBe(false);
  });

  it("takes back the reservation of a job that ended without calling the model", async () => {
    const now = 2_500_000;
    const budget = createRepoReviewBudget(scratch.redis(), { namespace, perHour: 6, burst: 1, now: () => now });
    expect((await budget.charge(request("refund"))).allowed).toBe(true);
    const superseded = request("refund");
    expect((await budget.charge(superseded)).allowed).toBe(false);
    expect(await budget.refund(superseded)).toBe(true);
    expect(await budget.refund(superseded)).toBe(false);
    // The token it had reserved is free again: the next job waits ten minutes, not twenty.
    const next = await budget.charge(request("refund"));
    expect(next).toEqual({ allowed: false, retryAt: now + 10 * MINUTE });
  });

  it("keeps automatic reviews and requests in separate buckets, so pushes never starve a command", async () => {
    const budget = createRepoReviewBudget(scratch.redis(), { namespace, perHour: 1, burst: 1, now: () => 3_000_000 });
    expect((await budget.charge(request("busy", "automatic"))).allowed).toBe(true);
    for (let i = 0; i < 10; i++) expect((await budget.charge(request("busy", "automatic"))).allowed).toBe(false);
    expect((await budget.charge(request("busy", "requested"))).allowed).toBe(true);
  });

  it("keeps one bucket per repository, whatever the casing", async () => {
    const budget = createRepoReviewBudget(scratch.redis(), { namespace, perHour: 1, now: () => 5_000_000 });
    expect((await budget.charge({ ...request("x"), owner: "Octo-Org", repo: "Alpha" })).allowed).toBe(true);
    expect((await budget.charge(request("alpha"))).allowed).toBe(false);
    expect((await budget.charge(request("beta"))).allowed).toBe(true);
  });

  it("never delays when the limit is 0 (disabled)", async () => {
    const budget = createRepoReviewBudget(scratch.redis(), { namespace, perHour: 0 });
    const results = await Promise.all(Array.from({ length: 50 }, () => budget.charge(request("free"))));
    expect(results.every((result) => result.allowed)).toBe(true);
  });

  it("hands out exactly the burst to concurrent callers, and distinct start times to the rest", async () => {
    const start = 9_000_000;
    const budget = createRepoReviewBudget(scratch.redis(), { namespace, perHour: 60, burst: 7, now: () => start });
    const results = await Promise.all(Array.from({ length: 30 }, () => budget.charge(request("race"))));
    expect(results.filter((result) => result.allowed)).toHaveLength(7);
    const times = results.flatMap((result) => (result.allowed ? [] : [result.retryAt - start]));
    expect(new Set(times).size).toBe(23);
    expect(Math.max(...times)).toBe(23 * MINUTE);
  });
});
