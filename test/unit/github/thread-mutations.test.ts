import { validate } from "@octokit/graphql-schema";
import { describe, expect, it } from "vitest";
import type { GithubClient } from "../../../src/github/github-client.js";
import { buildReplyMutation, buildResolveMutation, replyInThreads, resolveThreads } from "../../../src/github/thread-mutations.js";

describe("batched thread mutations", () => {
  it("put every thread into ONE document that GitHub's schema accepts", () => {
    const resolve = buildResolveMutation(["PRRT_a", "PRRT_b", "PRRT_c"]);
    expect(validate(resolve.query)).toEqual([]);
    expect(resolve.query.match(/resolveReviewThread/g)).toHaveLength(3);
    expect(resolve.variables).toEqual({ t0: "PRRT_a", t1: "PRRT_b", t2: "PRRT_c" });
    const reply = buildReplyMutation([
      { threadId: "PRRT_a", body: "Fixed in abc1234" },
      { threadId: "PRRT_b", body: 'quotes " and } braces' },
    ]);
    expect(validate(reply.query)).toEqual([]);
    // Bodies travel as variables: nothing in them can change the document.
    expect(reply.query).not.toContain("braces");
    expect(reply.variables).toMatchObject({ t1: "PRRT_b", b1: 'quotes " and } braces' });
    expect(validate(buildResolveMutation(["PRRT_a"], false).query)).toEqual([]);
  });

  it("reads a partly failed document field by field, as Octokit reports it", async () => {
    const calls: Array<[string, Record<string, unknown> | undefined]> = [];
    const client: GithubClient = {
      request: () => Promise.reject(new Error("no REST")),
      graphql: (query, variables) => {
        calls.push([query, variables]);
        // Octokit's GraphqlResponseError: the partial data and the errors, one per failed alias.
        return Promise.reject(Object.assign(new Error("Request failed"), { data: { t0: { thread: { id: "PRRT_a" } }, t1: null }, errors: [{ type: "NOT_FOUND", path: ["t1"], message: "Could not resolve to a node" }] }));
      },
    };
    expect(await resolveThreads(client, ["PRRT_a", "PRRT_gone"])).toEqual({ done: ["PRRT_a"], failed: [{ threadId: "PRRT_gone", message: "Could not resolve to a node" }] });
    expect(await resolveThreads(client, [])).toEqual({ done: [], failed: [] });
    expect(calls).toHaveLength(1);
    await replyInThreads({ ...client, graphql: (query, variables) => (calls.push([query, variables]), Promise.resolve({ r0: { comment: { databaseId: 1 } } })) }, [{ threadId: "PRRT_a", body: "x" }]);
    // A reply is never retried blindly by Octokit: a lost answer may hide a stored reply.
    expect(calls[1]![1]).toMatchObject({ request: { retries: 0 } });
  });

  it("lets any other failure through", async () => {
    const client: GithubClient = { request: () => Promise.reject(new Error("no REST")), graphql: () => Promise.reject(Object.assign(new Error("502"), { status: 502 })) };
    await expect(resolveThreads(client, ["PRRT_a"])).rejects.toThrow("502");
  });
});
