import { pino } from "pino";
import { Probot, ProbotOctokit } from "probot";
import { WebhookOnlyOctokit } from "../../../src/process/webhook-only-octokit.js";
import { Registry } from "prom-client";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createApp } from "../../../src/app.js";
import { createAppMetrics } from "../../../src/metrics/app-metrics.js";
import { createOperationsApp, deliveryCounter } from "../../../src/ops/operations-app.js";
import type { IngestRequest } from "../../../src/queue/ingest-delivery.js";
import { generateAppPrivateKey } from "../../support/app-process.js";
import { checkRunRerequestedPayload, examplePayload, prCommentPayload, pullRequestPayload, reviewReplyPayload } from "../../support/webhook-payloads.js";

const target = { owner: "octo-org", repo: "routing", number: 7, headSha: "a".repeat(40), installationId: 42 };
const metrics = createAppMetrics(new Registry());
const ingested: IngestRequest[] = [];
let octokits = 0;
let probot: Probot;

/** The web process's Octokit, counted: Probot's transform asks it for an event client once per matching handler of a delivery. */
class CountedOctokit extends WebhookOnlyOctokit {
  constructor(...args: ConstructorParameters<typeof ProbotOctokit>) {
    super(...args);
    octokits += 1;
  }
}

beforeAll(async () => {
  probot = new Probot({ appId: 1, privateKey: generateAppPrivateKey(), secret: "routing", Octokit: CountedOctokit as typeof ProbotOctokit, log: pino({ level: "silent" }) });
  const ingest = { ingest: async (request: IngestRequest) => (ingested.push(request), { outcome: "queued" as const, jobId: "job", superseded: null }) };
  // Loaded as startWeb loads them: the review app, then the operations app beside it.
  await probot.load(createApp({ ingest, appSlug: "codex-review", countDelivery: deliveryCounter(metrics) }));
  const queue = { name: "routing", getJobCounts: async () => ({}) };
  await probot.load(createOperationsApp({ metrics, queue: queue as never, redis: {} as never, dashboard: null }), { cwd: process.cwd(), addHandler: () => undefined });
});
beforeEach(() => {
  ingested.length = 0;
  octokits = 0;
});

const receive = (name: string, payload: unknown) => probot.receive({ id: crypto.randomUUID(), name, payload } as never);
const counted = async (event: string, action: string) => (await metrics.deliveries.get()).values.find((v) => v.labels.event === event && v.labels.action === action)?.value ?? 0;

describe("the web app's one handler", () => {
  it("builds no installation client per delivery, counts it once and queues its job", async () => {
    const before = await counted("pull_request", "synchronize");
    await receive("pull_request", pullRequestPayload("synchronize", target));
    expect(octokits).toBe(0);
    expect(await counted("pull_request", "synchronize")).toBe(before + 1);
    expect(ingested.map(({ job }) => [job.kind, job.kind === "review" ? job.trigger : null])).toEqual([["review", "synchronize"]]);
  });

  it("routes each event it acts on to its job, and only counts the others", async () => {
    await receive("pull_request", pullRequestPayload("opened", target));
    await receive("pull_request", pullRequestPayload("ready_for_review", target));
    await receive("issue_comment", prCommentPayload(target, { id: 11, body: "/codex review", login: "mona", association: "MEMBER" }));
    await receive("pull_request_review_comment", reviewReplyPayload(target, { id: 12, inReplyTo: 10, body: "@codex-review why?", login: "mona" }));
    await receive("check_run", checkRunRerequestedPayload(target));
    await receive("pull_request", pullRequestPayload("closed", target));
    await receive("installation", examplePayload("installation", "created"));
    expect(octokits).toBe(0);
    expect(ingested.map(({ job }) => job.kind)).toEqual(["review", "review", "review", "reply", "review"]);
    expect(await counted("installation", "created")).toBe(1);
    expect(await counted("pull_request", "closed")).toBe(1);
  });
});
