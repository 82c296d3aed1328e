import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startAimlApiFake, type AimlApiFake } from "../../fakes/aimlapi-fake.js";
import { completedReply, errorReply } from "../../fakes/aimlapi-replies.js";
import { githubFaults, startGithubFake, type GithubFake } from "../../fakes/github-fake.js";
import { addPull, clusterEnv, clusterServices, sleep, type ClusterServices } from "../../support/app-cluster.js";
import { startAppProcess, waitFor, type AppProcess } from "../../support/app-process.js";
import { deliverWebhook } from "../../support/sign-webhook.js";
import { prCommentPayload, pullRequestPayload } from "../../support/webhook-payloads.js";

/*
 * The real app at LOG_LEVEL=trace through an automatic review and a command, with a model 429 and a
 * GitHub 502 (which fails the first attempt of the job) on the way so error paths log too; then every line it wrote, and every prompt the model
 * saw, is searched for each secret: the AI/ML API key, the webhook secret, the App's private key (whole
 * and line by line), the installation tokens GitHub issued and the exact Authorization headers sent.
 */

const OWNER = "octo-org";
const REPO = "secrets";
const diff = readFileSync(new URL("../../fixtures/diffs/multi-hunk.diff", import.meta.url), "utf8");
const AIMLAPI_KEY = `sk-aiml-${randomBytes(16).toString("hex")}`;
const WEBHOOK_SECRET = `whsec-${randomBytes(16).toString("hex")}`;

let github: GithubFake;
let model: AimlApiFake;
let services: ClusterServices;
let app: AppProcess;

beforeAll(async () => {
  github = await startGithubFake();
  model = await startAimlApiFake({
    apiKey: AIMLAPI_KEY,
    handler: ({ body, index }) =>
      index === 0 ? errorReply(429, "Rate limit reached", { retryAfter: 1 }) : completedReply({ summary: "Fine.", comments: [] }, { request: body }),
  });
  services = clusterServices({ github, model, redisUrl: inject("redisUrl"), queueName: `secrets-${randomUUID().slice(0, 8)}`, secret: WEBHOOK_SECRET });
  app = await startAppProcess("src/main.ts", clusterEnv(services, { LOG_LEVEL: "trace" }));
});

afterAll(async () => {
  await app?.stop();
  await github?.close();
  await model?.close();
});

describe("secrets", () => {
  it("never appear in the logs (at trace level) or in the prompts", async () => {
    github.failNext("GET /repos/:owner/:repo/pulls/:number", githubFaults.serverError(502));
    const pull = addPull(github, { owner: OWNER, repo: REPO, number: 1, diff });
    await deliverWebhook(`${app.url}/api/github/webhooks`, "pull_request", pullRequestPayload("opened", pull), { secret: WEBHOOK_SECRET });
    await waitFor(() => (github.reviews(OWNER, REPO, 1).length ? true : undefined), 25_000, "the review");

    const commanded = addPull(github, { owner: OWNER, repo: REPO, number: 2, diff });
    github.setPermission(OWNER, REPO, "maintainer-mia", "write");
    const comment = github.addIssueComment(OWNER, REPO, 2, { body: "/codex review", user: "maintainer-mia" });
    await deliverWebhook(
      `${app.url}/api/github/webhooks`,
      "issue_comment",
      prCommentPayload(commanded, { id: comment.id, body: comment.body, login: "maintainer-mia" }),
      { secret: WEBHOOK_SECRET },
    );
    await waitFor(() => (github.reviews(OWNER, REPO, 2).length ? true : undefined), 25_000, "the command's review");
    await sleep(500);

    const secrets = new Map<string, string>([
      ["AIMLAPI_KEY", AIMLAPI_KEY],
      ["WEBHOOK_SECRET", WEBHOOK_SECRET],
      ["PRIVATE_KEY", services.privateKey],
      ["PRIVATE_KEY (body, no newlines)", services.privateKey.replace(/-----[^-]+-----|\s/g, "")],
    ]);
    services.privateKey
      .split("\n")
      .filter((line) => line.length >= 40 && !line.startsWith("-----"))
      .forEach((line, i) => secrets.set(`PRIVATE_KEY line ${i + 1}`, line));
    expect(github.state.issuedTokens.length).toBeGreaterThan(0);
    github.state.issuedTokens.forEach((issued, i) => secrets.set(`installation token ${i + 1}`, issued.token));
    const authorizations = new Set(github.requests.map((r) => r.headers.authorization).filter((h): h is string => Boolean(h)));
    [...authorizations].forEach((header, i) => secrets.set(`GitHub Authorization header ${i + 1}`, header.replace(/^\S+\s+/, "")));

    const output = app.output.join("\n");
    // The run did log, verbosely: the check means something.
    expect(app.output.length).toBeGreaterThan(25);
    expect(output).toContain('"level":20');
    // Error paths logged too: the failed first attempt (the diff read got a 502) and the model's 429.
    expect(output).toContain('"level":50');
    expect(output).toContain("Model call failed; retrying");
    const prompts = model.requests.map((r) => r.rawBody).join("\n");
    const leaks = [...secrets].filter(([, value]) => output.includes(value) || prompts.includes(value)).map(([name]) => name);
    expect(leaks).toEqual([]);
  });
});
