import { Octokit } from "@octokit/rest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { GithubClient } from "../../../src/github/github-client.js";
import { loadReviewContext } from "../../../src/github/review-context.js";
import { readReviewThreads } from "../../../src/github/review-threads.js";
import { renderFindingMarker } from "../../../src/review/finding-marker.js";
import { readThumbsDownReactors } from "../../../src/github/thumbs-down-reactors.js";
import { readOwnThreads } from "../../../src/worker/read-pull-findings.js";
import { FAKE_GITHUB_TOKEN, startGithubFake, type GithubFake } from "../../fakes/github-fake.js";
import { createGitRepo, setLine, type GitRepo } from "../../support/git-repo.js";

const OWNER = "octo-org";
const REPO = "threads";
const REF = { owner: OWNER, repo: REPO, pullNumber: 1 };
const FILE = Array.from({ length: 40 }, (_, i) => `line ${i + 1}`).join("\n") + "\n";

let fake: GithubFake;
let git: GitRepo;
let octokit: Octokit;

beforeEach(async () => {
  fake = await startGithubFake();
  git = createGitRepo({ "a.txt": FILE });
  fake.useGitHistory(OWNER, REPO, git);
  git.commit("feature", (files) => files.set("a.txt", FILE.replace("line 5\n", "line 5 changed\n").replace("line 30\n", "line 30 changed\n")));
  fake.addPullRequest({ owner: OWNER, repo: REPO, number: 1, branches: { base: "main", head: "feature" } });
  octokit = new Octokit({ baseUrl: fake.baseUrl, auth: FAKE_GITHUB_TOKEN });
  octokit.graphql = octokit.graphql.defaults({ baseUrl: fake.url, url: "/api/graphql" });
});

afterEach(async () => {
  await fake.close();
  git.remove();
});

async function postReview(lines: number[], body = (line: number) => `finding at ${line}`) {
  await octokit.rest.pulls.createReview({
    owner: OWNER,
    repo: REPO,
    pull_number: 1,
    commit_id: git.sha("feature"),
    event: "COMMENT",
    body: "review",
    comments: lines.map((line) => ({ path: "a.txt", line, side: "RIGHT", body: body(line) })),
  });
}

const client = (): GithubClient => octokit as unknown as GithubClient;

describe("the GitHub fake's review threads", () => {
  it("follows a commented line through later commits, and marks it outdated once a commit changes it", async () => {
    await postReview([5, 30]);
    git.commit("feature", (files) => files.set("a.txt", `new first line\n${files.get("a.txt")!.replace("line 5 changed\n", "line 5 fixed\n")}`));
    const threads = fake.reviewThreads(OWNER, REPO, 1);
    expect(threads.map((thread) => [thread.isOutdated, thread.line])).toEqual([
      [true, null],
      [false, 31],
    ]);
    // The app's read of them: the same, through the ReviewContext query.
    const context = await loadReviewContext(client(), REF, "codex-review[bot]");
    expect(context.threads.nodes.map((node) => [node?.isOutdated, node?.line, node?.originalLine])).toEqual([
      [true, null, 5],
      [false, 31, 30],
    ]);
  });

  it("pages threads with GitHub's cursors, and the app reads every page", async () => {
    await postReview([5, 30]);
    await postReview([5]);
    const firstPage = (await octokit.graphql<{ repository: { pullRequest: { reviewThreads: never } } }>(
      `query ReviewThreads($owner: String!, $repo: String!, $number: Int!) { repository(owner: $owner, name: $repo) { pullRequest(number: $number) {
        reviewThreads(first: 1) { pageInfo { hasNextPage endCursor } nodes { id isResolved isOutdated path line originalLine resolvedBy { login }
          comments(first: 30) { nodes { id databaseId body url authorAssociation author { __typename login } reactionGroups { content users { totalCount } } } } } } } } }`,
      { owner: OWNER, repo: REPO, number: 1 },
    )).repository.pullRequest.reviewThreads;
    const threads = await readReviewThreads(client(), REF, firstPage, "codex-review[bot]");
    expect(threads.map((thread) => [thread.line, thread.comments[0]?.body, thread.comments[0]?.fromApp])).toEqual([
      [5, "finding at 5", true],
      [30, "finding at 30", true],
      [5, "finding at 5", true],
    ]);
    expect(fake.unexpected).toEqual([]);
  });

  it("answers an invalid document as GitHub does, and records it", async () => {
    await expect(octokit.graphql("query { repository(owner: \"o\", name: \"r\") { pullRequest(number: 1) { reviewThreads { nodes { isResolvedd } } } } }")).rejects.toThrow(/isResolvedd/);
    expect(fake.unexpected.map((entry) => entry.reason)).toEqual([expect.stringContaining("invalid against GitHub's schema")]);
    fake.unexpected.length = 0;
  });

  it("resolves threads in one document, and answers NOT_FOUND for a thread that does not exist", async () => {
    await postReview([5]);
    const [thread] = fake.reviewThreads(OWNER, REPO, 1);
    const reply = octokit.graphql(
      `mutation ResolveThreads($t0: ID!, $t1: ID!) { t0: resolveReviewThread(input: { threadId: $t0 }) { thread { id isResolved } } t1: resolveReviewThread(input: { threadId: $t1 }) { thread { id isResolved } } }`,
      { t0: thread!.id, t1: "PRRT_nothing" },
    );
    await expect(reply).rejects.toMatchObject({ data: { t0: { thread: { id: thread!.id, isResolved: true } }, t1: null }, errors: [expect.objectContaining({ type: "NOT_FOUND", path: ["t1"] })] });
    expect(fake.reviewThreads(OWNER, REPO, 1)[0]).toMatchObject({ isResolved: true, resolvedBy: null });
    fake.resolveThreadAs(OWNER, REPO, 1, thread!.rootCommentId, "mia", false);
    expect(fake.reviewThreads(OWNER, REPO, 1)[0]).toMatchObject({ isResolved: false });
  });

  // A contested finding gathers a discussion; the reply that dismisses it, or our fix reply, can come
  // after the 30th comment. GitHub returns `first: 30` and not one more.
  it("pages a thread's comments past the first 30, and the app reads them all", async () => {
    await postReview([5]);
    const rootId = fake.reviewThreads(OWNER, REPO, 1)[0]!.rootCommentId;
    for (let i = 1; i <= 34; i++) fake.addReviewReply(OWNER, REPO, 1, rootId, { body: `discussion ${i}`, user: i % 2 ? "octocat" : "hubot" });
    fake.addReviewReply(OWNER, REPO, 1, rootId, { body: "won't fix: by design", user: "octocat" });

    const context = await loadReviewContext(client(), REF, "codex-review[bot]");
    // The fake cuts the page as GitHub does.
    expect(context.threads.nodes[0]!.comments.nodes).toHaveLength(30);
    const [thread] = await readReviewThreads(client(), REF, context.threads, "codex-review[bot]");
    expect(thread!.comments).toHaveLength(36);
    expect(thread!.comments[0]).toMatchObject({ body: "finding at 5", fromApp: true });
    expect(thread!.comments.at(-1)).toMatchObject({ body: "won't fix: by design", fromPerson: true });
    expect(fake.unexpected).toEqual([]);
  });

  // Only writers dismiss (dismissal-authority.ts): the app reads each comment's author association and
  // who gave the 👎s, and looks up the write access of those people alone.
  it("answers each comment's authorAssociation from the permission table, on every page, and who gave a comment's 👎s", async () => {
    fake.setPermission(OWNER, REPO, "maintainer-mia", "write");
    fake.setPermission(OWNER, REPO, "reader-rita", "read");
    await postReview([5]);
    const rootId = fake.reviewThreads(OWNER, REPO, 1)[0]!.rootCommentId;
    for (const user of ["fork-fred", "reader-rita", "maintainer-mia"]) fake.reactToReviewComment(OWNER, REPO, 1, rootId, "-1", user);
    fake.reactToReviewComment(OWNER, REPO, 1, rootId, "+1", "octocat");
    for (let i = 1; i <= 30; i++) fake.addReviewReply(OWNER, REPO, 1, rootId, { body: `discussion ${i}`, user: "fork-fred" });
    for (const user of [OWNER, "maintainer-mia", "reader-rita", "fork-fred"]) fake.addReviewReply(OWNER, REPO, 1, rootId, { body: "won't fix", user });

    const context = await loadReviewContext(client(), REF, "codex-review[bot]");
    const [thread] = await readReviewThreads(client(), REF, context.threads, "codex-review[bot]");
    const root = thread!.comments[0]!;
    expect(root).toMatchObject({ thumbsDown: 3, thumbsDownBy: [], association: "NONE" });
    // The last four came through the ThreadComments page.
    expect(thread!.comments.slice(-4).map((comment) => [comment.author, comment.association])).toEqual([
      [OWNER, "OWNER"],
      ["maintainer-mia", "COLLABORATOR"],
      ["reader-rita", "COLLABORATOR"],
      ["fork-fred", "NONE"],
    ]);
    // Who reacted, oldest first; an id that names no comment is left out, as GitHub answers NOT_FOUND for it.
    const reactors = await readThumbsDownReactors(client(), [root.nodeId, "PRRC_gone"]);
    expect([...reactors]).toEqual([[root.nodeId, ["fork-fred", "reader-rita", "maintainer-mia"]]]);
    expect(fake.unexpected).toEqual([]);
  });

  it("reads who gave 👎s and looks up write access once per person who dismissed, and not at all when nobody did", async () => {
    fake.setPermission(OWNER, REPO, "maintainer-mia", "write");
    fake.setPermission(OWNER, REPO, "reader-rita", "read");
    // Findings of ours: only their threads are looked at.
    await postReview([5, 30], (line) => `finding at ${line}\n\n${renderFindingMarker({ fingerprint: `abcdef000${line % 10}`, severity: "P1", headSha: git.sha("feature") })}`);
    const cache = new Map<string, Promise<boolean>>();
    const read = async () => readOwnThreads(client(), REF, await loadReviewContext(client(), REF, "codex-review[bot]"), "codex-review[bot]", git.sha("feature"), cache);
    const lookups = () => fake.requests.filter((request) => request.path.endsWith("/permission")).map((request) => request.path.split("/").at(-2));
    const reactorReads = () => fake.requests.filter((request) => String((request.body as { query?: string } | undefined)?.query ?? "").startsWith("query ThumbsDownReactors"));

    expect((await read()).map((own) => own.state)).toEqual(["open", "open"]);
    expect([lookups(), reactorReads()]).toEqual([[], []]);

    const [first, second] = fake.reviewThreads(OWNER, REPO, 1);
    fake.reactToReviewComment(OWNER, REPO, 1, first!.rootCommentId, "-1", "reader-rita");
    fake.reactToReviewComment(OWNER, REPO, 1, second!.rootCommentId, "-1", "reader-rita");
    fake.addReviewReply(OWNER, REPO, 1, second!.rootCommentId, { body: "false positive", user: "reader-rita" });
    fake.addReviewReply(OWNER, REPO, 1, first!.rootCommentId, { body: "won't fix", user: "maintainer-mia" });
    fake.addReviewReply(OWNER, REPO, 1, first!.rootCommentId, { body: "won't fix", user: "fork-fred" });
    fake.resolveThreadAs(OWNER, REPO, 1, second!.rootCommentId, "fork-fred");
    expect((await read()).map((own) => own.state)).toEqual(["dismissed", "open"]);
    // fork-fred's reply (no association) needs no lookup; their resolution does. Both 👎s in one read.
    expect(lookups().sort()).toEqual(["fork-fred", "maintainer-mia", "reader-rita"]);
    expect(reactorReads()).toHaveLength(1);
    // Again in the same job: no lookup is repeated.
    await read();
    expect(lookups()).toHaveLength(3);

    expect(fake.unexpected).toEqual([]);
  });
});
