import { generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Octokit } from "@octokit/rest";
import { Probot } from "probot";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  COMMIT_NOT_IN_PULL,
  FAKE_GITHUB_TOKEN,
  LINE_NOT_IN_DIFF,
  PATH_NOT_RESOLVED,
  START_LINE_NOT_IN_HUNK,
  githubFaults,
  startGithubFake,
  type GithubFake,
} from "../../fakes/github-fake.js";

const FIXTURES = fileURLToPath(new URL("../../fixtures/diffs/", import.meta.url));
const fixture = (name: string) => readFileSync(`${FIXTURES}${name}`, "utf8");

/**
 * Eight files from real git output: parse.js (3 hunks), .node-version, .nvmrc, two binaries, index.js,
 * a pure rename and a deleted file.
 */
const DIFF = ["multi-hunk.diff", "one-line-file.diff", "binary-file.diff", "rename-pure.diff", "deleted-file.diff"].map(fixture).join("");
const OWNER = "octo-org";
const REPO = "widgets";
const HEAD = "a".repeat(40);
const PR = { owner: OWNER, repo: REPO, pull_number: 7 };

let fake: GithubFake;
let octokit: Octokit;

/** GitHub's error body, as Octokit's RequestError carries it. */
interface HttpFailure {
  status: number;
  response: {
    data: { message: string; errors?: (string | Record<string, unknown>)[]; documentation_url?: string; status?: string };
    headers: Record<string, string>;
  };
}

async function failure(promise: Promise<unknown>): Promise<HttpFailure> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toHaveProperty("status");
  return error as HttpFailure;
}

beforeEach(async () => {
  fake = await startGithubFake();
  fake.addPullRequest({ owner: OWNER, repo: REPO, number: 7, diff: DIFF, headSha: HEAD, title: "Parse CRLF", user: "alice" });
  octokit = new Octokit({ baseUrl: fake.baseUrl, auth: FAKE_GITHUB_TOKEN });
});

afterEach(async () => {
  await fake.close();
});

describe("pull requests", () => {
  it("serves a PR as GitHub's JSON", async () => {
    const { data } = await octokit.rest.pulls.get(PR);

    expect(data).toMatchObject({
      number: 7,
      state: "open",
      draft: false,
      title: "Parse CRLF",
      user: { login: "alice", type: "User" },
      head: { sha: HEAD, ref: "feature-7" },
      base: { ref: "main" },
      html_url: `${fake.url}/${OWNER}/${REPO}/pull/7`,
      changed_files: 8,
    });
    expect(fake.unexpected).toEqual([]);
  });

  it("serves the diff text for the diff media type", async () => {
    const { data } = await octokit.rest.pulls.get({ ...PR, mediaType: { format: "diff" } });

    expect(data).toBe(DIFF);
    expect(fake.requests.at(-1)?.headers.accept).toBe("application/vnd.github.v3.diff");
  });

  it.each([
    [{ diffLines: 40 }, "Sorry, the diff exceeded the maximum number of lines (40)"],
    [{ diffFiles: 5 }, "Sorry, the diff exceeded the maximum number of files (5). Consider using 'List pull requests files' API or locally cloning the repository instead."],
  ])("answers 406 too_large over the limit %j", async (limits, message) => {
    const limited = await startGithubFake({ limits });
    try {
      limited.addPullRequest({ owner: OWNER, repo: REPO, number: 7, diff: DIFF });
      const client = new Octokit({ baseUrl: limited.baseUrl, auth: FAKE_GITHUB_TOKEN });

      const error = await failure(client.rest.pulls.get({ ...PR, mediaType: { format: "diff" } }));

      expect(error.status).toBe(406);
      expect(error.response.data).toMatchObject({ message, errors: [{ resource: "PullRequest", field: "diff", code: "too_large" }], status: "406" });
      // The JSON representation and the file list still work, as on GitHub.
      await expect(client.rest.pulls.get(PR)).resolves.toMatchObject({ status: 200 });
      expect(limited.unexpected).toEqual([]);
    } finally {
      await limited.close();
    }
  });

  it("paginates the file list with a Link header", async () => {
    const files = await octokit.paginate(octokit.rest.pulls.listFiles, { ...PR, per_page: 3 });

    expect(files.map((file) => [file.filename, file.status, file.additions, file.deletions, file.patch !== undefined, file.previous_filename])).toEqual([
      ["parse.js", "modified", 3, 3, true, undefined],
      [".node-version", "added", 1, 0, true, undefined],
      [".nvmrc", "modified", 1, 1, true, undefined],
      ["assets/favicon.ico", "added", 0, 0, false, undefined],
      ["docs/demo.png", "modified", 0, 0, false, undefined],
      ["index.js", "modified", 1, 1, true, undefined],
      ["LICENSE.md", "renamed", 0, 0, false, "LICENSE"],
      ["index.d.ts", "removed", 0, 53, true, undefined],
    ]);
    expect(files[0]?.patch?.startsWith("@@ -2,7 +2,7 @@")).toBe(true);
    const pages = fake.requests.filter((request) => request.path === `/repos/${OWNER}/${REPO}/pulls/7/files`);
    expect(pages.map((request) => request.query.page ?? "1")).toEqual(["1", "2", "3"]);
  });
});

describe("creating reviews", () => {
  const review = (comments: object[], extra: object = {}) =>
    octokit.rest.pulls.createReview({ ...PR, commit_id: HEAD, event: "COMMENT", body: "Summary", comments: comments as never, ...extra });

  it("accepts comments on added, deleted and context lines, single and multi-line, and stores them as the bot", async () => {
    const { status, data } = await review([
      { path: "parse.js", line: 5, side: "RIGHT", body: "added line" },
      { path: "parse.js", line: 5, side: "LEFT", body: "deleted line" },
      { path: "parse.js", start_line: 2, line: 5, side: "RIGHT", body: "range" },
      { path: "parse.js", start_line: 234, start_side: "LEFT", line: 235, side: "RIGHT", body: "range across sides" },
      { path: "parse.js", line: 230, body: "side defaults to RIGHT" },
      { path: ".nvmrc", line: 1, side: "RIGHT", body: "one-line hunk" },
      { path: "index.d.ts", line: 1, side: "LEFT", body: "deleted file" },
      { path: "parse.js", position: 4, body: "legacy position" },
    ]);

    expect(status).toBe(200);
    expect(data).toMatchObject({ state: "COMMENTED", body: "Summary", commit_id: HEAD, user: { login: "codex-review[bot]", type: "Bot" } });
    const [stored] = fake.reviews(OWNER, REPO, 7);
    expect(stored?.comments.map((comment) => [comment.path, comment.start_line, comment.line, comment.side])).toEqual([
      ["parse.js", null, 5, "RIGHT"],
      ["parse.js", null, 5, "LEFT"],
      ["parse.js", 2, 5, "RIGHT"],
      ["parse.js", 234, 235, "RIGHT"],
      ["parse.js", null, 230, "RIGHT"],
      [".nvmrc", null, 1, "RIGHT"],
      ["index.d.ts", null, 1, "LEFT"],
      ["parse.js", null, 5, "LEFT"],
    ]);
    expect(stored?.comments[0]?.diff_hunk.split("\n").at(-1)).toBe('+  const lines = input.split(/\\r?\\n/);');
    const listed = await octokit.rest.pulls.listReviews(PR);
    expect(listed.data.map((item) => item.id)).toEqual([data.id]);
    expect(fake.unexpected).toEqual([]);
  });

  it.each([
    ["a line outside every hunk", { path: "parse.js", line: 50, body: "x" }, LINE_NOT_IN_DIFF],
    ["the line above the first hunk", { path: "parse.js", line: 1, body: "x" }, LINE_NOT_IN_DIFF],
    ["LEFT on a line number only the new side has", { path: ".node-version", line: 1, side: "LEFT", body: "x" }, LINE_NOT_IN_DIFF],
    ["RIGHT on a deleted file", { path: "index.d.ts", line: 1, side: "RIGHT", body: "x" }, LINE_NOT_IN_DIFF],
    ["a binary file", { path: "docs/demo.png", line: 1, body: "x" }, LINE_NOT_IN_DIFF],
    ["a pure rename", { path: "LICENSE.md", line: 1, body: "x" }, LINE_NOT_IN_DIFF],
    ["a file outside the diff", { path: "src/missing.ts", line: 1, body: "x" }, PATH_NOT_RESOLVED],
    ["the old path of a rename", { path: "LICENSE", line: 1, body: "x" }, PATH_NOT_RESOLVED],
    ["a range across hunks", { path: "parse.js", start_line: 2, line: 102, body: "x" }, START_LINE_NOT_IN_HUNK],
    ["a range that ends before it starts", { path: "parse.js", start_line: 5, line: 3, body: "x" }, START_LINE_NOT_IN_HUNK],
    ["a position on a hunk header", { path: "parse.js", position: 9, body: "x" }, LINE_NOT_IN_DIFF],
  ])("rejects %s with GitHub's 422 and stores nothing", async (_name, comment, reason) => {
    const error = await failure(review([{ path: "parse.js", line: 5, body: "valid" }, comment]));

    expect(error.status).toBe(422);
    expect(error.response.data).toEqual({
      message: "Unprocessable Entity",
      errors: [reason],
      documentation_url: "https://docs.github.com/rest/pulls/reviews#create-a-review-for-a-pull-request",
      status: "422",
    });
    expect(fake.reviews(OWNER, REPO, 7)).toEqual([]);
    expect(fake.unexpected).toEqual([]);
  });

  it("joins several reasons like GitHub", async () => {
    const error = await failure(
      review([
        { path: "parse.js", line: 50, body: "x" },
        { path: "nope.js", line: 1, body: "x" },
      ]),
    );

    expect(error.response.data.errors).toEqual([`${LINE_NOT_IN_DIFF} and ${PATH_NOT_RESOLVED}`]);
  });

  it("rejects a commit_id that is not the PR head", async () => {
    const error = await failure(review([], { commit_id: "b".repeat(40) }));

    expect(error.status).toBe(422);
    expect(error.response.data.errors).toEqual([COMMIT_NOT_IN_PULL]);
    expect(fake.reviews(OWNER, REPO, 7)).toEqual([]);
  });

  it("rejects an unknown event as an invalid request", async () => {
    const error = await failure(review([], { event: "LGTM" }));

    expect(error.status).toBe(422);
    expect(error.response.data.message).toMatch(/^Invalid request\.\n\nFor 'properties\/event'/);
  });
});

describe("comments, reactions, permissions and check runs", () => {
  it("posts and lists issue comments and reacts to a human's comment", async () => {
    const request = fake.addIssueComment(OWNER, REPO, 7, { body: "@codex-review review", user: "bob" });

    const reaction = await octokit.rest.reactions.createForIssueComment({ owner: OWNER, repo: REPO, comment_id: request.id, content: "eyes" });
    const again = await octokit.rest.reactions.createForIssueComment({ owner: OWNER, repo: REPO, comment_id: request.id, content: "eyes" });
    const posted = await octokit.rest.issues.createComment({ owner: OWNER, repo: REPO, issue_number: 7, body: "On it" });
    const listed = await octokit.rest.issues.listComments({ owner: OWNER, repo: REPO, issue_number: 7 });

    expect([reaction.status, again.status, posted.status]).toEqual([201, 200, 201]);
    expect(posted.data.user).toMatchObject({ login: "codex-review[bot]", type: "Bot" });
    expect(listed.data.map((comment) => [comment.user?.login, comment.body])).toEqual([
      ["bob", "@codex-review review"],
      ["codex-review[bot]", "On it"],
    ]);
    await octokit.rest.issues.updateComment({ owner: OWNER, repo: REPO, comment_id: posted.data.id, body: "Done" });
    expect(fake.issueComments(OWNER, REPO, 7).map((comment) => comment.body)).toEqual(["@codex-review review", "Done"]);
    expect(fake.unexpected).toEqual([]);
  });

  it("validates issue comment bodies and reaction contents", async () => {
    const empty = await failure(octokit.rest.issues.createComment({ owner: OWNER, repo: REPO, issue_number: 7, body: "" }));
    const tooLong = await failure(octokit.rest.issues.createComment({ owner: OWNER, repo: REPO, issue_number: 7, body: "x".repeat(65_537) }));
    const reaction = await failure(
      octokit.request("POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", { owner: OWNER, repo: REPO, comment_id: 1, content: "eyes" }),
    );

    expect([empty.status, tooLong.status]).toEqual([422, 422]);
    expect(tooLong.response.data.errors?.[0]).toMatchObject({ code: "custom", field: "body" });
    expect(reaction.status).toBe(404);
    expect(fake.unexpected.map(({ reason }) => reason)).toEqual(["issue comment 1 is not in the fake"]);
  });

  it.each([
    ["admin", "admin"],
    ["maintain", "write"],
    ["write", "write"],
    ["triage", "read"],
    ["read", "read"],
  ] as const)("reports a %s role as permission %s", async (role, permission) => {
    fake.setPermission(OWNER, REPO, "Bob", role);

    const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({ owner: OWNER, repo: REPO, username: "bob" });

    expect(data).toMatchObject({ permission, role_name: role, user: { login: "bob" } });
  });

  it("reports users never set as permission none", async () => {
    const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({ owner: OWNER, repo: REPO, username: "mallory" });

    expect(data.permission).toBe("none");
  });

  it("creates and completes a check run", async () => {
    const created = await octokit.rest.checks.create({ owner: OWNER, repo: REPO, name: "codex-review", head_sha: HEAD, status: "in_progress" });
    const updated = await octokit.rest.checks.update({
      owner: OWNER,
      repo: REPO,
      check_run_id: created.data.id,
      conclusion: "neutral",
      output: { title: "2 findings", summary: "See the review" },
    });
    const invalid = await failure(octokit.rest.checks.create({ owner: OWNER, repo: REPO, name: "x", head_sha: HEAD, status: "completed" }));

    expect(created.status).toBe(201);
    expect(updated.data).toMatchObject({ status: "completed", conclusion: "neutral", output: { title: "2 findings" } });
    expect(invalid.status).toBe(422);
    expect(fake.checkRuns(OWNER, REPO)).toHaveLength(1);
  });

  it("serves repo files, and a missing one as an ordinary 404", async () => {
    fake.setFile(OWNER, REPO, ".github/codex-review.yml", "exclude: ['*.lock']\n");

    const raw = await octokit.rest.repos.getContent({ owner: OWNER, repo: REPO, path: ".github/codex-review.yml", mediaType: { format: "raw" } });
    const missing = await failure(octokit.rest.repos.getContent({ owner: OWNER, repo: REPO, path: ".github/other.yml" }));

    expect(raw.data).toBe("exclude: ['*.lock']\n");
    expect(missing.status).toBe(404);
    expect(fake.unexpected).toEqual([]);
  });
});

describe("strictness and faults", () => {
  it("records unknown routes, unknown PRs and bad credentials as unexpected", async () => {
    const unknownRoute = await failure(octokit.request("GET /repos/{owner}/{repo}/branches", { owner: OWNER, repo: REPO }));
    const unknownPull = await failure(octokit.rest.pulls.get({ ...PR, pull_number: 99 }));
    const badToken = await failure(new Octokit({ baseUrl: fake.baseUrl, auth: "ghs_wrong" }).rest.pulls.get(PR));

    expect([unknownRoute.status, unknownPull.status, badToken.status]).toEqual([404, 404, 401]);
    expect(unknownRoute.response.data).toMatchObject({ message: "Not Found", status: "404" });
    expect(badToken.response.data).toMatchObject({ message: "Bad credentials" });
    expect(fake.unexpected.map(({ request, reason }) => [request.method, request.path, reason])).toEqual([
      ["GET", `/repos/${OWNER}/${REPO}/branches`, `no route for GET /repos/${OWNER}/${REPO}/branches`],
      ["GET", `/repos/${OWNER}/${REPO}/pulls/99`, `pull request ${OWNER}/${REPO}#99 is not in the fake`],
      ["GET", `/repos/${OWNER}/${REPO}/pulls/7`, "a repository endpoint was called without an installation token the fake issued"],
    ]);
  });

  it("fails the next N matching requests, then answers normally", async () => {
    fake.failNext("POST /repos/:owner/:repo/pulls/:number/reviews", githubFaults.serverError(502, 2));

    const first = await failure(octokit.rest.pulls.createReview({ ...PR, event: "COMMENT", body: "x" }));
    const second = await failure(octokit.rest.pulls.createReview({ ...PR, event: "COMMENT", body: "x" }));
    const third = await octokit.rest.pulls.createReview({ ...PR, event: "COMMENT", body: "x" });

    expect([first.status, second.status, third.status]).toEqual([502, 502, 200]);
    expect(fake.requests.map((request) => request.injected)).toEqual([true, true, false]);
    expect(fake.reviews(OWNER, REPO, 7)).toHaveLength(1);
  });

  it("injects a secondary rate limit with Retry-After", async () => {
    fake.failNext({ method: "GET", path: /\/pulls\/\d+\/files$/ }, githubFaults.secondaryRateLimit(30));

    const error = await failure(octokit.rest.pulls.listFiles(PR));

    expect(error.status).toBe(403);
    expect(error.response.headers["retry-after"]).toBe("30");
    expect(error.response.data.message).toMatch(/secondary rate limit/);
    await expect(octokit.rest.pulls.listFiles(PR)).resolves.toMatchObject({ status: 200 });
  });
});

describe("App authentication", () => {
  it("exchanges a JWT for an installation token through Probot, as GHE_HOST would", async () => {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs1", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
    const probot = new Probot({ appId: 1, privateKey, baseUrl: fake.baseUrl, logLevel: "fatal" });

    const installation = await probot.auth(1);
    const { data } = await installation.rest.pulls.get({ ...PR, mediaType: { format: "diff" } });

    expect(data).toBe(DIFF);
    const [exchange, diff] = fake.requests;
    expect(exchange).toMatchObject({ method: "POST", path: "/app/installations/1/access_tokens", status: 201 });
    expect(exchange?.headers.authorization).toMatch(/^bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    expect(diff?.headers.authorization).toBe(`token ${fake.state.issuedTokens[0]?.token}`);
    expect(fake.unexpected).toEqual([]);
  });

  it("refuses an App endpoint without a JWT", async () => {
    const error = await failure(octokit.request("POST /app/installations/{installation_id}/access_tokens", { installation_id: 1 }));

    expect(error.status).toBe(401);
    expect(fake.unexpected).toHaveLength(1);
  });

  it.each([
    ["expired", { iat: -660, exp: -60 }, /'Expiration time' claim \('exp'\) must be a numeric value representing the future time/],
    ["living over 10 minutes", { iat: -30, exp: 600 }, /'Expiration time' claim \('exp'\) is too far in the future/],
    ["issued in the future", { iat: 120, exp: 600 }, /'Issued at' claim \('iat'\) must be an Integer/],
  ])("refuses a JWT %s with GitHub's message", async (_kind, offsets, message) => {
    const now = Math.floor(Date.now() / 1000);
    const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString("base64url");
    const jwt = `${encode({ alg: "RS256", typ: "JWT" })}.${encode({ iss: 1, iat: now + offsets.iat, exp: now + offsets.exp })}.c2ln`;
    const response = await fetch(`${fake.baseUrl}/app/installations/1/access_tokens`, { method: "POST", headers: { authorization: `bearer ${jwt}` } });

    expect(response.status).toBe(401);
    expect(((await response.json()) as { message: string }).message).toMatch(message);
    expect(fake.unexpected).toHaveLength(1);
  });
});

describe("finding by commit", () => {
  it("lists a ref's check runs newest first, filtered by name, status and app, with `filter=latest` by default", async () => {
    const first = await octokit.rest.checks.create({ owner: OWNER, repo: REPO, name: "codex-review", head_sha: HEAD, status: "in_progress" });
    await octokit.rest.checks.update({ owner: OWNER, repo: REPO, check_run_id: first.data.id, conclusion: "failure" });
    const second = await octokit.rest.checks.create({ owner: OWNER, repo: REPO, name: "codex-review", head_sha: HEAD, status: "in_progress" });
    await octokit.rest.checks.create({ owner: OWNER, repo: REPO, name: "lint", head_sha: HEAD, status: "queued" });
    const latest = await octokit.rest.checks.listForRef({ owner: OWNER, repo: REPO, ref: HEAD, check_name: "codex-review" });
    expect(latest.data.check_runs.map((run) => run.id)).toEqual([second.data.id]);
    const all = await octokit.rest.checks.listForRef({ owner: OWNER, repo: REPO, ref: HEAD, check_name: "codex-review", filter: "all" });
    expect(all.data).toMatchObject({ total_count: 2 });
    expect(all.data.check_runs.map((run) => [run.id, run.status, run.app?.slug])).toEqual([
      [second.data.id, "in_progress", "codex-review"],
      [first.data.id, "completed", "codex-review"],
    ]);
    const open = await octokit.rest.checks.listForRef({ owner: OWNER, repo: REPO, ref: HEAD, status: "in_progress", filter: "all" });
    expect(open.data.check_runs.map((run) => run.id)).toEqual([second.data.id]);
    expect((await octokit.rest.checks.listForRef({ owner: OWNER, repo: REPO, ref: "c".repeat(40) })).data.total_count).toBe(0);
    expect((await failure(octokit.rest.checks.listForRef({ owner: OWNER, repo: REPO, ref: HEAD, status: "done" as never }))).status).toBe(422);
  });

  it("lists open pull requests, forks' included with their head in the fork", async () => {
    fake.addPullRequest({ owner: OWNER, repo: REPO, number: 8, diff: DIFF, headSha: "d".repeat(40), fork: "forker", headRef: "patch-1" });
    fake.addPullRequest({ owner: OWNER, repo: REPO, number: 9, diff: DIFF, state: "closed" });
    const { data } = await octokit.rest.pulls.list({ owner: OWNER, repo: REPO, state: "open", sort: "updated", direction: "desc", per_page: 100 });
    expect(data.map((pull) => [pull.number, pull.head.sha, pull.head.label, pull.head.repo?.full_name])).toEqual([
      [8, "d".repeat(40), "forker:patch-1", `forker/${REPO}`],
      [7, HEAD, `${OWNER}:feature-7`, `${OWNER}/${REPO}`],
    ]);
    const byHead = await octokit.rest.pulls.list({ owner: OWNER, repo: REPO, head: "forker:patch-1" });
    expect(byHead.data.map((pull) => pull.number)).toEqual([8]);
    expect((await octokit.rest.pulls.list({ owner: OWNER, repo: REPO, state: "all" })).data).toHaveLength(3);
  });

  it("answers the next N reads of a PR with an older head while a replica lags (`lagHead`), then the real one", async () => {
    const old = "e".repeat(40);
    fake.lagHead(OWNER, REPO, 7, { sha: old, reads: 2 });
    const read = async () => (await octokit.rest.pulls.get(PR)).data.head.sha;
    // GitHub Enterprise's GraphQL endpoint is /api/graphql (not under /api/v3); the answer carries an error about the missing `.github` repo.
    const graphqlRead = async () => {
      const response = await fetch(`${fake.url}/api/graphql`, {
        method: "POST",
        headers: { authorization: `token ${FAKE_GITHUB_TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ query: "query ReviewContext($owner: String!, $repo: String!, $number: Int!) { repository(owner: $owner, name: $repo) { pullRequest(number: $number) { headRefOid } } }", variables: { owner: OWNER, repo: REPO, number: 7 } }),
      });
      return ((await response.json()) as { data: { repository: { pullRequest: { headRefOid: string } } } }).data.repository.pullRequest.headRefOid;
    };
    expect(await read()).toBe(old);
    expect(await graphqlRead()).toBe(old);
    expect(await read()).toBe(HEAD);
    expect(await graphqlRead()).toBe(HEAD);
  });
});
