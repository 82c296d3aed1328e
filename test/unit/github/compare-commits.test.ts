import { Octokit } from "@octokit/rest";
import { afterEach, describe, expect, it } from "vitest";
import type { GithubClient } from "../../../src/github/github-client.js";
import { changesSince } from "../../../src/github/compare-commits.js";
import { FAKE_GITHUB_TOKEN, startGithubFake, type GithubFake } from "../../fakes/github-fake.js";
import { createGitRepo, setLine, type GitRepo } from "../../support/git-repo.js";

const REPO = { owner: "octo-org", repo: "compare" };
const FILE = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join("\n") + "\n";

let fake: GithubFake;
let git: GitRepo;

async function start(limits: { compareCommits?: number } = {}): Promise<GithubClient> {
  fake = await startGithubFake({ limits });
  git = createGitRepo({ "app.js": FILE });
  fake.useGitHistory(REPO.owner, REPO.repo, git);
  return new Octokit({ baseUrl: fake.baseUrl, auth: FAKE_GITHUB_TOKEN }) as unknown as GithubClient;
}

afterEach(async () => {
  expect(fake.unexpected).toEqual([]);
  await fake.close();
  git.remove();
});

describe("changesSince", () => {
  it("lists the files of a fast-forward, and none for the same commit", async () => {
    const client = await start();
    const reviewed = git.commit("feature", setLine("app.js", 2, "two"));
    const head = git.commit("feature", setLine("app.js", 9, "nine"));
    const changes = await changesSince(client, REPO, reviewed, head);
    expect(changes.complete && changes.files.map((file) => [file.filename, file.patch?.includes("+nine")])).toEqual([["app.js", true]]);
    expect(await changesSince(client, REPO, head, head)).toEqual({ complete: true, files: [] });
  });

  it("is incomplete after a force push (diverged) and for a commit GitHub does not have (404)", async () => {
    const client = await start();
    const dropped = git.commit("feature", setLine("app.js", 2, "two"));
    git.reset("feature", "main");
    const head = git.commit("feature", setLine("app.js", 3, "three"));
    expect(await changesSince(client, REPO, dropped, head)).toMatchObject({ complete: false, reason: expect.stringContaining("diverged") });
    expect(await changesSince(client, REPO, "e".repeat(40), head)).toMatchObject({ complete: false, reason: expect.stringContaining("404") });
  });

  it("is incomplete when GitHub listed fewer commits than the comparison holds", async () => {
    const client = await start({ compareCommits: 2 });
    const reviewed = git.commit("feature", setLine("app.js", 2, "two"));
    for (const line of [4, 6, 8]) git.commit("feature", setLine("app.js", line, `changed ${line}`));
    const changes = await changesSince(client, REPO, reviewed, git.sha("feature"));
    expect(changes).toEqual({ complete: false, reason: "the comparison holds 3 commits and GitHub listed 2" });
  });
});
