import { z } from "zod";
import { httpStatusOf, type GithubClient } from "../github/github-client.js";
import { confinePath } from "./confine-path.js";
import { looksBinary } from "./detect-binary.js";
import type { DirectoryEntry, ReadFileResult, RepositoryReader, RepositoryTarget, SnapshotVersion } from "./repository-reader.js";

const ContentsFile = z.object({ type: z.literal("file"), encoding: z.string(), size: z.number(), content: z.string() });
const ContentsOther = z.object({ type: z.enum(["dir", "symlink", "submodule"]) });
const ContentsEntry = z.object({ name: z.string(), type: z.enum(["file", "dir", "symlink", "submodule"]) });
const ContentsReply = z.union([z.array(ContentsEntry), ContentsFile, ContentsOther]);
type ContentsReply = z.infer<typeof ContentsReply>;

/**
 * A reader that asks GitHub's contents API for one file or directory at a time
 * (`GET /repos/{owner}/{repo}/contents/{path}?ref={sha}`): for repositories over the snapshot cap, and
 * for the rare reads at the base of a snapshot. It cannot search. Files the API does not inline (over
 * 1 MB) are refused rather than fetched raw.
 */
export function createContentsReader(github: GithubClient, target: RepositoryTarget, limitation: string | null, close: () => Promise<void> = async () => {}): RepositoryReader {
  const fetchContents = async (path: string, version: SnapshotVersion): Promise<ContentsReply | null> => {
    const ref = version === "base" ? target.baseSha : target.headSha;
    try {
      const { data } = path === ""
        ? await github.request("GET /repos/{owner}/{repo}/contents", { owner: target.owner, repo: target.repo, ref })
        : await github.request("GET /repos/{owner}/{repo}/contents/{path}", { owner: target.owner, repo: target.repo, path, ref });
      return ContentsReply.parse(data);
    } catch (error) {
      if (httpStatusOf(error) === 404) return null;
      throw error;
    }
  };
  return {
    source: "contents",
    limitation,
    async readFile(path, version) {
      const confined = confinePath(path);
      if (!confined.ok) return { kind: "refused", reason: confined.reason };
      if (confined.path === "") return { kind: "refused", reason: "the path is a directory; list it with list_files" };
      const reply = await fetchContents(confined.path, version);
      if (reply === null) return { kind: "missing" };
      return fileResult(reply);
    },
    async searchCode() {
      return { kind: "unavailable", reason: limitation ?? "search needs a snapshot of the repository, which this review does not have" };
    },
    async listFiles(path, maxEntries) {
      const confined = confinePath(path);
      if (!confined.ok) return { kind: "refused", reason: confined.reason };
      const reply = await fetchContents(confined.path, "head");
      if (reply === null) return { kind: "missing" };
      if (!Array.isArray(reply)) return { kind: "refused", reason: "the path is not a directory; read it with read_file" };
      // Submodules are other repositories: not part of what a review can read.
      const entries: DirectoryEntry[] = reply
        .filter((entry) => entry.type !== "submodule")
        .map((entry) => ({ name: entry.name, type: entry.type as DirectoryEntry["type"] }))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      return { kind: "entries", entries: entries.slice(0, maxEntries), omitted: Math.max(0, entries.length - maxEntries) };
    },
    close,
  };
}

function fileResult(reply: ContentsReply): ReadFileResult {
  if (Array.isArray(reply) || reply.type === "dir") return { kind: "refused", reason: "the path is a directory; list it with list_files" };
  // GitHub answers `symlink` only for a link it cannot resolve inside the repository.
  if (reply.type === "symlink") return { kind: "refused", reason: "the path is a symlink that leads outside the repository" };
  if (reply.type !== "file") return { kind: "refused", reason: "the path is a submodule (another repository)" };
  if (reply.encoding !== "base64") return { kind: "refused", reason: `the file is ${reply.size} bytes, too large to read through the contents API` };
  const bytes = Buffer.from(reply.content, "base64");
  if (looksBinary(bytes)) return { kind: "binary", bytes: reply.size };
  return { kind: "text", text: bytes.toString("utf8") };
}
