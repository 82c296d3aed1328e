import { describe, expect, it } from "vitest";
import { jobFromActionEvent } from "../../../src/action/job-from-action-event.js";
import { parseJobData } from "../../../src/queue/review-job.js";
import { prCommentPayload, pullRequestPayload } from "../../support/webhook-payloads.js";

const target = { owner: "octo-org", repo: "widgets", number: 7, headSha: "d6fde92930d4715a2b49857d24b940956b26d2d3", installationId: 1 };

/** Actions' event payloads carry no `installation`: the token is the workflow's. */
function withoutInstallation(payload: Record<string, unknown>) {
  delete payload.installation;
  return payload;
}

describe("jobFromActionEvent", () => {
  it.each(["pull_request", "pull_request_target"])("maps %s.synchronize to the App's incremental review job, with no installation in the payload", (eventName) => {
    const decision = jobFromActionEvent(eventName, withoutInstallation(pullRequestPayload("synchronize", target)), "github-actions", "actions-run-1-1");
    expect(decision).toEqual({
      job: expect.objectContaining({ kind: "review", owner: "octo-org", repo: "widgets", pullNumber: 7, headSha: target.headSha, trigger: "synchronize", mode: "incremental" }),
    });
    if ("job" in decision) expect(() => parseJobData(decision.job)).not.toThrow();
  });

  it("skips a pull_request action that reviews nothing, and a draft is left to the repository's config", () => {
    expect(jobFromActionEvent("pull_request", withoutInstallation(pullRequestPayload("closed", target, { state: "closed" })), "github-actions", null)).toEqual({
      skip: "action closed does not trigger a review",
    });
    expect(jobFromActionEvent("pull_request", withoutInstallation(pullRequestPayload("opened", target, { draft: true })), "github-actions", null)).toHaveProperty("job");
  });

  it("maps `/codex review full` and `@github-actions review` on a PR to a command review by the commenter", () => {
    const full = prCommentPayload(target, { id: 11, body: "/codex review full", login: "mia" });
    expect(jobFromActionEvent("issue_comment", withoutInstallation(full), "github-actions", null)).toEqual({
      job: expect.objectContaining({ trigger: "command", mode: "full", commentId: 11, requestedBy: "mia", headSha: null }),
    });
    const mention = prCommentPayload(target, { id: 12, body: "@github-actions review", login: "mia" });
    expect(jobFromActionEvent("issue_comment", withoutInstallation(mention), "github-actions", null)).toEqual({ job: expect.objectContaining({ trigger: "command", mode: "incremental" }) });
  });

  it("leaves the App's other commands, bots' comments and other events alone, saying why", () => {
    const pause = prCommentPayload(target, { id: 13, body: "/codex pause", login: "mia" });
    expect(jobFromActionEvent("issue_comment", withoutInstallation(pause), "github-actions", null)).toEqual({
      skip: "`/codex pause` is answered by the App only; the Action runs `/codex review`",
    });
    const bot = prCommentPayload(target, { id: 14, body: "/codex review", login: "renovate[bot]", type: "Bot" });
    expect(jobFromActionEvent("issue_comment", withoutInstallation(bot), "github-actions", null)).toEqual({ skip: "comment is from a bot" });
    expect(jobFromActionEvent("push", {}, "github-actions", null)).toEqual({
      skip: "the push event triggers no review (the Action runs on pull_request, pull_request_target, issue_comment)",
    });
  });
});
