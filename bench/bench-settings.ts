/**
 * How long and how big the benchmark runs, from the environment. BENCH_QUICK=1 shrinks everything for a
 * smoke run (two or three minutes; its figures are noisier and docs/benchmarks.md says so).
 *
 *   BENCH_SECTIONS           ingest,pipeline,e2e,snapshot,tools (docs/benchmarks.md is written only when all ran)
 *   BENCH_SNAPSHOT_RUNS (5; quick 3), BENCH_SNAPSHOT_BIG_MB (100; quick 20): see bench/snapshot.ts
 *   BENCH_INGEST_SECONDS     length of each load run (10; quick 3)
 *   BENCH_INGEST_WARMUP_SECONDS, BENCH_INGEST_PAIRS (3), BENCH_INGEST_CONNECTIONS (32)
 *   BENCH_PROFILE=1          profile both ingest sides even when ours meets its goals; BENCH_PROFILE_SECONDS
 *   BENCH_PIPELINE_RUNS, BENCH_PIPELINE_SCALES (0.1,1,10; quick 0.1,0.3,1)
 *   BENCH_E2E_PRS (50; quick 16), BENCH_E2E_WORKERS (1,2,4), BENCH_WORKER_CONCURRENCY (2),
 *   BENCH_MODEL_LATENCY_MS (1500), BENCH_CEILING_PRS (PRs per installation in the ceiling runs: 12; quick 6)
 *   BENCH_E2E_WARMUP (1)     0: no warm-up round before the timed end-to-end runs (see bench/support/review-cluster.ts)
 *   BENCH_TRACE=1            print each end-to-end review's GitHub requests and model calls with their times
 *   BENCH_PROFILE_DIR=<dir>  keep CPU profiles there (node --cpu-prof): each end-to-end worker's and the ingest sides'
 */
export interface BenchSettings {
  quick: boolean;
  /** Which sections run: ingest, pipeline, e2e, snapshot, tools. */
  sections: Set<string>;
  ingest: { seconds: number; warmupSeconds: number; pairs: number; connections: number; profileSeconds: number; forceProfile: boolean };
  pipeline: { runs: number | undefined; scales: number[] };
  e2e: {
    prs: number;
    chunksPerPr: number;
    workers: number[];
    workerConcurrency: number;
    chunkConcurrency: number;
    modelLatencyMs: number;
    ceilingPrs: number;
    /** One review per slot before each timed worker run, timed apart. */
    warmup: boolean;
  };
}

export function readBenchSettings(env: NodeJS.ProcessEnv = process.env): BenchSettings {
  const quick = env.BENCH_QUICK === "1" || env.BENCH_QUICK === "true";
  const int = (name: string, normal: number, short: number) => {
    const raw = env[name];
    const value = raw === undefined || raw === "" ? (quick ? short : normal) : Number(raw);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got ${raw}`);
    return value;
  };
  const list = (name: string, fallback: number[]) => (env[name] ? env[name]!.split(",").map(Number) : fallback);
  return {
    quick,
    sections: new Set((env.BENCH_SECTIONS ?? "ingest,pipeline,e2e,snapshot,tools").split(",").map((name) => name.trim())),
    ingest: {
      seconds: int("BENCH_INGEST_SECONDS", 10, 3),
      warmupSeconds: int("BENCH_INGEST_WARMUP_SECONDS", 3, 1),
      pairs: int("BENCH_INGEST_PAIRS", 3, 3),
      connections: int("BENCH_INGEST_CONNECTIONS", 32, 32),
      profileSeconds: int("BENCH_PROFILE_SECONDS", 6, 3),
      forceProfile: env.BENCH_PROFILE === "1",
    },
    pipeline: {
      runs: env.BENCH_PIPELINE_RUNS ? Number(env.BENCH_PIPELINE_RUNS) : quick ? 1 : undefined,
      scales: list("BENCH_PIPELINE_SCALES", quick ? [0.1, 0.3, 1] : [0.1, 1, 10]),
    },
    e2e: {
      prs: int("BENCH_E2E_PRS", 50, 16),
      chunksPerPr: 4,
      workers: list("BENCH_E2E_WORKERS", [1, 2, 4]),
      // Two reviews at a time per process, so 50 equal PRs split into 25, 13 and 7 rounds on 1, 2 and 4
      // workers (ideal 4-vs-1: 3.57x). At the default 4 they take 13 rounds on one worker and 4 on four,
      // which caps 4-vs-1 at 3.25x by arithmetic alone.
      workerConcurrency: int("BENCH_WORKER_CONCURRENCY", 2, 2),
      chunkConcurrency: 4,
      modelLatencyMs: int("BENCH_MODEL_LATENCY_MS", 1_500, 1_500),
      ceilingPrs: int("BENCH_CEILING_PRS", 12, 6),
      warmup: env.BENCH_E2E_WARMUP !== "0",
    },
  };
}
