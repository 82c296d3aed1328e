import { execFileSync } from "node:child_process";
import { posix } from "node:path";
import type { GitRepo } from "../support/git-repo.js";
import type { FakeRepo } from "./github-fake-state.js";
import type { RouteReply, RouteRequest } from "./github-fake-routes.js";

/*
 * `GET /repos/{owner}/{repo}/contents/{path}?ref=` answered from the repository's real git history, as
 * GitHub does: a file is JSON with its base64 `content` (or raw bytes under `Accept: ...raw`), a folder
 * is an array of entries, a symlink that resolves inside the repository answers as its target file and
 * one that does not as `type: "symlink"`, files over 1 MB come with `encoding: "none"` and no content.
 */

const DOCS = "https://docs.github.com/rest/repos/contents#get-repository-content";
/** GitHub inlines file content up to 1 MB. */
const INLINE_BYTES = 1024 * 1024;
const GIT_ENV = { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" };

interface TreeEntry {
  mode: string;
  type: "blob" | "tree" | "commit";
  object: string;
  size: number;
  name: string;
}

function gitBytes(git: GitRepo, ...args: string[]): Buffer {
  return execFileSync("git", args, { cwd: git.dir, env: GIT_ENV, maxBuffer: 256 * 1024 * 1024 });
}

/** `git ls-tree -l -z`: entries of `treeish` (a folder when `path` ends with `/`, else the entry itself). */
function lsTree(git: GitRepo, commit: string, path: string): TreeEntry[] {
  const out = gitBytes(git, "ls-tree", "-l", "-z", commit, "--", ...(path === "" ? [] : [path])).toString("utf8");
  return out
    .split("\0")
    .filter(Boolean)
    .map((line) => {
      const [meta, fullPath] = line.split("\t") as [string, string];
      const [mode, type, object, size] = meta.split(/\s+/) as [string, TreeEntry["type"], string, string];
      return { mode, type, object, size: size === "-" ? 0 : Number(size), name: posix.basename(fullPath) };
    });
}

function notFound(message = "Not Found"): RouteReply {
  return { status: 404, json: { message, documentation_url: DOCS, status: "404" } };
}

/** The answer for `path` (`""` = the root) at `ref` in a git-backed repository. */
export function contentsFromGit(repo: FakeRepo, git: GitRepo, request: RouteRequest, path: string, ref: string, origin: string): RouteReply {
  const commit = git.resolve(ref);
  if (!commit) return notFound(`No commit found for the ref ${ref}`);
  const api = `${origin}/api/v3/repos/${repo.owner}/${repo.name}/contents`;
  const entryJson = (entry: TreeEntry, entryPath: string) => {
    const type = entry.type === "tree" ? "dir" : entry.type === "commit" ? "submodule" : entry.mode === "120000" ? "symlink" : "file";
    const url = `${api}/${entryPath}?ref=${ref}`;
    return { type, size: type === "file" || type === "symlink" ? entry.size : 0, name: entry.name, path: entryPath, sha: entry.object, url, git_url: null, html_url: null, download_url: null, _links: { self: url } };
  };
  if (path !== "") {
    const [entry] = lsTree(git, commit, path);
    if (!entry) return notFound();
    if (entry.type === "blob" && entry.mode !== "120000") return fileReply(git, request, entry, entryJson(entry, path));
    if (entry.type === "blob") {
      const target = gitBytes(git, "cat-file", "blob", entry.object).toString("utf8");
      const resolved = posix.normalize(posix.join(posix.dirname(path), target));
      const [pointed] = resolved.startsWith("../") || posix.isAbsolute(target) ? [] : lsTree(git, commit, resolved);
      if (pointed?.type === "blob" && pointed.mode !== "120000") return fileReply(git, request, pointed, entryJson(pointed, resolved));
      return { status: 200, json: { ...entryJson(entry, path), target } };
    }
    if (entry.type === "commit") return { status: 200, json: { ...entryJson(entry, path), submodule_git_url: null } };
  }
  const children = lsTree(git, commit, path === "" ? "" : `${path}/`);
  return { status: 200, json: children.map((child) => entryJson(child, path === "" ? child.name : `${path}/${child.name}`)) };
}

function fileReply(git: GitRepo, request: RouteRequest, entry: TreeEntry, json: Record<string, unknown>): RouteReply {
  const bytes = gitBytes(git, "cat-file", "blob", entry.object);
  if (/\.raw\b/.test(String(request.headers.accept ?? ""))) return { status: 200, bytes, contentType: "application/vnd.github.raw" };
  const inline = bytes.length <= INLINE_BYTES;
  return {
    status: 200,
    json: { ...json, encoding: inline ? "base64" : "none", content: inline ? bytes.toString("base64").replace(/.{60}/g, "$&\n") : "" },
  };
}
