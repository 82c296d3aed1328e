import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { confinePath } from "../../../src/repository/confine-path.js";
import { evictSnapshots } from "../../../src/repository/evict-snapshots.js";
import { tryLock } from "../../../src/repository/file-lock.js";
import { createSnapshotLeases, type SnapshotLeases } from "../../../src/repository/snapshot-leases.js";

let dir: string;
let leases: SnapshotLeases;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "codex-review-coordination-"));
  leases = createSnapshotLeases(join(dir, "leases"), { staleMs: 60_000 });
});

afterEach(() => {
  leases.stop();
  rmSync(dir, { recursive: true, force: true });
});

const ago = (ms: number) => new Date(Date.now() - ms);

/** A snapshot folder as the cache leaves it: meta.json and last-use dated `lastUseAgoMs` back. */
function snapshot(key: string, bytes: number, lastUseAgoMs: number): void {
  const folder = join(dir, "snapshots", key);
  mkdirSync(join(folder, "tree"), { recursive: true });
  writeFileSync(join(folder, "meta.json"), JSON.stringify({ bytes, files: 1 }));
  writeFileSync(join(folder, "last-use"), "");
  utimesSync(join(folder, "last-use"), ago(lastUseAgoMs), ago(lastUseAgoMs));
}

describe("the download lock", () => {
  it("lets one holder in at a time and takes over a lock its dead holder stopped refreshing", async () => {
    const path = join(dir, "k.lock");
    const first = await tryLock(path, 30_000);
    expect(first).not.toBeNull();
    expect(await tryLock(path, 30_000)).toBeNull();
    await first!.release();
    const second = await tryLock(path, 30_000);
    expect(second).not.toBeNull();
    await second!.release();

    writeFileSync(path, "12345\n");
    utimesSync(path, ago(60_000), ago(60_000));
    const taken = await tryLock(path, 30_000);
    expect(taken).not.toBeNull();
    expect(await tryLock(path, 30_000)).toBeNull();
    await taken!.release();
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe("eviction", () => {
  const folders = () => ({ snapshots: join(dir, "snapshots"), trash: join(dir, "trash"), leases });
  beforeEach(() => mkdirSync(join(dir, "trash")));

  it("removes the least recently used first until the bound holds, and reports what is left", async () => {
    snapshot("a", 100, 3_000);
    snapshot("b", 100, 2_000);
    snapshot("c", 100, 1_000);
    expect(await evictSnapshots(folders(), 200)).toBe(200);
    expect(readdirSync(join(dir, "snapshots")).sort()).toEqual(["b", "c"]);
    expect(readdirSync(join(dir, "trash"))).toEqual([]);
  });

  it("skips a snapshot with a live lease, and ignores a lease its dead process left", async () => {
    snapshot("a", 100, 3_000);
    snapshot("b", 100, 2_000);
    snapshot("c", 100, 1_000);
    const release = await leases.take("a");
    mkdirSync(join(dir, "leases", "b"), { recursive: true });
    writeFileSync(join(dir, "leases", "b", "999999-dead"), "");
    utimesSync(join(dir, "leases", "b", "999999-dead"), ago(120_000), ago(120_000));
    expect(await evictSnapshots(folders(), 200)).toBe(200);
    expect(readdirSync(join(dir, "snapshots")).sort()).toEqual(["a", "c"]);
    expect(existsSync(join(dir, "leases", "b", "999999-dead"))).toBe(false);
    await release();
    expect(await evictSnapshots(folders(), 100)).toBe(100);
    expect(readdirSync(join(dir, "snapshots"))).toEqual(["c"]);
  });

  it("stays over the bound when everything is in use", async () => {
    snapshot("a", 100, 1_000);
    const release = await leases.take("a");
    expect(await evictSnapshots(folders(), 10)).toBe(100);
    await release();
  });
});

describe("confinePath", () => {
  it.each([
    ["", { ok: true, path: "" }],
    [".", { ok: true, path: "" }],
    ["./src//a.ts", { ok: true, path: "src/a.ts" }],
    ["src/./a.ts/", { ok: true, path: "src/a.ts" }],
    ["a..b/c", { ok: true, path: "a..b/c" }],
    ["..", { ok: false }],
    ["src/../../x", { ok: false }],
    ["/etc/passwd", { ok: false }],
    ["C:\\x", { ok: false }],
    ["a\\..\\b", { ok: false }],
    ["a\0b", { ok: false }],
  ])("%j", (path, expected) => {
    expect(confinePath(path)).toMatchObject(expected);
  });
});
