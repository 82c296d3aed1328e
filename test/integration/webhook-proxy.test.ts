import { randomUUID } from "node:crypto";
import { Queue } from "bullmq";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { startAimlApiFake, type AimlApiFake } from "../fakes/aimlapi-fake.js";
import { completedReply } from "../fakes/aimlapi-replies.js";
import { startGithubFake, type GithubFake } from "../fakes/github-fake.js";
import { startSmeeChannelFake, type SmeeChannelFake } from "../fakes/smee-channel-fake.js";
import { addPull } from "../support/add-pull.js";
import { appEnv, TEST_WEBHOOK_SECRET as SECRET } from "../support/app-env.js";
import { freePort, startAppProcess, waitFor, type AppProcess } from "../support/app-process.js";
import { dropQueue } from "../support/drop-queue.js";
import { expectCleanFakes } from "../support/expect-clean-fakes.js";
import { multiHunkDiff, multiHunkModelOutput } from "../support/multi-hunk-review.js";
import { waitForCompletedCheckRun, waitForReviews } from "../support/review-waits.js";
import { signWebhookBody } from "../support/sign-webhook.js";
import { pullRequestPayload, type PullTarget } from "../support/webhook-payloads.js";

// WEBHOOK_PROXY_URL: the web server reads deliveries from a smee.io channel (here a local fake speaking
// smee's protocol) through Probot's own proxy client, and POSTs each to its WEBHOOK_PATH.

const OWNER = "octo-org";
const REPO = "proxy-repo";

let github: GithubFake;
let model: AimlApiFake;
let channel: SmeeChannelFake;
let redisUrl: string;
let nextPull = 1;
const apps: AppProcess[] = [];
const queues: Queue[] = [];

const newPull = (): PullTarget => addPull(github, { owner: OWNER, repo: REPO, number: nextPull++, diff: multiHunkDiff });

/** What GitHub sends the channel for a `pull_request` event: the signed body and GitHub's headers. */
function relaySigned(payload: unknown, deliveryId = randomUUID()): void {
  channel.relay({
    headers: {
      "content-type": "application/json",
      "user-agent": "GitHub-Hookshot/test",
      "x-github-event": "pull_request",
      "x-github-delivery": deliveryId,
      "x-hub-signature-256": signWebhookBody(SECRET, JSON.stringify(payload)),
    },
    body: payload,
  });
}

async function startWithQueue(entry: string, extra: Record<string, string>) {
  const queueName = `proxy-${randomUUID().slice(0, 8)}`;
  const queue = new Queue(queueName, { connection: { url: redisUrl } });
  queues.push(queue);
  const app = await startAppProcess(entry, appEnv({ github, model }, redisUrl, queueName, { APP_SLUG: "codex-review", ...extra }));
  apps.push(app);
  return { app, queue };
}

beforeAll(async () => {
  github = await startGithubFake();
  model = await startAimlApiFake({ handler: () => completedReply(multiHunkModelOutput) });
  channel = await startSmeeChannelFake();
  redisUrl = inject("redisUrl");
});

afterAll(async () => {
  for (const app of apps) await app.stop();
  for (const queue of queues) await dropQueue(queue);
  await channel?.close();
  await github?.close();
  await model?.close();
});

afterEach(() => {
  expectCleanFakes({ github, model });
  expect(channel.unexpected).toEqual([]);
});

describe("WEBHOOK_PROXY_URL", () => {
  it("npm start connects to the channel and reviews a pull request whose delivery came through it", async () => {
    const connectionsBefore = channel.connections;
    const { app } = await startWithQueue("src/main.ts", { WEBHOOK_PROXY_URL: channel.url });
    await waitFor(() => (channel.connections > connectionsBefore ? true : undefined), 20_000, "the app to open the channel");

    const pull = newPull();
    relaySigned(pullRequestPayload("opened", pull));

    const [review] = await waitForReviews(github, pull);
    expect(review!.commit_id).toBe(pull.headSha);
    await waitForCompletedCheckRun(github, pull);
    // Probot's smee client POSTed it to the app's own webhook path (where the signature was checked) and logged its 2xx answer.
    const forwarded = app.logs().filter((line) => /^POST http:\/\/\S+\/api\/github\/webhooks - 2\d\d$/.test(String(line.msg)));
    expect(forwarded).toHaveLength(1);
  });

  it("start:web enqueues a relayed delivery, and refuses one whose signature does not match", async () => {
    const connectionsBefore = channel.connections;
    const { queue } = await startWithQueue("src/web.ts", { WEBHOOK_PROXY_URL: channel.url });
    await waitFor(() => (channel.connections > connectionsBefore ? true : undefined), 20_000, "the web process to open the channel");

    const forged = newPull();
    const payload = pullRequestPayload("opened", forged);
    channel.relay({
      headers: { "content-type": "application/json", "x-github-event": "pull_request", "x-github-delivery": randomUUID(), "x-hub-signature-256": signWebhookBody("not-the-secret", JSON.stringify(payload)) },
      body: payload,
    });
    const pull = newPull();
    relaySigned(pullRequestPayload("opened", pull));

    // No worker in this process: the job stays in the queue, which is what the web process is for.
    const jobs = await waitFor(async () => {
      const found = await queue.getJobs(["waiting", "prioritized", "delayed", "active"]);
      return found.length > 0 ? found : undefined;
    }, 20_000, "the relayed delivery's job");
    await new Promise((resolve) => setTimeout(resolve, 500));
    const all = await queue.getJobs(["waiting", "prioritized", "delayed", "active"]);
    expect(all).toHaveLength(1);
    expect(jobs[0]!.data).toMatchObject({ owner: OWNER, repo: REPO, pullNumber: pull.number, headSha: pull.headSha });
  });

  it("without WEBHOOK_PROXY_URL, no process opens the channel", async () => {
    const connectionsBefore = channel.connections;
    await startWithQueue("src/web.ts", {});
    // The proxy connects right after the server listens, before start-up ends; give it that long and more.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(channel.connections).toBe(connectionsBefore);
  });

  it("the first-run setup flow registers the App with the channel as its webhook URL", async () => {
    const connectionsBefore = channel.connections;
    // No App credentials: Probot's setup flow. With WEBHOOK_PROXY_URL set it creates no smee.io channel of its own.
    const app = await startAppProcess("src/main.ts", { WEBHOOK_PROXY_URL: channel.url });
    apps.push(app);
    const page = await (await fetch(`${app.url}/probot`)).text();
    const manifest = JSON.parse(/name="manifest"[^>]*value='([^']*)'/.exec(page)![1]!);
    expect(manifest.hook_attributes).toEqual({ url: channel.url });
    await waitFor(() => (channel.connections > connectionsBefore ? true : undefined), 20_000, "the setup server to open the channel");
    expect(app.output.some((line) => line.includes("smee.io"))).toBe(false);
  });

  it("stops start:web with a message naming WEBHOOK_PROXY_URL when the channel cannot be reached", async () => {
    const closedPort = await freePort();
    const env = appEnv({ github, model }, redisUrl, `proxy-${randomUUID().slice(0, 8)}`, { APP_SLUG: "codex-review", WEBHOOK_PROXY_URL: `http://127.0.0.1:${closedPort}/gone-channel` });
    const app = await startAppProcess("src/web.ts", env, { waitForHttp: false });
    apps.push(app);
    const code = await waitFor(() => app.child.exitCode ?? undefined, 20_000, "the web process to exit");
    expect(code).toBe(1);
    const fatal = app.logs().find((line) => line.level === 60);
    expect(String(fatal?.msg)).toContain(`WEBHOOK_PROXY_URL (http://127.0.0.1:${closedPort})`);
    expect(String(fatal?.msg)).not.toContain("gone-channel");
  });
});
