import { describe, expect, it } from "vitest";
import { HEAD_OF_JOB_ID_LUA, headOfJobId } from "../../../src/queue/job-id-head.js";
import { jobId, type ReviewJobData } from "../../../src/queue/review-job.js";
import { useScratchRedis } from "../../support/scratch-redis.js";

const scratch = useScratchRedis("job-id-head");
const SHA1 = "a1".repeat(20);
const SHA256 = "b2".repeat(32);

const review = (more: Partial<ReviewJobData>): ReviewJobData => ({
  kind: "review", installationId: 1, owner: "octo-org", repo: "app", pullNumber: 7, deliveryId: "d-1",
  headSha: SHA1, baseSha: "c".repeat(40), trigger: "synchronize", mode: "incremental", commentId: null, requestedBy: null, draft: false, ...more,
});

const cases: Array<[string, string, string | null]> = [
  ["a push's job", jobId(review({})), SHA1],
  ["an opened job", jobId(review({ trigger: "opened", mode: "full" })), SHA1],
  ["a ready_for_review job (underscore)", jobId(review({ trigger: "ready_for_review", mode: "full" })), SHA1],
  ["a SHA-256 repository's job", jobId(review({ headSha: SHA256 })), SHA256],
  ["an upper-case head", `review/o/r/pull/1/${SHA1.toUpperCase()}/synchronize`, SHA1.toUpperCase()],
  ["a Re-run's job (it ends with its delivery)", jobId(review({ trigger: "rerun", mode: "full", deliveryId: "d-9" })), null],
  ["a command's job", jobId(review({ trigger: "command", headSha: null, commentId: 5, requestedBy: "mia", mode: "full" })), null],
  ["a head of another length", `review/o/r/pull/1/${"a".repeat(39)}/synchronize`, null],
  ["not hex", `review/o/r/pull/1/${"g".repeat(40)}/synchronize`, null],
];

describe("the head of a job id, in TypeScript and in Lua", () => {
  it.each(cases)("%s", async (_name, id, head) => {
    expect(headOfJobId(id)).toBe(head);
    const lua = `${HEAD_OF_JOB_ID_LUA}\nreturn headOfJobId(ARGV[1]) or false`;
    expect(await scratch.redis().eval(lua, 0, id)).toBe(head);
  });
});
