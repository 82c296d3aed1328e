import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startAimlApiFake, type AimlApiFake } from "../fakes/aimlapi-fake.js";
import { completedReply } from "../fakes/aimlapi-replies.js";
import { FAKE_GITHUB_TOKEN, startGithubFake, type GithubFake } from "../fakes/github-fake.js";
import { addPull } from "../support/add-pull.js";
import { expectCleanFakes } from "../support/expect-clean-fakes.js";
import { realSourceFile } from "../support/git-history.js";
import { allOf, createGitRepo, setLine, type GitRepo } from "../support/git-repo.js";
import { FINDING_TITLE, multiHunkDiff, multiHunkModelOutput } from "../support/multi-hunk-review.js";
import { readActionDefinition, runAction, type RunnerContext } from "../support/run-action.js";
import { findingPerAddedLine, isReviewCall, promptInput } from "../support/scripted-model.js";
import { prCommentPayload, pullRequestPayload, type PullTarget } from "../support/webhook-payloads.js";

const OWNER = "octo-org";
const REPO = "hello-world";
/** The login GitHub gives the workflow's token (GITHUB_TOKEN). */
const ACTIONS_BOT = "github-actions[bot]";
const USAGE = { inputTokens: 1_200, outputTokens: 300, usdSpent: 0.0045 };

let github: GithubFake;
let model: AimlApiFake;
let nextPull = 1;
const repos: GitRepo[] = [];

const runner = (): RunnerContext => ({
  token: FAKE_GITHUB_TOKEN,
  apiUrl: github.baseUrl,
  graphqlUrl: `${github.url}/api/graphql`,
  serverUrl: github.url,
  repository: `${OWNER}/${REPO}`,
});
const inputs = () => ({ "aimlapi-key": model.apiKey, "aimlapi-base-url": model.url, "context-mode": "diff" });
const newPull = () => addPull(github, { owner: OWNER, repo: REPO, number: nextPull++, diff: multiHunkDiff });
const modelCalls = () => model.requests.filter((request) => request.path === "/v1/responses").length;
/** REST writes and GraphQL mutations (GraphQL queries are POSTs too). */
const writes = () =>
  github.requests.filter((request) => request.method !== "GET" && !(request.path === "/api/graphql" && !/^\s*mutation\b/.test((request.body as { query: string }).query))).length;

/** A real `pull_request` payload as Actions hands it over: no `installation` (the token is the workflow's). */
function pullEvent(action: string, pull: PullTarget) {
  const payload = pullRequestPayload(action, pull);
  delete payload.installation;
  return { name: "pull_request", payload };
}

function commentEvent(pull: PullTarget, body: string, login: string) {
  const comment = github.addIssueComment(OWNER, REPO, pull.number, { body, user: login });
  const payload = prCommentPayload(pull, { id: comment.id, body, login });
  delete payload.installation;
  return { event: { name: "issue_comment", payload }, comment };
}

beforeAll(async () => {
  // The fake posts as `<slug>[bot]`: with the workflow's token, GitHub shows github-actions[bot].
  github = await startGithubFake({ appSlug: "github-actions" });
  model = await startAimlApiFake({ handler: () => completedReply(multiHunkModelOutput, USAGE) });
  github.setPermission(OWNER, REPO, "maintainer-mia", "write");
  github.setPermission(OWNER, REPO, "reader-rob", "read");
});

afterAll(async () => {
  for (const repo of repos) repo.remove();
  await github?.close();
  await model?.close();
});

afterEach(() => {
  expectCleanFakes({ github, model });
  model.setHandler(() => completedReply(multiHunkModelOutput, USAGE));
});

describe("action.yml", () => {
  it("installs production dependencies in the action's directory, then runs the entry with every input mapped onto the App's env", () => {
    const action = readActionDefinition();
    expect(action.runs.using).toBe("composite");
    const [install, review] = action.runs.steps;
    expect(install!.run).toMatch(/^npm ci --omit=dev\b/);
    expect(install!["working-directory"]).toBe("${{ github.action_path }}");
    expect(review!.id).toBe("review");
    expect(review!.shell).toBe("bash");
    expect(action.inputs["aimlapi-key"]!.required).toBe(true);
    expect(action.inputs["github-token"]!.default).toBe("${{ github.token }}");
    // Composite steps get no INPUT_* variables: every input must reach the entry through the step's env.
    const mapped = Object.values(review!.env ?? {}).map((value) => /^\$\{\{ inputs\.([\w-]+) \}\}$/.exec(value)?.[1]);
    expect(mapped.sort()).toEqual(Object.keys(action.inputs).sort());
  });
});

describe("the Action on pull_request", () => {
  it("posts one review as github-actions[bot], sets its outputs and writes the job summary; a second run on the same head posts nothing", async () => {
    const pull = newPull();
    const first = await runAction(pullEvent("opened", pull), runner(), inputs());
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    const reviews = github.reviews(OWNER, REPO, pull.number);
    expect(reviews).toHaveLength(1);
    expect(reviews[0]!.user.login).toBe(ACTIONS_BOT);
    expect(reviews[0]!.commit_id).toBe(pull.headSha);
    expect(reviews[0]!.comments.map((comment) => comment.body)).toEqual([expect.stringContaining(FINDING_TITLE)]);
    // context-mode: diff reached the App's REVIEW_CONTEXT_MODE: no snapshot of the repository was read.
    expect(github.requests.some((request) => /\/tarball\//.test(request.path))).toBe(false);
    expect(first.outputs).toMatchObject({
      status: "posted",
      p0: "0",
      p1: "1",
      "input-tokens": String(USAGE.inputTokens),
      "output-tokens": String(USAGE.outputTokens),
      cost: "0.0045",
      "review-url": `${github.url}/${OWNER}/${REPO}/pull/${pull.number}#pullrequestreview-${reviews[0]!.id}`,
      "skipped-reason": "",
    });
    expect(JSON.parse(first.outputs["findings-json"]!)).toContainEqual(expect.objectContaining({ severity: "P1", title: FINDING_TITLE }));
    expect(first.summary).toContain(`## codex-review: Review posted on ${OWNER}/${REPO}#${pull.number}`);
    expect(first.summary).toContain(FINDING_TITLE);
    expect(first.summary).toContain("1200 input tokens, 300 output tokens, $0.0045");
    expect(first.stdout).toContain(`codex-review posted a review: ${first.outputs["review-url"]}`);

    const calls = modelCalls();
    const writesBefore = writes();
    const second = await runAction(pullEvent("reopened", pull), runner(), inputs());
    expect(second.code).toBe(0);
    expect(github.reviews(OWNER, REPO, pull.number)).toHaveLength(1);
    expect(modelCalls()).toBe(calls);
    expect(second.outputs.status).toBe("already-posted");
    expect(second.outputs["skipped-reason"]).toMatch(new RegExp(`head ${pull.headSha.slice(0, 7)} was already reviewed`));
    expect(second.outputs.p1).toBe("1");
    expect(second.outputs["input-tokens"]).toBe("0");
    expect(second.stdout).toContain("codex-review posted no review: head");
    expect(second.summary).toContain("Already reviewed");
    // Nothing new on the PR: no review, no comment, no check run.
    expect(github.issueComments(OWNER, REPO, pull.number).filter((comment) => !/codex-review:summary/.test(comment.body))).toEqual([]);
    expect(writes() - writesBefore).toBe(0);
  });

  it("fails with an ::error:: line and posts nothing when the AI/ML API key is missing (a fork's run gets no secrets)", async () => {
    const pull = newPull();
    const run = await runAction(pullEvent("opened", pull), runner(), { ...inputs(), "aimlapi-key": "" });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^::error::codex-review failed: AIMLAPI_KEY is not set/m);
    expect(github.reviews(OWNER, REPO, pull.number)).toHaveLength(0);
  });
});

describe("the Action on a push (pull_request.synchronize)", { timeout: 120_000 }, () => {
  it("reviews only what the push changed since github-actions[bot]'s last review", async () => {
    const repo = "with-history";
    const git = createGitRepo({ "parse.js": realSourceFile(), "README.md": "# Project\n" });
    repos.push(git);
    github.useGitHistory(OWNER, repo, git);
    const reviewPrompts: string[] = [];
    model.setHandler((call) => {
      if (isReviewCall(call)) reviewPrompts.push(promptInput(call));
      return completedReply(findingPerAddedLine(promptInput(call)), USAGE);
    });
    git.commit("feature", allOf(setLine("parse.js", 5, "  const first = 'first change';"), setLine("parse.js", 100, "  const second = 'second change';")));
    const number = nextPull++;
    github.addPullRequest({ owner: OWNER, repo, number, branches: { base: "main", head: "feature" }, title: `Change ${number}` });
    const opened = { owner: OWNER, repo, number, headSha: git.sha("feature"), installationId: github.state.installationId };
    const context = { ...runner(), repository: `${OWNER}/${repo}` };
    const withInputs = { ...inputs(), "resolve-fixed": "false" };

    const first = await runAction(pullEvent("opened", opened), context, withInputs);
    expect(first.code).toBe(0);
    expect(github.reviews(OWNER, repo, number).map((review) => review.comments.map((comment) => comment.line))).toEqual([[5, 100]]);

    git.commit("feature", setLine("parse.js", 200, "  const third = 'third change';"));
    const pushed = { ...opened, headSha: git.sha("feature") };
    const promptsBefore = reviewPrompts.length;
    const second = await runAction(pullEvent("synchronize", pushed), context, withInputs);
    expect(second.code).toBe(0);
    expect(second.outputs.status).toBe("posted");
    const prompts = reviewPrompts.slice(promptsBefore).join("\n");
    expect(prompts).toContain("third change");
    expect(prompts).not.toContain("first change");
    const reviews = github.reviews(OWNER, repo, number);
    expect(reviews.map((review) => review.user.login)).toEqual([ACTIONS_BOT, ACTIONS_BOT]);
    expect(reviews[1]!.commit_id).toBe(pushed.headSha);
    expect(reviews[1]!.comments.map((comment) => comment.line)).toEqual([200]);
    // The PR's open findings: the first review's two and the push's one.
    expect(second.outputs.p1).toBe("3");
  });
});

describe("the Action on issue_comment", () => {
  it("refuses a reader's /codex review with a reply, and runs no review", async () => {
    const pull = newPull();
    const calls = modelCalls();
    const { event } = commentEvent(pull, "/codex review", "reader-rob");
    const run = await runAction(event, runner(), inputs());
    expect(run.code).toBe(0);
    expect(run.outputs.status).toBe("refused");
    expect(run.stdout).toMatch(/^::notice::codex-review posted no review: requester lacks write access/m);
    expect(github.reviews(OWNER, REPO, pull.number)).toHaveLength(0);
    expect(modelCalls()).toBe(calls);
    const replies = github.issueComments(OWNER, REPO, pull.number).filter((comment) => comment.user.login === ACTIONS_BOT);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.body).toMatch(/^@reader-rob /);
  });

  it("runs a writer's /codex review and answers the comment with reactions", async () => {
    const pull = newPull();
    const { event, comment } = commentEvent(pull, "/codex review", "maintainer-mia");
    const run = await runAction(event, runner(), inputs());
    expect(run.code).toBe(0);
    expect(run.outputs.status).toBe("posted");
    const reviews = github.reviews(OWNER, REPO, pull.number);
    expect(reviews).toHaveLength(1);
    expect(reviews[0]!.user.login).toBe(ACTIONS_BOT);
    const reactions = github.requests.filter((request) => request.method === "POST" && request.path.endsWith(`/issues/comments/${comment.id}/reactions`));
    expect(reactions.map((request) => (request.body as { content: string }).content)).toEqual(["eyes", "+1"]);
  });

  it("ignores a comment that is no command, with its reason in the outputs", async () => {
    const pull = newPull();
    const { event } = commentEvent(pull, "Looks good to me", "maintainer-mia");
    const before = github.requests.length;
    const run = await runAction(event, runner(), inputs());
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({ status: "ignored", "skipped-reason": "comment is not a command", p0: "0", cost: "0.0000" });
    expect(github.requests.length).toBe(before);
  });
});
