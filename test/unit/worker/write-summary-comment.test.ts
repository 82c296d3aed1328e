import { Octokit } from "@octokit/rest";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { GithubClient } from "../../../src/github/github-client.js";
import { createSummaryCommentClaims } from "../../../src/queue/summary-comment-claims.js";
import { EMPTY_SUMMARY_DATA, renderSummaryMarker } from "../../../src/review/summary-data.js";
import { writeSummaryComment } from "../../../src/worker/write-summary-comment.js";
import { FAKE_GITHUB_TOKEN, startGithubFake, type GithubFake } from "../../fakes/github-fake.js";
import { newFileDiff } from "../../support/new-file-diff.js";
import { useScratchRedis } from "../../support/scratch-redis.js";

const scratch = useScratchRedis("summary-claims");
const log = pino({ level: "silent" });
let fake: GithubFake;
let github: GithubClient;
let nextPull = 1;

beforeEach(async () => {
  fake = await startGithubFake();
  github = new Octokit({ baseUrl: fake.baseUrl, auth: FAKE_GITHUB_TOKEN }) as unknown as GithubClient;
});

afterEach(async () => {
  expect(fake.unexpected).toEqual([]);
  await fake.close();
});

function newPull() {
  const ref = { owner: "octo-org", repo: "summaries", pullNumber: nextPull++ };
  fake.addPullRequest({ owner: ref.owner, repo: ref.repo, number: ref.pullNumber, diff: newFileDiff("src/a.ts", 3) });
  return ref;
}

/** A summary body whose visible text says which job wrote it. */
const bodyBy = (job: string) => () => `Summary by ${job}\n\n${renderSummaryMarker(EMPTY_SUMMARY_DATA)}`;
const writes = (method: string) => fake.requests.filter((request) => request.method === method && request.path.includes("/issues/"));

describe("writeSummaryComment", () => {
  it("posts one summary when several jobs of a PR write at once, the others edit it", async () => {
    const ref = newPull();
    const claims = createSummaryCommentClaims(scratch.redis(), scratch.namespace);
    // Each job's first read saw no summary comment yet.
    const results = await Promise.all(["a", "b", "c", "d"].map((job) => writeSummaryComment(github, ref, null, bodyBy(job), claims, log)));
    expect(results.filter((result) => result === "created")).toHaveLength(1);
    expect(results.filter((result) => result === "edited" || result === "unchanged")).toHaveLength(3);
    expect(fake.issueComments(ref.owner, ref.repo, ref.pullNumber)).toHaveLength(1);
    expect(writes("POST")).toHaveLength(1);
  });

  it("edits the comment the job's read found, and writes nothing when the text would not change", async () => {
    const ref = newPull();
    const claims = createSummaryCommentClaims(scratch.redis(), scratch.namespace);
    expect(await writeSummaryComment(github, ref, null, bodyBy("first"), claims, log)).toBe("created");
    const [comment] = fake.issueComments(ref.owner, ref.repo, ref.pullNumber);
    expect(await writeSummaryComment(github, ref, { id: comment!.id, body: comment!.body }, bodyBy("second"), claims, log)).toBe("edited");
    const edited = fake.issueComments(ref.owner, ref.repo, ref.pullNumber)[0]!;
    expect(edited.body).toContain("Summary by second");
    expect(await writeSummaryComment(github, ref, { id: edited.id, body: edited.body }, bodyBy("second"), claims, log)).toBe("unchanged");
    expect([writes("POST").length, writes("PATCH").length]).toEqual([1, 1]);
  });

  it("finds the comment by the recorded id when the job's read did not show it, and posts a new one when someone deleted it", async () => {
    const ref = newPull();
    const claims = createSummaryCommentClaims(scratch.redis(), scratch.namespace);
    await writeSummaryComment(github, ref, null, bodyBy("first"), claims, log);
    // A read that did not show the comment (a busy PR's last 100 comments): the recorded id is edited.
    expect(await writeSummaryComment(github, ref, null, bodyBy("second"), claims, log)).toBe("edited");
    const [comment] = fake.issueComments(ref.owner, ref.repo, ref.pullNumber);
    fake.deleteIssueComment(ref.owner, ref.repo, comment!.id);
    // The job's read still showed it (a replica behind the delete): the edit's 404 leads to a new comment.
    expect(await writeSummaryComment(github, ref, { id: comment!.id, body: comment!.body }, bodyBy("third"), claims, log)).toBe("created");
    const now = fake.issueComments(ref.owner, ref.repo, ref.pullNumber);
    expect(now.map((entry) => entry.body.split("\n")[0])).toEqual(["Summary by third"]);
    expect(await claims.lookup(ref)).toBe(now[0]!.id);
  });

  it("gives its claim up when the POST fails, so the next job is not kept waiting", async () => {
    const ref = newPull();
    const claims = createSummaryCommentClaims(scratch.redis(), scratch.namespace);
    fake.failNext({ method: "POST", path: /\/issues\/\d+\/comments$/ }, { status: 422 });
    await expect(writeSummaryComment(github, ref, null, bodyBy("first"), claims, log)).rejects.toThrow();
    expect(await claims.claim(ref)).toBe("claimed");
  });
});
