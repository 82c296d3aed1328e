import { Octokit } from "@octokit/rest";
import pino from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { readAppEnv } from "../../../src/config/env.js";
import type { GithubClient } from "../../../src/github/github-client.js";
import { createResponsesClient } from "../../../src/llm/responses-client.js";
import { createThreadResponder } from "../../../src/llm/thread-responder.js";
import { reviewSettingsFromEnv } from "../../../src/process/review-settings-from-env.js";
import type { CommandJobData } from "../../../src/queue/review-job.js";
import type { RepositoryOpener } from "../../../src/repository/repository-reader.js";
import type { ReviewSettings } from "../../../src/review/review-settings.js";
import { answerQuestion } from "../../../src/worker/answer-question.js";
import { answerThread } from "../../../src/worker/answer-thread.js";
import { createHeldCheckRuns } from "../../../src/queue/held-check-runs.js";
import { createRepoReviewBudget } from "../../../src/queue/repo-review-budget.js";
import { BudgetExhausted, type ReviewBudgetGate } from "../../../src/worker/charge-review-budget.js";
import { useScratchRedis } from "../../support/scratch-redis.js";
import { startAimlApiFake, type AimlApiFake, type FakeResponsesCall } from "../../fakes/aimlapi-fake.js";
import { completedReply, functionCallReply, type FakeReply, type FakeResponsesRequest } from "../../fakes/aimlapi-replies.js";
import { FAKE_GITHUB_TOKEN, startGithubFake, type GithubFake } from "../../fakes/github-fake.js";
import { buildGitHistory, realSourceFile, replaceLine } from "../../support/git-history.js";
import { createMemoryRepository } from "../../support/memory-repository.js";

const OWNER = "octo-org";
const REPO = "tools";
const SLUG = "codex-review";
/** The evidence lives in a file the diff does not touch: only a read_file can bring it back. */
const LIMITS = "// Inputs longer than this are refused before parsing.\nexport const MAX_DIFF_LINES = 25_000;\n";
const ANSWERED = "Inputs over MAX_DIFF_LINES (25,000 lines, src/limits.js line 2) are refused before `parse` splits them.";
const UNSURE = "The diff does not show where long inputs are limited.";

const scratch = useScratchRedis("ask-budget");
const history = buildGitHistory({ "parse.js": realSourceFile() }, [replaceLine("parse.js", 5, "  const lines = input.split(/\\r?\\n/);")]);

let github: GithubFake;
let model: AimlApiFake;
let client: GithubClient;
const calls: FakeResponsesCall[] = [];
let nextPull = 1;
let opened = 0;
let closed = 0;
const opener: RepositoryOpener = {
  async open() {
    opened++;
    return { ...createMemoryRepository({ "parse.js": realSourceFile(), "src/limits.js": LIMITS }), close: async () => void closed++ };
  },
};

/** A reply that calls `read_file` on src/limits.js (with the reasoning item a stateless conversation carries back). */
const readFileReply = (request: FakeResponsesRequest): FakeReply =>
  functionCallReply([{ name: "read_file", callId: "call_limits", arguments: { path: "src/limits.js", start_line: null, end_line: null, version: null } }], { request });

const outputsOf = (request: FakeResponsesRequest) =>
  Array.isArray(request.input) ? (request.input as Array<{ type?: string; output?: string }>).filter((item) => item.type === "function_call_output") : [];

beforeAll(async () => {
  github = await startGithubFake();
  model = await startAimlApiFake({
    handler: (call) => {
      calls.push(call);
      if (!call.body.tools) return completedReply(UNSURE, { request: call.body });
      const outputs = outputsOf(call.body);
      // tool_choice none: the model answers with what it has, as the API makes it.
      if (outputs.length === 0 && call.body.tool_choice !== "none") return readFileReply(call.body);
      // Only what came back in a function_call_output lets the agent answer.
      return completedReply(outputs.some((item) => item.output?.includes("MAX_DIFF_LINES = 25_000")) ? ANSWERED : UNSURE, { request: call.body });
    },
  });
  github.setPermission(OWNER, REPO, "maintainer-mia", "write");
  client = new Octokit({ baseUrl: github.baseUrl, auth: FAKE_GITHUB_TOKEN, request: { retries: 0 } }) as unknown as GithubClient;
});

afterAll(async () => {
  await github?.close();
  await model?.close();
});

afterEach(() => {
  // Every snapshot an answer opened is handed back to the cache.
  expect(closed).toBe(opened);
  expect(github.unexpected).toEqual([]);
  expect(model.invalidRequests).toEqual([]);
  expect(model.invalidReplies).toEqual([]);
  expect(model.unexpected).toEqual([]);
});

const responder = () =>
  createThreadResponder({
    client: createResponsesClient({ baseUrl: model.url, apiKey: model.apiKey, model: "openai/gpt-5-1-codex", timeoutMs: 5_000 }),
    maxOutputTokens: 4_000,
    reasoningEffort: "medium",
    retry: { maxAttempts: 1 },
  });

function openPull(): number {
  const number = nextPull++;
  github.addPullRequest({ owner: OWNER, repo: REPO, number, diff: history.diff(0, 1), headSha: history.sha(1), title: "Split on CRLF" });
  return number;
}

async function ask(question: string, settings: ReviewSettings, budget?: ReviewBudgetGate) {
  const number = openPull();
  const comment = github.addIssueComment(OWNER, REPO, number, { body: `/codex ask ${question}`, user: "maintainer-mia" });
  const job: CommandJobData = { kind: "command", command: "ask", installationId: 1, owner: OWNER, repo: REPO, pullNumber: number, deliveryId: null, commentId: comment.id, requestedBy: "maintainer-mia" };
  const before = calls.length;
  const outcome = await answerQuestion(job, { github: client, responder: responder(), settings, appSlug: SLUG, log: pino({ level: "silent" }), repository: opener, ...(budget ? { budget } : {}) }).catch((error: unknown) => error);
  const answers = github.issueComments(OWNER, REPO, number).filter((c) => c.body.includes(`answer-to=${comment.id} `));
  return { outcome, answers, calls: calls.slice(before), commentId: comment.id };
}

const baseSettings = reviewSettingsFromEnv(readAppEnv({}));
const withMode = (mode: ReviewSettings["context"]["mode"], toolRounds = baseSettings.context.toolRounds): ReviewSettings => ({
  ...baseSettings,
  context: { ...baseSettings.context, mode, toolRounds },
});

describe("answerQuestion with the repository's tools", () => {
  it("reads a file the diff does not show with read_file, and answers from what came back", async () => {
    const { outcome, answers, calls: made } = await ask("where are long inputs limited?", withMode("agentic"));
    expect(outcome).toEqual({ status: "done", action: "answered the question" });
    expect(answers).toHaveLength(1);
    expect(answers[0]!.body).toContain("MAX_DIFF_LINES (25,000 lines");
    expect(made).toHaveLength(2);
    const [first, second] = made.map((call) => call.body);
    expect((first!.tools as Array<{ name: string; strict: boolean }>).map((tool) => [tool.name, tool.strict])).toEqual([
      ["read_file", true],
      ["search_code", true],
      ["list_files", true],
    ]);
    expect(first!.store).toBe(false);
    expect(first!.include).toEqual(["reasoning.encrypted_content"]);
    expect(String(first!.instructions)).toContain("read_file, search_code and list_files");
    // Stateless: the second request carries the model's reasoning and call, then our output for it.
    const items = second!.input as Array<{ type: string; encrypted_content?: string; call_id?: string; output?: string }>;
    expect(items.map((item) => item.type)).toEqual(["message", "reasoning", "function_call", "function_call_output"]);
    expect(items[1]!.encrypted_content?.length).toBeGreaterThan(0);
    expect(items[3]!.call_id).toBe("call_limits");
    expect(items[3]!.output).toContain("<untrusted_repository_content");
  });

  it("offers no tools in diff mode: the model answers from the diff alone", async () => {
    const openedBefore = opened;
    const { answers, calls: made } = await ask("where are long inputs limited?", withMode("diff"));
    expect(made).toHaveLength(1);
    expect(made[0]!.body.tools).toBeUndefined();
    expect(String(made[0]!.body.instructions)).not.toContain("read_file");
    expect(answers[0]!.body).toContain(UNSURE);
    expect(opened).toBe(openedBefore);
  });

  it("forces an answer when the tool rounds are spent: the last allowed call goes with tool_choice none", async () => {
    const { answers, calls: made } = await ask("where are long inputs limited?", withMode("agentic", 1));
    expect(made.map((call) => call.body.tool_choice)).toEqual(["none"]);
    expect(answers).toHaveLength(1);
    expect(answers[0]!.body).toContain(UNSURE);
  });
});

describe("answerQuestion and the repository's request budget", () => {
  it("charges the requested bucket; over it, the question waits with its 👀, without a model call or an answer", async () => {
    const redis = scratch.redis();
    const gate: ReviewBudgetGate = {
      budget: createRepoReviewBudget(redis, { namespace: scratch.namespace, perHour: 1, burst: 1 }),
      heldCheckRuns: createHeldCheckRuns(redis, scratch.namespace),
    };
    const first = await ask("where are long inputs limited?", withMode("diff"), gate);
    expect(first.outcome).toEqual({ status: "done", action: "answered the question" });
    const second = await ask("and the short ones?", withMode("diff"), gate);
    expect(second.outcome).toBeInstanceOf(BudgetExhausted);
    expect(second.calls).toHaveLength(0);
    expect(second.answers).toHaveLength(0);
    const reactions = github.requests.filter((r) => r.method === "POST" && r.path.endsWith(`/issues/comments/${second.commentId}/reactions`)).map((r) => (r.body as { content: string }).content);
    expect(reactions).toEqual(["eyes"]);
    // The requested bucket paid: automatic reviews of the repository still have theirs.
    expect(await gate.budget.charge({ owner: OWNER, repo: REPO, bucket: "automatic", jobId: "review-after-questions" })).toEqual({ allowed: true });
  });
});

describe("answerThread with the repository's tools", () => {
  it("reads a file with read_file before answering a reply in one of the app's threads", async () => {
    const number = openPull();
    // The app's review, posted through the API as the app, with one comment on the changed line.
    const { data: review } = await client.request("POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews", {
      owner: OWNER,
      repo: REPO,
      pull_number: number,
      commit_id: history.sha(1),
      event: "COMMENT",
      body: "Review",
      comments: [{ path: "parse.js", line: 5, side: "RIGHT", body: "**P2** Very long inputs are split in one go." }],
    });
    const root = github.reviews(OWNER, REPO, number).find((r) => r.id === (review as { id: number }).id)!.comments[0]!;
    const question = github.addReviewReply(OWNER, REPO, number, root.id, { body: "@codex-review are long inputs limited anywhere?", user: "maintainer-mia" });
    const before = calls.length;
    const outcome = await answerThread(
      { kind: "reply", installationId: 1, owner: OWNER, repo: REPO, pullNumber: number, deliveryId: null, commentId: question.id, requestedBy: "maintainer-mia" },
      { github: client, responder: responder(), settings: withMode("agentic"), appSlug: SLUG, log: pino({ level: "silent" }), repository: opener },
    );
    expect(outcome).toEqual({ status: "done", action: "answered in the thread" });
    const made = calls.slice(before);
    expect(made).toHaveLength(2);
    expect(outputsOf(made[1]!.body)[0]!.output).toContain("MAX_DIFF_LINES = 25_000");
    const answer = github.reviews(OWNER, REPO, number).flatMap((r) => r.comments).find((c) => c.in_reply_to_id === root.id && c.body.includes(`answer-to=${question.id} `));
    expect(answer?.body).toContain("MAX_DIFF_LINES (25,000 lines");
  });
});
