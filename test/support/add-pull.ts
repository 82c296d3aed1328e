import { randomBytes } from "node:crypto";
import type { AddPullRequestInput, GithubFake } from "../fakes/github-fake.js";
import type { PullTarget } from "./webhook-payloads.js";

/** Adds an open PR titled `Change N` with a random head SHA (unless given) to the fake; returns it as a webhook target. */
export function addPull(github: GithubFake, input: AddPullRequestInput): PullTarget {
  const headSha = input.headSha ?? randomBytes(20).toString("hex");
  const { base } = github.addPullRequest({ title: `Change ${input.number}`, ...input, headSha });
  return { owner: input.owner, repo: input.repo, number: input.number, headSha, baseSha: base.sha, installationId: github.state.installationId };
}
