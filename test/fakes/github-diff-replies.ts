import { parseFakeDiff } from "./github-diff.js";
import { syncPullWithGit } from "./github-git.js";
import type { FakePullRequest, FakeRepo } from "./github-fake-state.js";
import type { RouteReply } from "./github-fake-routes.js";

/*
 * The diff media type (`Accept: application/vnd.github.diff`) on a PR (`GET /pulls/:n`) and on a
 * comparison (`GET /compare/{base}...{head}`). GitHub documents the same diff limits for commits, pull
 * requests and compare views (300 files, 20,000 lines); past them the PR's diff answers 406 too_large.
 * The REST docs say nothing of a compare's diff past them, and one was seen served whole (getsentry/seer#138):
 * the fake answers 406 for it too unless told to serve it whole (`compareDiffWhole`).
 */

const DOCS = {
  getPull: "https://docs.github.com/rest/pulls/pulls#get-a-pull-request",
  listFiles: "https://docs.github.com/rest/pulls/pulls#list-pull-requests-files",
  compare: "https://docs.github.com/rest/commits/commits#compare-two-commits",
};

/** The diff, or GitHub's 406 when it is past the diff limits. */
export function diffReply(diff: string, files: number, limits: { diffLines: number; diffFiles: number }, of: "pull" | "compare"): RouteReply {
  const resource = of === "pull" ? "PullRequest" : "Comparison";
  if (files > limits.diffFiles) {
    return {
      status: 406,
      json: {
        message: `Sorry, the diff exceeded the maximum number of files (${limits.diffFiles}). Consider using 'List pull requests files' API or locally cloning the repository instead.`,
        errors: [{ resource, field: "diff", code: "too_large" }],
        documentation_url: of === "pull" ? DOCS.listFiles : DOCS.compare,
        status: "406",
      },
    };
  }
  const lines = diff.split("\n").length - (diff.endsWith("\n") ? 1 : 0);
  if (lines > limits.diffLines) {
    return {
      status: 406,
      json: {
        message: `Sorry, the diff exceeded the maximum number of lines (${limits.diffLines})`,
        errors: [{ resource, field: "diff", code: "too_large" }],
        documentation_url: of === "pull" ? DOCS.getPull : DOCS.compare,
        status: "406",
      },
    };
  }
  return { status: 200, text: diff, contentType: "application/vnd.github.v3.diff; charset=utf-8" };
}

/**
 * The PR's diff as one read of it sees it: the previous push's while a replica behind the push answers
 * (`staleDiff`, set by the fake's `lagDiff`), else the current one.
 */
export function readPullDiff(pull: FakePullRequest): { diff: string; files: number } {
  const stale = pull.staleDiff;
  if (stale && stale.reads > 0) {
    stale.reads--;
    return { diff: stale.diff, files: stale.files };
  }
  return { diff: pull.diff, files: pull.parsed.length };
}

/**
 * `base...head` of a repository without a git history: the diff of its PR with that base and head (what
 * GitHub's comparison of them is). Null when no PR has them: GitHub would not know the commits (404).
 */
export function pullComparisonDiff(repo: FakeRepo, base: string, head: string, origin: string): { diff: string; files: number } | null {
  for (const pull of repo.pulls.values()) {
    syncPullWithGit(repo, pull, origin);
    if (pull.base.sha === base && pull.head.sha === head) return { diff: pull.diff, files: pull.parsed.length };
  }
  return null;
}

/** `GET /compare/{base}...{head}` with the diff media type: computed by git, or a PR's diff without a history. */
export function compareDiffReply(repo: FakeRepo, basehead: string, capped: { diffLines: number; diffFiles: number; compareDiffWhole: boolean }, origin: string): RouteReply {
  const limits = capped.compareDiffWhole ? { diffLines: Infinity, diffFiles: Infinity } : capped;
  const notFound: RouteReply = { status: 404, json: { message: "Not Found", documentation_url: DOCS.compare, status: "404" } };
  const parts = /^(.+?)\.\.\.(.+)$/.exec(basehead);
  if (!parts) return { ...notFound, unexpected: `compare expects BASE...HEAD, got ${basehead}` };
  const git = repo.git;
  if (!git) {
    const found = pullComparisonDiff(repo, parts[1]!, parts[2]!, origin);
    return found ? diffReply(found.diff, found.files, limits, "compare") : notFound;
  }
  const base = git.resolve(parts[1]!);
  const head = git.resolve(parts[2]!);
  const mergeBase = base && head ? git.mergeBase(base, head) : null;
  if (!head || !mergeBase) return notFound;
  const diff = git.diff(mergeBase, head);
  return diffReply(diff, parseFakeDiff(diff).length, limits, "compare");
}
