import { readFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { Queue } from "bullmq";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { startAimlApiFake, type AimlApiFake, type FakeResponsesCall } from "../fakes/aimlapi-fake.js";
import { completedReply } from "../fakes/aimlapi-replies.js";
import { startGithubFake, type GithubFake } from "../fakes/github-fake.js";
import { appEnv, TEST_WEBHOOK_SECRET as SECRET } from "../support/app-env.js";
import { startAppProcess, type AppProcess } from "../support/app-process.js";
import { dropQueue } from "../support/drop-queue.js";
import { expectCleanFakes } from "../support/expect-clean-fakes.js";
import { realSourceFile } from "../support/git-history.js";
import { createGitRepo, type GitRepo } from "../support/git-repo.js";
import { waitForReviews } from "../support/review-waits.js";
import { deliverWebhook } from "../support/sign-webhook.js";
import { isReviewCall, promptInput } from "../support/scripted-model.js";
import { pullRequestPayload, type PullTarget } from "../support/webhook-payloads.js";

/*
 * The whole path in `scope` mode: webhook -> queue -> worker process -> the repository snapshot (the
 * GitHub fake's tarball of a real git history) -> hunks widened -> model -> one review whose
 * out-of-diff findings link to the line at the head on the GitHub Enterprise host the app talks to.
 */

const OWNER = "octo-org";
const REPO = "scoped";
const TYPES = readFileSync(new URL("../../node_modules/parse-diff/index.d.ts", import.meta.url), "utf8");

let github: GithubFake;
let model: AimlApiFake;
let app: AppProcess;
let queue: Queue;
let git: GitRepo;
const calls: FakeResponsesCall[] = [];
const queueName = `it-${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  github = await startGithubFake();
  model = await startAimlApiFake({
    handler: (call) => {
      calls.push(call);
      const finding = (path: string, line: number, title: string, quote: string | null) => ({
        path, line, side: "RIGHT", start_line: null, severity: "P2", title, body: `${title}.`, suggestion: null, quote,
      });
      return completedReply({
        summary: "Counts of one-line hunks.",
        comments: [
          finding("parse.js", 89, "Chunk handler trusts its match", "const chunk = (line, match) => {"),
          finding("index.d.ts", 20, "Typings disagree", TYPES.split("\n")[19]!.trim()),
        ],
      });
    },
  });
  git = createGitRepo({ "parse.js": realSourceFile(), "index.d.ts": TYPES });
  const lines = realSourceFile().split("\n");
  lines[101] = `${lines[101]} // "@@ -5 +5 @@" has no count`;
  git.commit("feature", { "parse.js": lines.join("\n") });
  github.useGitHistory(OWNER, REPO, git);
  const redisUrl = inject("redisUrl");
  queue = new Queue(queueName, { connection: { url: redisUrl } });
  app = await startAppProcess("src/main.ts", appEnv({ github, model }, redisUrl, queueName, { REVIEW_CONTEXT_MODE: "scope", REVIEW_CONTEXT_LINES: "80" }));
});

afterAll(async () => {
  await app?.stop();
  await dropQueue(queue);
  await github?.close();
  await model?.close();
  git?.remove();
});

afterEach(() => expectCleanFakes({ github, model }));

describe("an automatic review in scope mode", () => {
  it("widens from the snapshot, keeps comments on diff lines, and links findings outside the diff on the GHES host", async () => {
    github.addPullRequest({ owner: OWNER, repo: REPO, number: 1, branches: { base: "main", head: "feature" } });
    const pull: PullTarget = { owner: OWNER, repo: REPO, number: 1, headSha: git.sha("feature"), installationId: github.state.installationId };
    const delivery = await deliverWebhook(`${app.url}/api/github/webhooks`, "pull_request", pullRequestPayload("opened", pull), { secret: SECRET });
    expect(delivery.status).toBeLessThan(300);

    const [review] = await waitForReviews(github, pull, 1, 60_000);
    const prompts = calls.filter(isReviewCall);
    expect(prompts).toHaveLength(1);
    expect(promptInput(prompts[0]!)).toContain("S89    const chunk = (line, match) => {\n");
    expect(github.requests.filter((request) => /\/tarball\//.test(request.path))).toHaveLength(1);

    expect(review!.comments).toEqual([]);
    // GHE_HOST is the fake's host: the worker links there, not to github.com.
    const blob = `http://${github.host}/${OWNER}/${REPO}/blob/${pull.headSha}`;
    expect(review!.body).toContain(`[\`parse.js:89\`](${blob}/parse.js#L89)`);
    expect(review!.body).toContain(`[\`index.d.ts:20\`](${blob}/index.d.ts#L20)`);
  });
});
