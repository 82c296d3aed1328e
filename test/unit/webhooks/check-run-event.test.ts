import { describe, expect, it } from "vitest";
import { jobId, parseJobData } from "../../../src/queue/review-job.js";
import { jobFromCheckRun } from "../../../src/webhooks/check-run-event.js";
import { checkRunRerequestedPayload, examplePayload } from "../../support/webhook-payloads.js";

const target = { owner: "octo-org", repo: "widgets", number: 7, headSha: "d6fde92930d4715a2b49857d24b940956b26d2d3", installationId: 1 };

describe("jobFromCheckRun", () => {
  it("maps a Re-run on a fork's PR (GitHub's payload has pull_requests: []) to a job the worker resolves by head SHA", () => {
    const payload = examplePayload("check_run", "rerequested");
    expect(payload.check_run.pull_requests).toEqual([]);
    payload.check_run.name = "codex-review";
    const decision = jobFromCheckRun(payload as never, "delivery-1");
    expect(decision).toEqual({
      job: {
        kind: "review",
        installationId: payload.installation.id,
        owner: payload.repository.owner.login,
        repo: payload.repository.name,
        pullNumber: null,
        deliveryId: "delivery-1",
        headSha: payload.check_run.head_sha,
        trigger: "rerun",
        mode: "full",
        commentId: null,
        requestedBy: null,
      },
    });
    const job = "job" in decision ? decision.job : undefined;
    // Valid job data, and an id without the PR number that is stable for the delivery.
    expect(parseJobData(job)).toEqual(job);
    expect(jobId(job!)).toBe(`review/${payload.repository.owner.login}/${payload.repository.name}/commit/${payload.check_run.head_sha}/rerun-delivery-1`);
  });

  it("keeps the PR number GitHub names for a PR of the repository itself, and its base SHA (the early diff read's pin)", () => {
    const decision = jobFromCheckRun(checkRunRerequestedPayload(target) as never, "delivery-2");
    expect(decision).toMatchObject({ job: { pullNumber: 7, headSha: target.headSha, trigger: "rerun" } });
    expect(decision).not.toHaveProperty("job.baseSha");
    const baseSha = "e".repeat(40);
    const withBase = jobFromCheckRun(checkRunRerequestedPayload({ ...target, baseSha }) as never, "delivery-3");
    expect(withBase).toMatchObject({ job: { pullNumber: 7, headSha: target.headSha, baseSha } });
    expect(parseJobData("job" in withBase ? withBase.job : undefined)).toMatchObject({ baseSha });
  });

  it("ignores other apps' check runs", () => {
    expect(jobFromCheckRun(checkRunRerequestedPayload(target, "ci") as never, "d")).toEqual({ skip: "check run is not ours" });
  });
});

describe("parseJobData", () => {
  it("lets only a Re-run leave the pull request to be found by head SHA", () => {
    const base = { kind: "review", installationId: 1, owner: "o", repo: "r", pullNumber: null, deliveryId: "d", headSha: target.headSha, mode: "full", commentId: null, requestedBy: null };
    expect(() => parseJobData({ ...base, trigger: "rerun" })).not.toThrow();
    expect(() => parseJobData({ ...base, trigger: "synchronize" })).toThrow(/only a Re-run/);
  });
});
