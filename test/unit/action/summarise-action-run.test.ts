import { describe, expect, it } from "vitest";
import { renderJobSummary } from "../../../src/action/render-job-summary.js";
import { actionOutputsOf, summariseActionRun } from "../../../src/action/summarise-action-run.js";
import type { PullFinding } from "../../../src/review/pull-findings.js";

const pull = { owner: "octo-org", repo: "widgets", pullNumber: 7 };
const head = "d6fde92930d4715a2b49857d24b940956b26d2d3";

function finding(severity: PullFinding["severity"], state: PullFinding["state"], title = `${severity} ${state}`): PullFinding {
  return { fingerprint: "0123456789", severity, title, path: "src/a.ts", line: 3, state, raisedOn: head, fixedIn: null, url: null, threadId: null };
}

describe("summariseActionRun", () => {
  it("counts the PR's open findings by severity (fixed and dismissed ones are not), with the run's usage and the review's link", () => {
    const run = summariseActionRun(
      {
        status: "posted",
        reviewId: 55,
        headSha: head,
        mode: "full",
        filesReviewed: 1,
        comments: 2,
        bodyOnlyFindings: 0,
        repeatedFindings: 0,
        severityCounts: { P0: 1, P1: 1, P2: 0, P3: 0 },
        failedChunks: 0,
        usage: { inputTokens: 10, outputTokens: 5, usdSpent: 0.00012 },
        findings: [finding("P0", "open"), finding("P1", "open"), finding("P1", "fixed"), finding("P3", "dismissed")],
      },
      pull,
      "https://ghe.example.com/",
    );
    expect(actionOutputsOf(run)).toMatchObject({
      status: "posted",
      p0: "1",
      p1: "1",
      p2: "0",
      p3: "0",
      "input-tokens": "10",
      "output-tokens": "5",
      cost: "0.0001",
      "review-url": "https://ghe.example.com/octo-org/widgets/pull/7#pullrequestreview-55",
      "skipped-reason": "",
    });
    expect(JSON.parse(actionOutputsOf(run)["findings-json"]!)).toEqual([
      { severity: "P0", title: "P0 open", path: "src/a.ts", line: 3, url: null },
      { severity: "P1", title: "P1 open", path: "src/a.ts", line: 3, url: null },
    ]);
  });

  it("says why nothing was posted", () => {
    expect(summariseActionRun({ status: "superseded", headSha: head, currentHeadSha: "abcdef1234" }, pull, "https://github.com").skippedReason).toBe(
      "the pull request moved to abcdef1 while d6fde92 was reviewed; the run for the new head reviews it",
    );
    expect(summariseActionRun({ status: "nothing-new", since: head }, pull, "https://github.com").skippedReason).toBe(
      "nothing the pull request changes was touched since the review of d6fde92",
    );
  });
});

describe("renderJobSummary", () => {
  it("makes a model-written title inert: no mention, no link, no HTML", () => {
    const hostile = "Ping @octo-org/admins <img src=x> [click](https://evil.example)";
    const run = summariseActionRun({ status: "already-posted", reviewId: 9, headSha: head, findings: [finding("P2", "open", hostile)] }, pull, "https://github.com");
    const summary = renderJobSummary(run);
    expect(summary).toContain("## codex-review: Already reviewed on octo-org/widgets#7");
    expect(summary).toContain("| on the pull request | 0 | 0 | 1 | 0 |");
    expect(summary).not.toContain("@octo-org/admins ");
    expect(summary).not.toContain("<img");
    expect(summary).not.toMatch(/(?<!\\)\[click\]\(/);
  });
});
