import { readFileSync } from "node:fs";
import { Octokit } from "@octokit/rest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { GithubClient } from "../../../src/github/github-client.js";
import { appBotLogin } from "../../../src/github/own-review-author.js";
import { submitReview } from "../../../src/github/reviews.js";
import { renderReviewMarker } from "../../../src/review/review-marker.js";
import { FAKE_GITHUB_TOKEN, startGithubFake, type GithubFake } from "../../fakes/github-fake.js";

const diff = readFileSync(new URL("../../fixtures/diffs/multi-hunk.diff", import.meta.url), "utf8");
const HEAD = "b".repeat(40);
const OWN_LOGIN = appBotLogin("codex-review");
const ref = { owner: "octo-org", repo: "widgets", pullNumber: 3 };
const reviewPosts = (fake: GithubFake) => fake.requests.filter((request) => request.method === "POST" && request.path.endsWith("/pulls/3/reviews"));

let fake: GithubFake;
let github: GithubClient;

beforeEach(async () => {
  fake = await startGithubFake();
  fake.addPullRequest({ owner: ref.owner, repo: ref.repo, number: ref.pullNumber, diff, headSha: HEAD });
  github = new Octokit({ baseUrl: fake.baseUrl, auth: FAKE_GITHUB_TOKEN }) as unknown as GithubClient;
});

afterEach(async () => {
  expect(fake.unexpected).toEqual([]);
  await fake.close();
});

describe("submitReview", () => {
  it("does not post when the PR already has this job's review for this head (another run of the job posted it)", async () => {
    const body = `Review\n\n${renderReviewMarker({ headSha: HEAD, job: "job-a", fingerprints: [] })}`;
    const first = await submitReview(github, ref, { commitId: HEAD, body, comments: [] }, OWN_LOGIN);
    const again = await submitReview(github, ref, { commitId: HEAD, body, comments: [] }, OWN_LOGIN);
    expect(again).toBe(first);
    expect(reviewPosts(fake)).toHaveLength(1);
    expect(fake.reviews(ref.owner, ref.repo, ref.pullNumber)).toHaveLength(1);
  });

  it("posts when the PR's reviews carry only other jobs' markers, at the cost of one list request", async () => {
    await submitReview(github, ref, { commitId: HEAD, body: renderReviewMarker({ headSha: HEAD, job: "job-a", fingerprints: [] }), comments: [] }, OWN_LOGIN);
    const before = fake.requests.length;
    await submitReview(github, ref, { commitId: HEAD, body: renderReviewMarker({ headSha: HEAD, job: "job-b", fingerprints: [] }), comments: [] }, OWN_LOGIN);
    expect(fake.requests.slice(before).map((request) => `${request.method} ${request.path}`)).toEqual([
      "GET /repos/octo-org/widgets/pulls/3/reviews",
      "POST /repos/octo-org/widgets/pulls/3/reviews",
    ]);
    expect(fake.reviews(ref.owner, ref.repo, ref.pullNumber)).toHaveLength(2);
  });
});
