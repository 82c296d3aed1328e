import { Octokit } from "@octokit/rest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appBotLogin, isOwnReviewAuthor, restLoginOf } from "../../../src/github/own-review-author.js";
import type { GithubClient } from "../../../src/github/github-client.js";
import { listOwnReviews } from "../../../src/github/reviews.js";
import { renderReviewMarker } from "../../../src/review/review-marker.js";
import { FAKE_GITHUB_TOKEN, startGithubFake, type GithubFake } from "../../fakes/github-fake.js";

describe("isOwnReviewAuthor", () => {
  const own = appBotLogin("acme-reviewer");
  it.each([
    ["the App's bot (REST login)", "acme-reviewer[bot]", true],
    ["the App's bot, other case", "Acme-Reviewer[bot]", true],
    ["another App's bot", "codex-review[bot]", false],
    ["a person whose login is the slug", "acme-reviewer", false],
    ["no author (a deleted account)", null, false],
  ])("%s", (_name, login, expected) => {
    expect(isOwnReviewAuthor(login, own)).toBe(expected);
  });

  it("reads GraphQL authors the way REST spells them (Bot.login has no [bot])", () => {
    expect(isOwnReviewAuthor(restLoginOf({ __typename: "Bot", login: "acme-reviewer" }), own)).toBe(true);
    expect(isOwnReviewAuthor(restLoginOf({ __typename: "User", login: "acme-reviewer" }), own)).toBe(false);
    expect(isOwnReviewAuthor(restLoginOf({ __typename: "Bot", login: "other-reviewer" }), own)).toBe(false);
  });
});

describe("listOwnReviews", () => {
  let github: GithubFake;
  beforeAll(async () => {
    github = await startGithubFake({ appSlug: "acme-reviewer" });
  });
  afterAll(() => github.close());

  it("returns the App's marked reviews and ignores another bot's review with a copied marker", async () => {
    const pull = github.addPullRequest({ owner: "octo-org", repo: "own", number: 1, diff: "diff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -1 +1 @@\n-a\n+b\n" });
    const marker = renderReviewMarker({ headSha: pull.head.sha, job: "0123456789abcdef", fingerprints: [] });
    const foreign = github.addReviewBy("octo-org", "own", 1, { body: `Copied.\n${marker}`, user: { login: "other-reviewer[bot]", type: "Bot" } });
    const ours = github.addReviewBy("octo-org", "own", 1, { body: `Ours.\n${marker}`, user: { login: "acme-reviewer[bot]", type: "Bot" } });
    const client = new Octokit({ baseUrl: github.baseUrl, auth: FAKE_GITHUB_TOKEN }) as unknown as GithubClient;
    const found = await listOwnReviews(client, { owner: "octo-org", repo: "own", pullNumber: 1 }, appBotLogin("acme-reviewer"));
    expect(found.map((review) => review.id)).toEqual([ours.id]);
    expect(found.map((review) => review.id)).not.toContain(foreign.id);
    expect(github.unexpected).toEqual([]);
  });
});
