import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { startAimlApiFake, type AimlApiFake, type FakeResponsesCall } from "../fakes/aimlapi-fake.js";
import { startGithubFake, type GithubFake } from "../fakes/github-fake.js";
import { answeredCalls } from "../support/agent-model.js";
import { appEnv } from "../support/app-env.js";
import { startAppProcess, type AppProcess } from "../support/app-process.js";
import { expectCleanFakes } from "../support/expect-clean-fakes.js";
import { createGitRepo, type GitRepo } from "../support/git-repo.js";
import { answerAsPlantedBugAgent, PLANTED_BUG } from "../support/planted-bug.js";
import { promptInput } from "../support/scripted-model.js";
import { waitForCompletedCheckRun, waitForReviews } from "../support/review-waits.js";
import { deliverWebhook } from "../support/sign-webhook.js";
import { TEST_WEBHOOK_SECRET as SECRET } from "../support/app-env.js";
import { pullRequestPayload, type PullTarget } from "../support/webhook-payloads.js";

/*
 * The whole app against the GitHub fake (a real git repository at two commits, served as a tarball
 * through a redirect) and the model fake acting as an agent. The PR changes applyDiscount's contract;
 * the evidence of the bug is in its caller, src/checkout.ts, which the PR does not touch. The agent
 * reports the bug only when the caller came back to it in a function_call_output.
 */

const OWNER = "octo-org";
let github: GithubFake;
let model: AimlApiFake;
let app: AppProcess;
const repos: GitRepo[] = [];
const callsByRepo = new Map<string, FakeResponsesCall[]>();

beforeAll(async () => {
  github = await startGithubFake();
  model = await startAimlApiFake({
    handler: (call) => {
      const repo = /repo="[^/"]+\/([^"]+)"/.exec(promptInput(call))?.[1] ?? "unknown";
      callsByRepo.set(repo, [...(callsByRepo.get(repo) ?? []), call]);
      return answerAsPlantedBugAgent(call);
    },
  });
  app = await startAppProcess("src/main.ts", appEnv({ github, model }, inject("redisUrl"), `it-agent-${randomUUID().slice(0, 8)}`));
});

afterAll(async () => {
  await app?.stop();
  await github?.close();
  await model?.close();
  for (const repo of repos) repo.remove();
});

afterEach(() => expectCleanFakes({ github, model }));

/** A repository with the planted bug on branch `topic`, its PR opened; `config` is its .github/codex-review.yml. */
async function openPlantedBugPull(repo: string, config?: string): Promise<PullTarget> {
  const git = createGitRepo({ ...PLANTED_BUG.base });
  repos.push(git);
  git.commit("topic", { ...PLANTED_BUG.head }, "applyDiscount takes a fraction");
  github.useGitHistory(OWNER, repo, git);
  if (config) github.setFile(OWNER, repo, ".github/codex-review.yml", config);
  github.addPullRequest({ owner: OWNER, repo, number: 1, branches: { base: "main", head: "topic" }, title: "Discounts as fractions" });
  const pull: PullTarget = { owner: OWNER, repo, number: 1, headSha: git.sha("topic"), installationId: github.state.installationId };
  const delivery = await deliverWebhook(`${app.url}/api/github/webhooks`, "pull_request", pullRequestPayload("opened", pull), { secret: SECRET });
  expect(delivery.status).toBeLessThan(300);
  return pull;
}

describe("an agentic review of a planted bug whose evidence is in another file", () => {
  it("reads the caller through search_code and read_file and posts the finding on the changed line", async () => {
    const pull = await openPlantedBugPull("shop");
    const [review] = await waitForReviews(github, pull);
    const changedLine = PLANTED_BUG.head["src/pricing.ts"].split("\n").indexOf("  return price * (1 - rate);") + 1;
    expect(review!.comments).toHaveLength(1);
    expect(review!.comments[0]).toMatchObject({ path: "src/pricing.ts", line: changedLine, side: "RIGHT" });
    expect(review!.comments[0]!.body).toContain(PLANTED_BUG.title);

    // The conversation: search, read, answer; the evidence came back in a function_call_output.
    const calls = callsByRepo.get("shop")!;
    expect(calls.map((call) => answeredCalls(call).map((entry) => entry.name))).toEqual([[], ["search_code"], ["search_code", "read_file"]]);
    expect(answeredCalls(calls[2]!)[1]!.output).toContain(`${PLANTED_BUG.evidenceLine}:   ${PLANTED_BUG.evidence}`);
    expect(calls.every((call) => call.body.store === false)).toBe(true);
    // The tools read the real snapshot: the tarball at the head, through the fake's redirect.
    expect(github.requests.filter((request) => request.path === `/repos/${OWNER}/shop/tarball/${pull.headSha}`)).toHaveLength(1);

    // The accounting: the review body and the check run name the file read, the calls and their tokens.
    expect(review!.body).toContain("#### Repository context");
    expect(review!.body).toContain("`src/checkout.ts`");
    expect(review!.body).toMatch(/2 tool call\(s\): search_code 1, read_file 1/);
    const run = await waitForCompletedCheckRun(github, pull);
    expect(run.output.summary).toMatch(/Tool calls: 2 \(search_code 1, read_file 1\), costing \d+ tokens of tool output and \d+ input tokens of follow-up calls/);
    expect(run.output.summary).toContain("Files read (1): `src/checkout.ts`");
  });

  it("does not find it in diff mode: the model sees only the diff and gets no tools", async () => {
    const pull = await openPlantedBugPull("shop-diff", "context:\n  mode: diff\n");
    const [review] = await waitForReviews(github, pull);
    expect(review!.comments).toEqual([]);
    expect(review!.body).toContain("No issues found");
    const calls = callsByRepo.get("shop-diff")!;
    expect(calls).toHaveLength(1);
    expect(calls[0]!.body).not.toHaveProperty("tools");
    expect(review!.body).not.toContain("Repository context");
  });

  it("forces an answer at the tool-round limit: the last round goes with tool_choice none", async () => {
    const pull = await openPlantedBugPull("shop-rounds", "context:\n  tool_rounds: 2\n");
    const [review] = await waitForReviews(github, pull);
    const calls = callsByRepo.get("shop-rounds")!;
    expect(calls.map((call) => call.body.tool_choice)).toEqual(["auto", "none"]);
    // The search came back, the caller was never read: the agent does not report what it did not see.
    expect(review!.comments).toEqual([]);
    expect(review!.body).toMatch(/1 tool call\(s\): search_code 1/);
  });
});

describe("a pull request with nothing to review", () => {
  // A lockfile bump has no chunk for the model: the snapshot would be downloaded for nothing (on a
  // large repository, hundreds of megabytes per dependency-update PR).
  it("is skipped without downloading the repository's archive", async () => {
    const git = createGitRepo({ ...PLANTED_BUG.base, "package-lock.json": '{\n  "lockfileVersion": 3\n}\n' });
    repos.push(git);
    git.commit("topic", { "package-lock.json": '{\n  "lockfileVersion": 3,\n  "requires": true\n}\n' }, "Bump the lockfile");
    github.useGitHistory(OWNER, "lockfile-only", git);
    github.addPullRequest({ owner: OWNER, repo: "lockfile-only", number: 1, branches: { base: "main", head: "topic" }, title: "Bump the lockfile" });
    const pull: PullTarget = { owner: OWNER, repo: "lockfile-only", number: 1, headSha: git.sha("topic"), installationId: github.state.installationId };
    expect((await deliverWebhook(`${app.url}/api/github/webhooks`, "pull_request", pullRequestPayload("opened", pull), { secret: SECRET })).status).toBeLessThan(300);

    const run = await waitForCompletedCheckRun(github, pull, 20_000);
    expect(run.conclusion).toBe("skipped");
    expect(run.output.title).toContain("no reviewable files");
    expect(callsByRepo.get("lockfile-only")).toBeUndefined();
    const ofRepo = github.requests.filter((request) => request.path.startsWith(`/repos/${OWNER}/lockfile-only/`));
    expect(ofRepo.filter((request) => request.path.includes("/tarball/") || request.path.includes("/contents/"))).toEqual([]);
  });
});
