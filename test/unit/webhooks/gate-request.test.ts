import { describe, expect, it } from "vitest";
import { gateRequest } from "../../../src/webhooks/gate-request.js";
import { jobFromComment, type IssueCommentPayload } from "../../../src/webhooks/issue-comment-event.js";
import { jobFromPullRequest, type PullRequestPayload } from "../../../src/webhooks/pull-request-event.js";
import { jobFromReviewComment, type ReviewCommentPayload } from "../../../src/webhooks/review-comment-event.js";
import { prCommentPayload, pullRequestPayload, reviewReplyPayload, type AuthorAssociation } from "../../support/webhook-payloads.js";

const target = { owner: "octo-org", repo: "gate", number: 7, installationId: 42 };

/** A real issue_comment.created payload (from @octokit/webhooks-examples) through the real handlers' mapping. */
function gateOfComment(body: string, association: AuthorAssociation | undefined) {
  const payload = prCommentPayload(target, { id: 11, body, login: "someone", ...(association ? { association } : {}) });
  if (!association) delete payload.comment.author_association;
  const decision = jobFromComment(payload as IssueCommentPayload, "delivery-1", "codex-review");
  if (!("job" in decision)) throw new Error(decision.skip);
  return gateRequest(decision.job, payload.comment.author_association);
}

describe("gateRequest", () => {
  it("reads the real payload's author_association (the examples' comment is the owner's)", () => {
    const payload = prCommentPayload(target, { id: 11, body: "/codex review", login: "Codertocat" });
    expect(payload.comment.author_association).toBe("OWNER");
    expect(gateOfComment("/codex review", undefined)).toEqual({ limit: "per-person", login: "someone", reason: "author_association missing shows no write access" });
  });

  it.each<[AuthorAssociation, "none" | "per-person"]>([
    ["OWNER", "none"],
    ["MEMBER", "none"],
    ["COLLABORATOR", "none"],
    ["CONTRIBUTOR", "per-person"],
    ["FIRST_TIMER", "per-person"],
    ["FIRST_TIME_CONTRIBUTOR", "per-person"],
    ["MANNEQUIN", "per-person"],
    ["NONE", "per-person"],
  ])("`/codex review` from %s: %s", (association, limit) => {
    expect(gateOfComment("/codex review full", association).limit).toBe(limit);
    expect(gateOfComment("/codex pause", association).limit).toBe(limit);
    expect(gateOfComment("/codex ask why?\nand how?", association).limit).toBe(limit);
  });

  it("maps `/codex ask` to a command job that holds identifiers only, not the question", () => {
    const payload = prCommentPayload(target, { id: 11, body: "@codex-review ask Is the retry idempotent?", login: "someone" });
    const decision = jobFromComment(payload as IssueCommentPayload, "delivery-1", "codex-review");
    expect(decision).toEqual({
      job: { kind: "command", command: "ask", installationId: 42, owner: "octo-org", repo: "gate", pullNumber: 7, deliveryId: "delivery-1", commentId: 11, requestedBy: "someone" },
    });
    expect(JSON.stringify(decision)).not.toContain("idempotent");
  });

  it.each<AuthorAssociation>(["OWNER", "COLLABORATOR", "NONE"])("limits `/codex help` and unknown commands per person for everyone (%s): they post a comment", (association) => {
    expect(gateOfComment("/codex help", association)).toMatchObject({ limit: "per-person", login: "someone", reason: "posts the help" });
    expect(gateOfComment("@codex-review frobnicate", association)).toMatchObject({ limit: "per-person", reason: "posts the help" });
  });

  it("gates thread replies like commands: they call the model", () => {
    const payload = reviewReplyPayload(target, { id: 21, inReplyTo: 20, body: "@codex-review why?", login: "drive-by", association: "NONE" });
    const decision = jobFromReviewComment(payload as ReviewCommentPayload, "delivery-2", "codex-review");
    if (!("job" in decision)) throw new Error(decision.skip);
    expect(gateRequest(decision.job, payload.comment.author_association)).toMatchObject({ limit: "per-person", login: "drive-by" });
    expect(gateRequest(decision.job, "MEMBER")).toEqual({ limit: "none" });
  });

  it("never gates automatic reviews: no person asked", () => {
    const decision = jobFromPullRequest(pullRequestPayload("opened", { ...target, headSha: "a".repeat(40), baseSha: "b".repeat(40) }) as PullRequestPayload, "delivery-3");
    if (!("job" in decision)) throw new Error(decision.skip);
    expect(gateRequest(decision.job, undefined)).toEqual({ limit: "none" });
    // The event's base and head pin the diff the worker reads beside the context (read-diff-early.ts).
    expect(decision.job).toMatchObject({ headSha: "a".repeat(40), baseSha: "b".repeat(40) });
  });
});
