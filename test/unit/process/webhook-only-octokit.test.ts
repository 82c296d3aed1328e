import { pino } from "pino";
import { Probot, type Context } from "probot";
import { afterEach, describe, expect, it, vi } from "vitest";
import { readAppEnv } from "../../../src/config/env.js";
import { createWebProbot } from "../../../src/process/start-web.js";
import { WEB_PROCESS_MAKES_NO_GITHUB_CALLS, WebhookOnlyOctokit } from "../../../src/process/webhook-only-octokit.js";
import { generateAppPrivateKey } from "../../support/app-process.js";
import { examplePayload, pullRequestPayload } from "../../support/webhook-payloads.js";

const privateKey = generateAppPrivateKey();
const target = { owner: "octo-org", repo: "web", number: 3, headSha: "b".repeat(40), installationId: 42 };
const log = pino({ level: "silent" });

/** GitHub's REST API as fetch sees it: an installation token, then the repository. */
function fakeGithubFetch() {
  const calls: Array<{ method: string; url: string; authorization: string | null }> = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const request = new Request(input, init);
    calls.push({ method: request.method, url: request.url, authorization: request.headers.get("authorization") });
    if (request.method === "POST" && request.url.endsWith("/app/installations/42/access_tokens")) {
      return Response.json({ token: "ghs_installation", expires_at: new Date(Date.now() + 3_600_000).toISOString(), permissions: {}, repository_selection: "all" }, { status: 201 });
    }
    if (request.url.endsWith("/repos/octo-org/web")) return Response.json({ id: 1, full_name: "octo-org/web" });
    return Response.json({ message: "Not Found" }, { status: 404 });
  };
  return { fetch, calls };
}

async function loadCapturing(probot: Probot): Promise<Context[]> {
  const contexts: Context[] = [];
  await probot.load((app) => app.onAny(async (context) => void contexts.push(context as Context)));
  return contexts;
}

const receive = (probot: Probot, name: string, payload: unknown) => probot.receive({ id: crypto.randomUUID(), name, payload } as never);

afterEach(() => vi.unstubAllGlobals());

describe("the web process's Probot", () => {
  it("gives every delivery one shared client that refuses GitHub calls without sending them", async () => {
    const github = fakeGithubFetch();
    const globalFetch = vi.fn(github.fetch);
    vi.stubGlobal("fetch", globalFetch);
    const WebProbot = createWebProbot({ env: readAppEnv({}), appId: "1", privateKey, webhookSecret: "web", log });
    const probot = new WebProbot({ request: { fetch: github.fetch } });
    const contexts = await loadCapturing(probot);

    await receive(probot, "pull_request", pullRequestPayload("synchronize", target));
    await receive(probot, "pull_request", pullRequestPayload("opened", { ...target, installationId: 43 }));
    await receive(probot, "installation", examplePayload("installation", "deleted"));

    expect(contexts).toHaveLength(3);
    expect(new Set(contexts.map((context) => context.octokit)).size).toBe(1);
    await expect(contexts[0]!.octokit.request("GET /repos/{owner}/{repo}", { owner: "octo-org", repo: "web" })).rejects.toThrow(WEB_PROCESS_MAKES_NO_GITHUB_CALLS);
    expect(github.calls).toEqual([]);
    expect(globalFetch).not.toHaveBeenCalled();
  });

  it("builds no client per delivery", async () => {
    let built = 0;
    class Counted extends WebhookOnlyOctokit {
      constructor(...args: ConstructorParameters<typeof WebhookOnlyOctokit>) {
        super(...args);
        built += 1;
      }
    }
    const probot = new Probot({ appId: 1, privateKey, secret: "web", Octokit: Counted as typeof WebhookOnlyOctokit, log });
    await loadCapturing(probot);
    await receive(probot, "pull_request", pullRequestPayload("synchronize", target));
    const afterFirst = built;
    for (let i = 0; i < 5; i++) await receive(probot, "pull_request", pullRequestPayload("synchronize", { ...target, number: 10 + i }));
    expect(built).toBe(afterFirst);
  });

  it("keeps the App's own clients: app.auth(installation) takes a token and calls GitHub", async () => {
    const github = fakeGithubFetch();
    const WebProbot = createWebProbot({ env: readAppEnv({}), appId: "1", privateKey, webhookSecret: "web", log });
    const probot = new WebProbot({ request: { fetch: github.fetch } });
    const octokit = await probot.auth(42);
    const { data } = await octokit.request("GET /repos/{owner}/{repo}", { owner: "octo-org", repo: "web" });

    expect(data).toMatchObject({ full_name: "octo-org/web" });
    expect(github.calls.map(({ method, url }) => `${method} ${url}`)).toEqual([
      "POST https://api.github.com/app/installations/42/access_tokens",
      "GET https://api.github.com/repos/octo-org/web",
    ]);
    expect(github.calls[0]!.authorization).toMatch(/^bearer /i);
    expect(github.calls[1]!.authorization).toBe("token ghs_installation");
  });
});
