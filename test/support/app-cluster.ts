import { randomBytes } from "node:crypto";
import type { AimlApiFake } from "../fakes/aimlapi-fake.js";
import type { GithubFake } from "../fakes/github-fake.js";
import { generateAppPrivateKey, startAppProcess, type AppProcess } from "./app-process.js";
import type { PullTarget } from "./webhook-payloads.js";

/** The services a set of app processes (web + workers) share in a reliability test. */
export interface ClusterServices {
  github: GithubFake;
  model: AimlApiFake;
  redisUrl: string;
  queueName: string;
  secret: string;
  /** One key per test file: generating RSA keys per process would slow every test. */
  privateKey: string;
}

export function clusterServices(input: Omit<ClusterServices, "privateKey" | "secret"> & { secret?: string }): ClusterServices {
  return { secret: "reliability-webhook-secret", ...input, privateKey: generateAppPrivateKey() };
}

/** The environment every process of the cluster gets, plus per-process overrides. */
export function clusterEnv(services: ClusterServices, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    APP_ID: String(services.github.state.appId),
    PRIVATE_KEY: services.privateKey,
    WEBHOOK_SECRET: services.secret,
    GHE_HOST: services.github.host,
    GHE_PROTOCOL: "http",
    REDIS_URL: services.redisUrl,
    QUEUE_NAME: services.queueName,
    AIMLAPI_KEY: services.model.apiKey,
    AIMLAPI_BASE_URL: services.model.url,
    ...overrides,
  };
}

export function startWebProcess(services: ClusterServices, overrides: Record<string, string> = {}): Promise<AppProcess> {
  return startAppProcess("src/web.ts", clusterEnv(services, overrides));
}

/** A worker-only process; it serves no HTTP, so it is ready when it logs nothing fatal (jobs wait in Redis meanwhile). */
export function startWorkerProcess(services: ClusterServices, overrides: Record<string, string> = {}): Promise<AppProcess> {
  return startAppProcess("src/worker.ts", clusterEnv(services, overrides), { waitForHttp: false });
}

/** Adds a PR with a fresh head to the GitHub fake and returns its webhook target. */
export function addPull(
  github: GithubFake,
  input: { owner: string; repo: string; number: number; diff: string; title?: string; body?: string; installationId?: number },
): PullTarget {
  const headSha = randomBytes(20).toString("hex");
  const { base } = github.addPullRequest({ ...input, headSha, title: input.title ?? `Change ${input.number}` });
  return { owner: input.owner, repo: input.repo, number: input.number, headSha, baseSha: base.sha, installationId: input.installationId ?? github.state.installationId };
}

/** Calls of the model fake whose prompt is about `title` (our prompts carry the PR title). */
export function modelCallsFor(model: AimlApiFake, title: string): number {
  return model.requests.filter((request) => request.path === "/v1/responses" && request.rawBody.includes(`title: ${title}`)).length;
}

/** The process's log lines whose `msg` is exactly `message`. */
export function logLines(app: AppProcess, message: string): Array<Record<string, unknown>> {
  return app.logs().filter((line) => line.msg === message);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
