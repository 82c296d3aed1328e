import picomatch from "picomatch";
import type { DirectoryEntry, RepositoryReader } from "../../src/repository/repository-reader.js";

/**
 * A RepositoryReader over files held in memory, following the reader's contract (confinement, binary,
 * literal search, one directory's entries), for unit tests of code that reads the repository.
 * Integration tests use the real snapshot over the GitHub fake's tarballs instead.
 */
export function createMemoryRepository(head: Record<string, string | Uint8Array>, base: Record<string, string | Uint8Array> = head): RepositoryReader {
  const normalise = (path: string): string | null => {
    if (path.startsWith("/") || path.includes("\\")) return null;
    const parts = path.split("/").filter((part) => part !== "" && part !== ".");
    if (parts.includes("..")) return null;
    return parts.join("/");
  };
  const outside = { kind: "refused", reason: "the path leaves the repository" } as const;
  return {
    source: "snapshot",
    limitation: null,
    async readFile(path, version) {
      const clean = normalise(path);
      if (clean === null) return outside;
      const content = (version === "base" ? base : head)[clean];
      if (content === undefined) return { kind: "missing" };
      if (typeof content !== "string") return { kind: "binary", bytes: content.byteLength };
      return { kind: "text", text: content };
    },
    async searchCode(query, pathGlob, maxMatches) {
      const inGlob = pathGlob ? picomatch(pathGlob, { dot: true }) : () => true;
      const matches = [];
      let total = 0;
      for (const path of Object.keys(head).sort()) {
        const content = head[path];
        if (typeof content !== "string" || !inGlob(path)) continue;
        const lines = content.split("\n");
        for (let index = 0; index < lines.length; index++) {
          if (!lines[index]!.includes(query)) continue;
          total++;
          if (matches.length < maxMatches) matches.push({ path, line: index + 1, text: lines[index]! });
        }
      }
      return { kind: "matches", matches, omitted: total - matches.length };
    },
    async listFiles(path, maxEntries) {
      const clean = normalise(path);
      if (clean === null) return outside;
      const prefix = clean === "" ? "" : `${clean}/`;
      const entries = new Map<string, DirectoryEntry>();
      for (const file of Object.keys(head)) {
        if (!file.startsWith(prefix)) continue;
        const [name, ...rest] = file.slice(prefix.length).split("/");
        entries.set(name!, { name: name!, type: rest.length > 0 ? "dir" : "file" });
      }
      if (entries.size === 0) return { kind: "missing" };
      const sorted = [...entries.values()].sort((a, b) => a.name.localeCompare(b.name));
      return { kind: "entries", entries: sorted.slice(0, maxEntries), omitted: Math.max(0, sorted.length - maxEntries) };
    },
  };
}
