import { Octokit } from "@octokit/rest";
import { afterEach, beforeEach, expect, it } from "vitest";
import type { GithubClient } from "../../../src/github/github-client.js";
import { pullHasCommentWith } from "../../../src/github/issue-comments.js";
import { commentOnPullRequest } from "../../../src/github/conversation.js";
import { appBotLogin } from "../../../src/github/own-review-author.js";
import { nothingNewMarker } from "../../../src/review/render-notices.js";
import { FAKE_GITHUB_TOKEN, startGithubFake, type GithubFake } from "../../fakes/github-fake.js";
import { newFileDiff } from "../../support/new-file-diff.js";

const ref = { owner: "octo-org", repo: "notices", pullNumber: 4 };
let fake: GithubFake;
let github: GithubClient;

beforeEach(async () => {
  fake = await startGithubFake();
  fake.addPullRequest({ owner: ref.owner, repo: ref.repo, number: ref.pullNumber, diff: newFileDiff("src/a.ts", 3) });
  github = new Octokit({ baseUrl: fake.baseUrl, auth: FAKE_GITHUB_TOKEN }) as unknown as GithubClient;
});

afterEach(async () => {
  expect(fake.unexpected).toEqual([]);
  await fake.close();
});

it("counts a marker only in the app's own comments: a stranger who pastes it silences nothing", async () => {
  const marker = nothingNewMarker(77);
  fake.addIssueComment(ref.owner, ref.repo, ref.pullNumber, { body: `nothing to see ${marker}`, user: "mallory" });
  expect(await pullHasCommentWith(github, ref, marker, appBotLogin("codex-review"))).toBe(false);
  await commentOnPullRequest(github, ref, `No new changes. ${marker}`);
  expect(await pullHasCommentWith(github, ref, marker, appBotLogin("codex-review"))).toBe(true);
});
