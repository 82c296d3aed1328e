import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import type { Route, RouteEnv, RouteReply, RouteRequest } from "./github-fake-routes.js";
import { repoKey, type FakeRepo, type GithubFakeState } from "./github-fake-state.js";

/*
 * GitHub's repository archives: `GET /repos/{owner}/{repo}/tarball/{ref}` answers 302 to the archive
 * host (codeload.github.com; on GHES the appliance itself) with a short-lived token in the URL, and the
 * archive host serves `git archive` output whose top folder is `<owner>-<repo>-<sha7>/`. The fake's
 * archive host is a path of the same server, `/_codeload/...`, which needs that token and no header.
 */

export const CODELOAD_PREFIX = "/_codeload/";
const DOCS = "https://docs.github.com/rest/repos/contents#download-a-repository-archive-tar";
const GIT_ENV = { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" };

/** Archive state of the fake: tokens handed out with redirects, and archives a test substitutes. */
export interface FakeArchives {
  /** token -> `owner/repo@sha` it opens. */
  tokens: Map<string, string>;
  /** `owner/repo@sha` (lower-case repo) -> bytes served instead of `git archive` (a hostile tarball). */
  substitutes: Map<string, Buffer | Buffer[]>;
}

const archivesByState = new WeakMap<GithubFakeState, FakeArchives>();

export function archivesOf(state: GithubFakeState): FakeArchives {
  let archives = archivesByState.get(state);
  if (!archives) archivesByState.set(state, (archives = { tokens: new Map(), substitutes: new Map() }));
  return archives;
}

function notFound(unexpected?: string): RouteReply {
  return { status: 404, json: { message: "Not Found", documentation_url: DOCS, status: "404" }, unexpected };
}

/** The commit `ref` names, in a repository with a history or a substitute archive. */
function resolveRef(repo: FakeRepo, archives: FakeArchives, ref: string): string | null {
  if (archives.substitutes.has(`${repoKey(repo.owner, repo.name)}@${ref}`)) return ref;
  return repo.git?.resolve(ref) ?? null;
}

function tarball(request: RouteRequest, env: RouteEnv): RouteReply {
  const repo = env.state.repos.get(repoKey(request.params.owner ?? "", request.params.repo ?? ""));
  if (!repo) return notFound(`repository ${request.params.owner}/${request.params.repo} is not in the fake`);
  const archives = archivesOf(env.state);
  const sha = resolveRef(repo, archives, request.params.ref ?? "");
  // An unknown commit is GitHub's ordinary 404, not a surprise (a force-push can drop one).
  if (!sha) return notFound();
  const token = `AAAA${randomBytes(12).toString("hex")}`;
  archives.tokens.set(token, `${repoKey(repo.owner, repo.name)}@${sha}`);
  const location = `${env.origin}${CODELOAD_PREFIX}${repo.owner}/${repo.name}/legacy.tar.gz/${sha}?token=${token}`;
  return { status: 302, headers: { location }, text: "" };
}

/** `GET /_codeload/{owner}/{repo}/legacy.tar.gz/{sha}?token=`: the archive, streamed as codeload does (no Content-Length). */
export function answerArchive(path: string, query: Record<string, string>, state: GithubFakeState): RouteReply {
  const match = /^\/_codeload\/([^/]+)\/([^/]+)\/legacy\.tar\.gz\/([0-9a-f]{40})$/.exec(path);
  if (!match) return { status: 404, text: "404: Not Found", unexpected: `no archive route for ${path}` };
  const [, owner, name, sha] = match as unknown as [string, string, string, string];
  const archives = archivesOf(state);
  const key = `${repoKey(owner, name)}@${sha}`;
  if (archives.tokens.get(query.token ?? "") !== key) return { status: 404, text: "404: Not Found", unexpected: `archive ${key} asked for without the token of its redirect` };
  const repo = state.repos.get(repoKey(owner, name));
  const substitute = archives.substitutes.get(key);
  const headers = { "content-disposition": `attachment; filename=${owner}-${name}-${sha.slice(0, 7)}.tar.gz` };
  if (Array.isArray(substitute)) return { status: 200, stream: () => Readable.from(substitute), contentType: "application/x-gzip", headers };
  if (substitute) return { status: 200, bytes: substitute, contentType: "application/x-gzip", headers };
  const git = repo?.git;
  if (!git) return { status: 404, text: "404: Not Found", unexpected: `archive ${key} of a repository without history` };
  const stream = () => {
    const child = spawn("git", ["archive", "--format=tar.gz", `--prefix=${owner}-${name}-${sha.slice(0, 7)}/`, sha], { cwd: git.dir, env: GIT_ENV, stdio: ["ignore", "pipe", "ignore"] });
    return child.stdout as Readable;
  };
  return { status: 200, stream, contentType: "application/x-gzip", headers };
}

export const ARCHIVE_ROUTES: Route[] = [{ method: "GET", pattern: "/repos/:owner/:repo/tarball/:ref", auth: "token", handle: tarball }];
