import { randomUUID } from "node:crypto";
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startAimlApiFake, type AimlApiFake } from "../fakes/aimlapi-fake.js";
import { completedReply } from "../fakes/aimlapi-replies.js";
import { startGithubFake, type GithubFake } from "../fakes/github-fake.js";
import { addPull } from "../support/add-pull.js";
import { appEnv, TEST_WEBHOOK_SECRET as SECRET } from "../support/app-env.js";
import { startAppProcess, waitFor, type AppProcess } from "../support/app-process.js";
import { CHROMIUM_PATH, hasChromium, launchChromium } from "../support/chromium.js";
import { dropQueue } from "../support/drop-queue.js";
import { multiHunkDiff } from "../support/multi-hunk-review.js";
import { deliverWebhook } from "../support/sign-webhook.js";
import { pullRequestPayload } from "../support/webhook-payloads.js";

const OWNER = "octo-org";
const REPO = "hello-world";
const CREDENTIALS = { username: "ops", password: "dashboard-pass" };

if (!hasChromium) {
  console.warn(`Skipping the dashboard browser test: ${CHROMIUM_PATH} is missing (install Debian's chromium: apt-get install -y chromium).`);
}

describe.skipIf(!hasChromium)("queue dashboard in a real browser", () => {
  let github: GithubFake;
  let model: AimlApiFake;
  let app: AppProcess;
  let queue: Queue;
  let jobId: string;
  const queueName = `dash-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    github = await startGithubFake();
    model = await startAimlApiFake({ handler: () => completedReply({ summary: "Looks fine.", comments: [] }) });
    const redisUrl = inject("redisUrl");
    queue = new Queue(queueName, { connection: { url: redisUrl } });
    app = await startAppProcess(
      "src/main.ts",
      appEnv({ github, model }, redisUrl, queueName, { DASHBOARD_USER: CREDENTIALS.username, DASHBOARD_PASSWORD: CREDENTIALS.password }),
    );
    const target = addPull(github, { owner: OWNER, repo: REPO, number: 7, diff: multiHunkDiff });
    await deliverWebhook(`${app.url}/api/github/webhooks`, "pull_request", pullRequestPayload("opened", target), { secret: SECRET });
    const [completed] = await waitFor(async () => {
      const jobs = await queue.getJobs(["completed"]);
      return jobs.length ? jobs : undefined;
    }, 20_000, "the completed review job");
    jobId = completed!.id!;
  });

  afterAll(async () => {
    await app?.stop();
    await dropQueue(queue);
    await github?.close();
    await model?.close();
  });

  it("lists the completed review job for a signed-in operator", async () => {
    const browser = await launchChromium({ httpCredentials: CREDENTIALS });
    try {
      const page = await browser.context.newPage();
      const hosts = new Set<string>();
      const failures: string[] = [];
      page.on("request", (request) => void hosts.add(new URL(request.url()).host));
      page.on("requestfailed", (request) => void failures.push(`${new URL(request.url()).host} ${request.failure()?.errorText}`));
      const overview = await page.goto(`${app.url}/admin/queues`);
      expect(overview?.status()).toBe(200);
      await page.getByText(queueName).first().waitFor({ timeout: 15_000 });

      await page.goto(`${app.url}/admin/queues/queue/${queueName}?status=completed`);
      // Bull Board shows each job's id; the review job's id names the repo, PR and head.
      await page.getByText(jobId, { exact: false }).first().waitFor({ timeout: 15_000 });
      const text = await page.locator("body").innerText();
      expect(text).toContain(jobId);
      expect(text.toLowerCase()).toContain("completed");
      // The UI's scripts and styles come from the app itself; the one third-party link in Bull Board's page
      // (Google Fonts) is stopped by the dashboard's Content-Security-Policy inside the browser, before any network.
      const ownHost = new URL(app.url).host;
      const thirdParty = [...hosts].filter((host) => host !== ownHost);
      const blockedByCsp = new Set(failures.filter((failure) => failure.endsWith(" csp")).map((failure) => failure.split(" ")[0]));
      // (Requests to the app itself may be aborted by the second navigation; only third-party ones are judged.)
      expect(failures.filter((failure) => !failure.startsWith(`${ownHost} `) && !failure.endsWith(" csp"))).toEqual([]);
      expect(thirdParty.filter((host) => !blockedByCsp.has(host))).toEqual([]);
      if (process.env.DASHBOARD_SCREENSHOT) await page.screenshot({ path: process.env.DASHBOARD_SCREENSHOT, fullPage: true });
    } finally {
      await browser.close();
    }
  });

  it("answers 401 to a browser without credentials", async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.context.newPage();
      const statuses: number[] = [];
      let apiCalls = 0;
      page.on("request", (request) => {
        if (new URL(request.url()).pathname.startsWith("/admin/queues/api")) apiCalls++;
      });
      page.on("response", (response) => {
        if (new URL(response.url()).pathname === "/admin/queues") statuses.push(response.status());
      });
      // With no credentials to offer, Chromium gives up on the Basic challenge and the navigation fails.
      const navigation = await page.goto(`${app.url}/admin/queues`).then(
        () => "loaded",
        (error: Error) => error.message,
      );
      expect(statuses).toEqual([401]);
      expect(navigation).toContain("ERR_INVALID_AUTH_CREDENTIALS");
      // The UI never loaded, so it never asked the dashboard's API for queue data.
      expect(apiCalls).toBe(0);
    } finally {
      await browser.close();
    }
  });
});
