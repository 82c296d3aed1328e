import { symlinkSync } from "node:fs";
import { join } from "node:path";
import { Octokit } from "@octokit/rest";
import { validate } from "@octokit/graphql-schema";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { GithubClient } from "../../../src/github/github-client.js";
import { loadReviewContext } from "../../../src/github/review-context.js";
import { FAKE_GITHUB_TOKEN, startGithubFake, type GithubFake } from "../../fakes/github-fake.js";
import { createGitRepo, type GitRepo } from "../../support/git-repo.js";

const OWNER = "octo-org";
const REPO = "archive";

let fake: GithubFake;
let git: GitRepo;
let octokit: Octokit;
let head: string;

beforeEach(async () => {
  fake = await startGithubFake();
  git = createGitRepo({ "src/app.js": "export const answer = 42;\n", "README.md": "# archive\n" });
  symlinkSync("src/app.js", join(git.dir, "app-link.js"));
  symlinkSync("/etc/passwd", join(git.dir, "passwd"));
  git.git("add", "-A");
  git.git("commit", "-q", "-m", "links");
  head = git.sha("main");
  fake.useGitHistory(OWNER, REPO, git);
  octokit = new Octokit({ baseUrl: fake.baseUrl, auth: FAKE_GITHUB_TOKEN });
});

afterEach(async () => {
  await fake.close();
  git.remove();
});

const status = (promise: Promise<unknown>) => promise.then(() => 200, (error: { status: number }) => error.status);

describe("the GitHub fake's repository archives", () => {
  it("redirects the tarball route to its archive host with a token, which serves git archive's tar.gz", async () => {
    const redirect = await fetch(`${fake.baseUrl}/repos/${OWNER}/${REPO}/tarball/${head}`, { headers: { authorization: `token ${FAKE_GITHUB_TOKEN}` }, redirect: "manual" });
    expect(redirect.status).toBe(302);
    const location = redirect.headers.get("location")!;
    expect(location).toMatch(new RegExp(`^${fake.url}/_codeload/${OWNER}/${REPO}/legacy\\.tar\\.gz/${head}\\?token=\\w+$`));
    const archive = await fetch(location);
    expect(archive.status).toBe(200);
    expect(archive.headers.get("content-type")).toBe("application/x-gzip");
    const bytes = Buffer.from(await archive.arrayBuffer());
    expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(fake.unexpected).toEqual([]);
  });

  it("answers 404 for a commit it does not have, and records an archive asked for without its token", async () => {
    expect(await status(octokit.request("GET /repos/{owner}/{repo}/tarball/{ref}", { owner: OWNER, repo: REPO, ref: "0".repeat(40) }))).toBe(404);
    expect(fake.unexpected).toEqual([]);
    expect((await fetch(`${fake.url}/_codeload/${OWNER}/${REPO}/legacy.tar.gz/${head}`)).status).toBe(404);
    expect(fake.unexpected.map((entry) => entry.reason)).toEqual([expect.stringMatching(/without the token/)]);
    fake.unexpected.length = 0;
  });
});

describe("the GitHub fake's contents at a commit", () => {
  const get = (path: string, more: Record<string, unknown> = {}) =>
    octokit.request("GET /repos/{owner}/{repo}/contents/{path}", { owner: OWNER, repo: REPO, path, ref: head, ...more }).then((response) => response.data as unknown);

  afterEach(() => expect(fake.unexpected).toEqual([]));

  it("serves a file as base64 JSON, or raw bytes under the raw media type", async () => {
    const file = (await get("src/app.js")) as { type: string; encoding: string; size: number; content: string; path: string };
    expect(file).toMatchObject({ type: "file", encoding: "base64", size: 26, path: "src/app.js", name: "app.js" });
    expect(Buffer.from(file.content, "base64").toString("utf8")).toBe("export const answer = 42;\n");
    const raw = await get("src/app.js", { headers: { accept: "application/vnd.github.raw" } });
    expect(Buffer.from(raw as ArrayBuffer).toString("utf8")).toBe("export const answer = 42;\n");
  });

  it("lists a directory, and the root without a path", async () => {
    expect(((await get("src")) as { name: string; type: string }[]).map(({ name, type }) => ({ name, type }))).toEqual([{ name: "app.js", type: "file" }]);
    const root = await octokit.request("GET /repos/{owner}/{repo}/contents", { owner: OWNER, repo: REPO, ref: head });
    expect((root.data as { name: string; type: string }[]).map(({ name, type }) => `${type}:${name}`)).toEqual(["file:README.md", "symlink:app-link.js", "symlink:passwd", "dir:src"]);
  });

  it("answers a symlink inside the repository with its target file, and one outside as a symlink", async () => {
    expect(await get("app-link.js")).toMatchObject({ type: "file", path: "src/app.js" });
    expect(await get("passwd")).toMatchObject({ type: "symlink", target: "/etc/passwd" });
  });

  it("answers GitHub's 404s for a missing path and an unknown ref", async () => {
    await expect(get("nope.js")).rejects.toMatchObject({ status: 404, response: { data: { message: "Not Found" } } });
    await expect(get("src/app.js", { ref: "f".repeat(40) })).rejects.toMatchObject({ status: 404, response: { data: { message: `No commit found for the ref ${"f".repeat(40)}` } } });
  });
});

describe("the review context's repository size", () => {
  it("asks GraphQL for diskUsage in a query GitHub's schema accepts, and reads the fake's answer", async () => {
    fake.addPullRequest({ owner: OWNER, repo: REPO, number: 3, diff: "diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n" });
    const queries: string[] = [];
    const client: GithubClient = {
      request: (route, parameters) => octokit.request(route, parameters) as never,
      graphql: (query, variables) => {
        queries.push(query);
        return octokit.graphql(query, variables);
      },
    };
    expect((await loadReviewContext(client, { owner: OWNER, repo: REPO, pullNumber: 3 }, "codex-review[bot]")).repositorySizeKb).toBeNull();
    fake.state.repos.get(`${OWNER}/${REPO}`)!.diskUsageKb = 2_048;
    expect((await loadReviewContext(client, { owner: OWNER, repo: REPO, pullNumber: 3 }, "codex-review[bot]")).repositorySizeKb).toBe(2_048);
    expect(validate(queries[0]!)).toEqual([]);
  });
});
