import { setTimeout as sleep } from "node:timers/promises";
import { ProbotOctokit } from "probot";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { GithubClient } from "../../../src/github/github-client.js";
import { listPullRequestFiles } from "../../../src/github/pull-requests.js";
import { githubFaults } from "../../fakes/github-faults.js";
import { FAKE_GITHUB_TOKEN, startGithubFake, type GithubFake } from "../../fakes/github-fake.js";
import { newFileDiff } from "../../support/new-file-diff.js";

/*
 * The PR's file list for a job that can stop, through Probot's Octokit as the app builds it (retry plugin
 * on): every attempt Octokit makes goes through `fetch`, so the counting fetch sees the retries a stopped
 * job must not make, even those that never reach GitHub.
 */

const REF = { owner: "octo-org", repo: "files", pullNumber: 1 };
const FILES_ROUTE = { method: "GET", path: /\/pulls\/1\/files$/ };

let github: GithubFake;
/** What each fetch Octokit makes does once sent (e.g. stop the job). */
let onFetch: (response: Promise<Response>) => void = () => undefined;
let fetches = 0;
let client: GithubClient;

beforeAll(async () => {
  github = await startGithubFake();
  // 150 files: two pages.
  github.addPullRequest({ ...REF, number: 1, diff: Array.from({ length: 150 }, (_, i) => newFileDiff(`src/f${i}.ts`, 1)).join("") });
  const counting = (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    fetches++;
    const response = fetch(input, init);
    onFetch(response);
    return response;
  };
  client = new ProbotOctokit({ baseUrl: github.baseUrl, auth: { token: FAKE_GITHUB_TOKEN }, throttle: { enabled: false }, request: { fetch: counting } } as ConstructorParameters<typeof ProbotOctokit>[0]) as unknown as GithubClient;
});

afterAll(async () => {
  expect(github.unexpected).toEqual([]);
  await github.close();
});

beforeEach(() => {
  fetches = 0;
  onFetch = () => undefined;
});

const filesRequests = () => github.requests.filter((request) => request.method === "GET" && request.path.endsWith("/pulls/1/files")).length;

/** The listing's outcome, or "still waiting" if it has not settled long after it should have (10 s; it takes milliseconds). */
const settled = <T>(listing: Promise<T>) => Promise.race([listing.then((value) => ({ value }), (error: unknown) => ({ error })), sleep(10_000).then(() => "still waiting" as const)]);

describe("listPullRequestFiles for a job that can stop", () => {
  it("reads every page, retrying a server error", async () => {
    github.failNext(FILES_ROUTE, githubFaults.serverError(502));
    const stop = new AbortController();
    const files = await listPullRequestFiles(client, REF, undefined, stop.signal, [1]);
    expect(files).toHaveLength(150);
    expect(fetches).toBe(3);
  });

  it("does not retry what a retry cannot change (404), and gives up on a server error after its waits", async () => {
    const stop = new AbortController();
    github.failNext(FILES_ROUTE, { status: 404, body: { message: "Not Found" } });
    await expect(listPullRequestFiles(client, REF, undefined, stop.signal, [1])).rejects.toMatchObject({ status: 404 });
    expect(fetches).toBe(1);
    github.failNext(FILES_ROUTE, githubFaults.serverError(502, 3));
    await expect(listPullRequestFiles(client, REF, undefined, stop.signal, [1, 1])).rejects.toMatchObject({ status: 502 });
    expect(fetches).toBe(4);
  });

  it("stops at once when the job stops during a page (an abort with a reason): no retry, sent or not", async () => {
    const stop = new AbortController();
    github.delayNext(FILES_ROUTE, 5_000);
    onFetch = () => setImmediate(() => stop.abort(new Error("the job stopped")));
    const before = filesRequests();

    const outcome = await settled(listPullRequestFiles(client, REF, undefined, stop.signal));

    expect(outcome).toMatchObject({ error: expect.anything() });
    expect(fetches).toBe(1);
    expect(filesRequests() - before).toBeLessThanOrEqual(1);
  });

  it("stops at once when the job stops while a server error waits for its retry", async () => {
    const stop = new AbortController();
    github.failNext(FILES_ROUTE, githubFaults.serverError(502));
    onFetch = (response) => void response.then((answer) => answer.status === 502 && stop.abort(), () => undefined);
    const before = filesRequests();

    // A wait far longer than the test: the listing settles only if the wait ends with the job.
    const outcome = await settled(listPullRequestFiles(client, REF, undefined, stop.signal, [60_000]));

    expect(outcome).toMatchObject({ error: expect.anything() });
    expect(fetches).toBe(1);
    expect(filesRequests() - before).toBe(1);
  });
});
