import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { extractTarball, SnapshotTooLargeError } from "../../../src/repository/extract-tarball.js";
import { buildRawTarball, type RawTarEntry } from "../../support/raw-tarball.js";

const folders: string[] = [];
const emptyFolder = () => {
  const folder = mkdtempSync(join(tmpdir(), "codex-review-extract-"));
  folders.push(folder);
  return folder;
};

afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** GitHub's layout: everything under `owner-repo-sha7/`, which extraction strips. */
const archiveOf = (entries: RawTarEntry[]) => Readable.from([buildRawTarball([{ path: "o-r-abc1234/", type: "Directory" }, ...entries])]);

describe("extractTarball's disk bound", () => {
  // A git tree of a million empty files is a small push (one blob) and a small gzip, yet a million
  // files on the worker's disk: every file takes at least a block, as the cache counts it.
  it("counts empty files at a block each, so an archive of many empty files stops at the bound", async () => {
    const into = emptyFolder();
    const entries: RawTarEntry[] = Array.from({ length: 2_000 }, (_, i) => ({ path: `o-r-abc1234/f${i}`, type: "File" }));
    await expect(extractTarball(archiveOf(entries), into, { archiveBytes: 10 * 1024 ** 2, unpackedBytes: 1024 ** 2 })).rejects.toBeInstanceOf(SnapshotTooLargeError);
    expect(readdirSync(into).length).toBeLessThanOrEqual(256);
  });

  it("extracts a tree within the bound, counting its blocks", async () => {
    const into = emptyFolder();
    const entries: RawTarEntry[] = [
      { path: "o-r-abc1234/src/", type: "Directory" },
      { path: "o-r-abc1234/src/a.ts", type: "File", content: "export const a = 1;\n" },
      { path: "o-r-abc1234/empty", type: "File" },
    ];
    // Four blocks: the top folder, src/, a.ts and the empty file.
    expect(await extractTarball(archiveOf(entries), into, { archiveBytes: 1024 ** 2, unpackedBytes: 1024 ** 2 })).toEqual({ bytes: 4 * 4096, files: 2, skipped: 0 });
    expect(readdirSync(into).sort()).toEqual(["empty", "src"]);
  });
});
