import { Octokit } from "@octokit/rest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FAKE_GITHUB_TOKEN, startGithubFake, type GithubFake } from "../../fakes/github-fake.js";
import { allOf, createGitRepo, setLine, type GitRepo } from "../../support/git-repo.js";

const OWNER = "octo-org";
const REPO = "history";
const FILE = Array.from({ length: 40 }, (_, i) => `line ${i + 1}`).join("\n") + "\n";

let fake: GithubFake;
let git: GitRepo;
let octokit: Octokit;

async function start(limits?: { compareFiles?: number; compareCommits?: number }) {
  fake = await startGithubFake(limits ? { limits } : {});
  git = createGitRepo({ "app.js": FILE, "README.md": "# History\n" });
  fake.useGitHistory(OWNER, REPO, git);
  octokit = new Octokit({ baseUrl: fake.baseUrl, auth: FAKE_GITHUB_TOKEN });
}

const compare = (base: string, head: string) => octokit.rest.repos.compareCommitsWithBasehead({ owner: OWNER, repo: REPO, basehead: `${base}...${head}` }).then((response) => response.data);

afterEach(async () => {
  expect(fake.unexpected).toEqual([]);
  await fake.close();
  git.remove();
});

describe("compare over a real git history", () => {
  beforeEach(() => start());

  it("compares from the merge base (three dots): a branch is ahead, and the base's own commits are not listed", async () => {
    const first = git.commit("feature", setLine("app.js", 3, "changed 3"), "Change line 3");
    const second = git.commit("feature", { "src/new.js": "export {};\n" }, "Add a module");
    git.commit("main", setLine("app.js", 30, "main changed 30"), "Main moves on");

    const diverged = await compare("main", "feature");
    expect(diverged).toMatchObject({ status: "diverged", ahead_by: 2, behind_by: 1, total_commits: 2 });
    expect(diverged.commits.map((commit) => commit.sha)).toEqual([first, second]);
    expect(diverged.commits[1]!.commit.message).toBe("Add a module");
    expect(diverged.commits[1]!.parents.map((parent) => parent.sha)).toEqual([first]);
    expect(diverged.merge_base_commit.sha).toBe(git.sha("main~1"));
    expect(diverged.files!.map((file) => [file.filename, file.status])).toEqual([["app.js", "modified"], ["src/new.js", "added"]]);
    expect(diverged.files![0]!.patch).toContain("+changed 3");
    expect(diverged.files![0]!.patch).not.toContain("main changed 30");

    expect(await compare(first, "feature")).toMatchObject({ status: "ahead", ahead_by: 1, behind_by: 0, total_commits: 1 });
    expect(await compare("feature", first)).toMatchObject({ status: "behind", ahead_by: 0, behind_by: 1, total_commits: 0, commits: [] });
    expect(await compare(second, second)).toMatchObject({ status: "identical", ahead_by: 0, behind_by: 0, files: [] });
  });

  it("lists what a merge of the base brought in, with the merge commit's two parents", async () => {
    const reviewed = git.commit("feature", setLine("app.js", 3, "changed 3"));
    git.commit("main", allOf(setLine("app.js", 30, "main changed 30"), { "docs/guide.md": "Guide\n" }));
    const merge = git.merge("feature", "main");
    const since = await compare(reviewed, merge);
    expect(since).toMatchObject({ status: "ahead", ahead_by: 2, total_commits: 2 });
    expect(since.commits.at(-1)!.parents.map((parent) => parent.sha)).toEqual([reviewed, git.sha("main")]);
    expect(since.files!.map((file) => file.filename).sort()).toEqual(["app.js", "docs/guide.md"]);
  });

  it("answers 404 for a commit it does not have, and diverged for one a force-push dropped", async () => {
    const dropped = git.commit("feature", setLine("app.js", 3, "changed 3"));
    git.reset("feature", "main");
    git.commit("feature", setLine("app.js", 4, "changed 4"));
    expect(await compare(dropped, "feature")).toMatchObject({ status: "diverged", ahead_by: 1, behind_by: 1 });
    const missing = await compare("f".repeat(40), "feature").catch((error: { status: number }) => error);
    expect(missing).toMatchObject({ status: 404 });
  });

  it("serves a pull request that follows its branches: head, base and a diff from the merge base", async () => {
    git.commit("feature", setLine("app.js", 3, "changed 3"));
    fake.addPullRequest({ owner: OWNER, repo: REPO, number: 1, branches: { base: "main", head: "feature" } });
    git.commit("main", allOf(setLine("app.js", 30, "main changed 30"), { "docs/guide.md": "Guide\n" }));
    const merge = git.merge("feature", "main");

    const pull = await octokit.rest.pulls.get({ owner: OWNER, repo: REPO, pull_number: 1 });
    expect(pull.data.head.sha).toBe(merge);
    expect(pull.data.base.sha).toBe(git.sha("main"));
    const diff = await octokit.rest.pulls.get({ owner: OWNER, repo: REPO, pull_number: 1, mediaType: { format: "diff" } });
    expect(diff.data as unknown as string).toContain("+changed 3");
    expect(diff.data as unknown as string).not.toContain("main changed 30");
    const files = await octokit.rest.pulls.listFiles({ owner: OWNER, repo: REPO, pull_number: 1 });
    expect(files.data.map((file) => file.filename)).toEqual(["app.js"]);
  });
});

describe("a base sha GitHub left behind its branch (staleBase)", () => {
  beforeEach(() => start());

  it("keeps base.sha and baseRefOid while baseRef's target and the PR's diff follow the branch's tip", async () => {
    git.commit("feature", setLine("app.js", 3, "changed 3"));
    fake.addPullRequest({ owner: OWNER, repo: REPO, number: 1, branches: { base: "main", head: "feature" } });
    const recorded = git.sha("main");
    fake.staleBase(OWNER, REPO, 1);
    git.commit("main", setLine("app.js", 30, "main changed 30"));
    git.merge("feature", "main");

    const pull = await octokit.rest.pulls.get({ owner: OWNER, repo: REPO, pull_number: 1 });
    expect(pull.data.base.sha).toBe(recorded);
    const query = `query ReviewContext($owner: String!, $repo: String!, $number: Int!) {
      repository(owner: $owner, name: $repo) { pullRequest(number: $number) { baseRefOid baseRef { target { oid } } } }
    }`;
    const context = (await octokit.graphql(query, { owner: OWNER, repo: REPO, number: 1 }).catch((error: { data?: unknown }) => error.data)) as {
      repository: { pullRequest: { baseRefOid: string; baseRef: { target: { oid: string } } } };
    };
    expect(context.repository.pullRequest).toMatchObject({ baseRefOid: recorded, baseRef: { target: { oid: git.sha("main") } } });
    // The PR's diff is from the merge base of main's tip: main's change is not in it; a compare from the recorded base has it.
    const diff = (await octokit.rest.pulls.get({ owner: OWNER, repo: REPO, pull_number: 1, mediaType: { format: "diff" } })).data as unknown as string;
    expect(diff).toContain("+changed 3");
    expect(diff).not.toContain("main changed 30");
    const fromRecorded = (await octokit.request("GET /repos/{owner}/{repo}/compare/{basehead}", { owner: OWNER, repo: REPO, basehead: `${recorded}...feature`, mediaType: { format: "diff" } })).data as unknown as string;
    expect(fromRecorded).toContain("main changed 30");
  });
});

describe("compare caps", () => {
  it("lists at most compareFiles files and the compareCommits most recent commits, with the true totals", async () => {
    await start({ compareFiles: 2, compareCommits: 2 });
    const shas = [1, 2, 3].map((n) => git.commit("feature", { [`f${n}.js`]: `${n}\n` }));
    const capped = await compare("main", "feature");
    expect(capped).toMatchObject({ status: "ahead", ahead_by: 3, total_commits: 3 });
    expect(capped.commits.map((commit) => commit.sha)).toEqual(shas.slice(1));
    expect(capped.files).toHaveLength(2);
  });
});
