/*
 * Repository snapshots (issue 11): time to the first tool result (open + first readFile) on a cold and a
 * warm cache, GitHub requests per open, and the peak RSS of a process extracting a ~100 MB tarball.
 * Runs against the GitHub fake, whose archive host streams real `git archive` output.
 *   npm run bench:snapshot                 # this section alone
 *   BENCH_SNAPSHOT_RUNS (5; quick 3), BENCH_SNAPSHOT_BIG_MB (100; quick 20)
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { FAKE_GITHUB_TOKEN, startGithubFake, type GithubFake } from "../test/fakes/github-fake.js";
import { createGitRepo, type GitRepo } from "../test/support/git-repo.js";
import type { Row } from "./report-table.js";
import { formatNumber as n, median } from "./support/stats.js";

const run = promisify(execFile);
const OWNER = "bench-org";
const CHILD = fileURLToPath(new URL("./support/snapshot-child.ts", import.meta.url));

export interface SnapshotFigures {
  runs: number;
  files: number;
  archiveMb: number;
  coldMs: number[];
  warmMs: number[];
  /** REST calls (to /api/v3) and archive-host fetches per open. */
  coldRequests: { api: number; archive: number };
  warmRequests: { api: number; archive: number };
  big: { mb: number; ms: number; baselineRssMb: number; peakRssMb: number };
}

interface ChildResult {
  ms: number;
  firstReadMs: number;
  baselineRssMb: number;
  peakRssMb: number;
  read: string;
}

async function openInChild(fake: GithubFake, repo: string, sha: string, cacheDir: string, readPath: string): Promise<ChildResult> {
  const { stdout } = await run(process.execPath, ["--import", "tsx", CHILD], {
    env: { ...process.env, BENCH_GITHUB_URL: fake.baseUrl, BENCH_GITHUB_TOKEN: FAKE_GITHUB_TOKEN, BENCH_CACHE_DIR: cacheDir, BENCH_OWNER: OWNER, BENCH_REPO: repo, BENCH_SHA: sha, BENCH_READ_PATH: readPath },
    maxBuffer: 1024 * 1024,
  });
  const result = JSON.parse(stdout.trim().split("\n").at(-1)!) as ChildResult;
  if (result.read !== "text" && result.read !== "binary") throw new Error(`the first read answered ${result.read}`);
  return result;
}

/** A source tree of `files` text files (~4 KB each, real-looking code), committed on main. */
function sourceRepo(files: number): GitRepo {
  const contents: Record<string, string> = {};
  for (let i = 0; i < files; i++) {
    const body = Array.from({ length: 100 }, (_, line) => `export function handler${i}_${line}(input: string): string { return input.slice(${line}) + "${randomBytes(6).toString("hex")}"; }`).join("\n");
    contents[`src/module-${Math.floor(i / 50)}/file-${i}.ts`] = `${body}\n`;
  }
  return createGitRepo(contents);
}

/** A repository whose tarball is about `mb` MB: incompressible blobs, as vendored binaries are. */
function bigRepo(mb: number): GitRepo {
  const git = createGitRepo({ "README.md": "# big\n" });
  for (let i = 0; i < mb; i++) {
    mkdirSync(join(git.dir, "blobs"), { recursive: true });
    writeFileSync(join(git.dir, "blobs", `blob-${i}.bin`), randomBytes(1024 * 1024));
  }
  git.git("add", "-A");
  git.git("commit", "-q", "-m", "blobs");
  return git;
}

const countRequests = (fake: GithubFake, since: number) => {
  const made = fake.requests.slice(since);
  return { api: made.filter((request) => !request.path.startsWith("/_codeload/") && !request.path.startsWith("/app/")).length, archive: made.filter((request) => request.path.startsWith("/_codeload/")).length };
};

export async function measureSnapshots(options: { runs: number; bigMb: number; files: number }, log: (line: string) => void): Promise<SnapshotFigures> {
  const fake = await startGithubFake();
  const work = mkdtempSync(join(tmpdir(), "codex-review-bench-snapshot-"));
  const repos: GitRepo[] = [];
  try {
    const source = sourceRepo(options.files);
    repos.push(source);
    fake.useGitHistory(OWNER, "source", source);
    const sha = source.sha("main");
    const { stdout: size } = await run("sh", ["-c", `git archive --format=tar.gz ${sha} | wc -c`], { cwd: source.dir, env: { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null" } });
    const readPath = "src/module-0/file-0.ts";
    const coldMs: number[] = [];
    const warmMs: number[] = [];
    let coldRequests = { api: 0, archive: 0 };
    let warmRequests = { api: 0, archive: 0 };
    for (let i = 0; i < options.runs; i++) {
      const dir = join(work, `cache-${i}`);
      let before = fake.requests.length;
      coldMs.push((await openInChild(fake, "source", sha, dir, readPath)).firstReadMs);
      coldRequests = countRequests(fake, before);
      before = fake.requests.length;
      warmMs.push((await openInChild(fake, "source", sha, dir, readPath)).firstReadMs);
      warmRequests = countRequests(fake, before);
      log(`  snapshot run ${i + 1}: cold ${n(coldMs.at(-1)!)} ms, warm ${n(warmMs.at(-1)!)} ms`);
    }

    log(`  building a ${options.bigMb} MB repository`);
    const big = bigRepo(options.bigMb);
    repos.push(big);
    fake.useGitHistory(OWNER, "big", big);
    const bigSha = big.sha("main");
    const bigResult = await openInChild(fake, "big", bigSha, join(work, "cache-big"), "README.md");
    log(`  ${options.bigMb} MB: ${n(bigResult.ms)} ms, peak RSS ${n(bigResult.peakRssMb)} MB (at start ${n(bigResult.baselineRssMb)} MB)`);
    return {
      runs: options.runs,
      files: options.files,
      archiveMb: Number(size.trim()) / 1024 ** 2,
      coldMs,
      warmMs,
      coldRequests,
      warmRequests,
      big: { mb: options.bigMb, ms: bigResult.ms, baselineRssMb: bigResult.baselineRssMb, peakRssMb: bigResult.peakRssMb },
    };
  } finally {
    await fake.close();
    for (const repo of repos) repo.remove();
    rmSync(work, { recursive: true, force: true });
  }
}

export function snapshotRows(f: SnapshotFigures): Row[] {
  const section = "6 Snapshots";
  return [
    {
      section,
      measure: `time to first tool result, cold cache (${n(f.files)} files, ${n(f.archiveMb, 1)} MB tarball), median of ${f.runs}`,
      figure: `${n(median(f.coldMs))} ms`,
      goal: "",
      verdict: "info",
    },
    { section, measure: `time to first tool result, warm cache, median of ${f.runs}`, figure: `${n(median(f.warmMs))} ms`, goal: "", verdict: "info" },
    {
      section,
      measure: "GitHub requests per open: cold (REST + archive host) / warm",
      figure: `${f.coldRequests.api} + ${f.coldRequests.archive} / ${f.warmRequests.api + f.warmRequests.archive}`,
      goal: "cold <= 1 REST, warm 0",
      verdict: f.coldRequests.api <= 1 && f.warmRequests.api + f.warmRequests.archive === 0 ? "pass" : "FAIL",
    },
    {
      section,
      measure: `${f.big.mb} MB tarball extracted: time, peak RSS of the process (at start)`,
      figure: `${n(f.big.ms / 1000, 1)} s, ${n(f.big.peakRssMb)} MB (${n(f.big.baselineRssMb)} MB)`,
      goal: "< 300 MB",
      verdict: f.big.peakRssMb < 300 ? "pass" : "FAIL",
    },
  ];
}

export function readSnapshotBenchOptions(quick: boolean, env: NodeJS.ProcessEnv = process.env): { runs: number; bigMb: number; files: number } {
  return { runs: Number(env.BENCH_SNAPSHOT_RUNS ?? (quick ? 3 : 5)), bigMb: Number(env.BENCH_SNAPSHOT_BIG_MB ?? (quick ? 20 : 100)), files: quick ? 500 : 2_000 };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const quick = process.env.BENCH_QUICK === "1";
  measureSnapshots(readSnapshotBenchOptions(quick), (line) => process.stderr.write(`${line}\n`))
    .then((figures) => {
      for (const row of snapshotRows(figures)) console.log([row.section, row.measure, row.figure, row.goal, row.verdict].join(" | "));
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
