import { describe, expect, it } from "vitest";
import { budgetBucketOf, describeRunTime } from "../../../src/worker/charge-review-budget.js";
import type { JobData } from "../../../src/queue/review-job.js";

const base = { installationId: 1, owner: "octo-org", repo: "r", pullNumber: 3, deliveryId: null };

describe("budgetBucketOf", () => {
  it.each<[string, JobData, "automatic" | "requested"]>([
    ["a push", { ...base, kind: "review", headSha: "a".repeat(40), trigger: "synchronize", mode: "incremental", commentId: null, requestedBy: null }, "automatic"],
    ["an opened PR", { ...base, kind: "review", headSha: "a".repeat(40), trigger: "opened", mode: "full", commentId: null, requestedBy: null }, "automatic"],
    ["/codex review", { ...base, kind: "review", headSha: null, trigger: "command", mode: "incremental", commentId: 9, requestedBy: "mia" }, "requested"],
    ["a Re-run", { ...base, kind: "review", headSha: "a".repeat(40), trigger: "rerun", mode: "full", commentId: null, requestedBy: null }, "requested"],
    ["a thread reply", { ...base, kind: "reply", commentId: 9, requestedBy: "mia" }, "requested"],
  ])("charges %s to the %s bucket", (_name, job, bucket) => {
    expect(budgetBucketOf(job)).toBe(bucket);
  });
});

describe("describeRunTime", () => {
  const now = Date.UTC(2026, 10, 29, 16, 0);
  it("gives the UTC time, and the date when it is not today", () => {
    expect(describeRunTime(Date.UTC(2026, 10, 29, 16, 7, 30), now)).toBe("16:07 UTC");
    expect(describeRunTime(Date.UTC(2026, 10, 30, 1, 5), now)).toBe("01:05 UTC on 2026-11-30");
  });
});
