import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));

interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

/** Dockerfile instructions with continuation lines joined and comments dropped (enough for lint rules). */
function parseDockerfile(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let buffer = "";
  let start = 0;
  text.split("\n").forEach((raw, index) => {
    const line = raw.trim();
    if (!buffer && (line === "" || line.startsWith("#"))) return;
    if (!buffer) start = index + 1;
    buffer += `${line.replace(/\\$/, "")} `;
    if (line.endsWith("\\")) return;
    const [keyword, ...rest] = buffer.trim().split(/\s+/);
    instructions.push({ keyword: keyword!.toUpperCase(), args: rest.join(" "), line: start });
    buffer = "";
  });
  return instructions;
}

/** Instructions grouped by build stage (each FROM starts one). */
function stagesOf(instructions: Instruction[]) {
  const stages: { from: string; name: string | null; body: Instruction[] }[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === "FROM") {
      const match = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(instruction.args)!;
      stages.push({ from: match[1]!, name: match[2] ?? null, body: [] });
    } else {
      stages.at(-1)?.body.push(instruction);
    }
  }
  return stages;
}

const instructions = parseDockerfile(readFileSync(root("Dockerfile"), "utf8"));
const stages = stagesOf(instructions);
const runtime = stages.at(-1)!;
const args = (stage: (typeof stages)[number], keyword: string) => stage.body.filter((i) => i.keyword === keyword).map((i) => i.args);

describe("Dockerfile (lint rules checked here; hadolint is not available offline)", () => {
  it("is multi-stage with named stages on pinned Node 20 slim images", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) {
      expect(stage.name).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(stage.from).toBe("node:20-slim");
    }
  });

  it("builds with dev dependencies in a build stage", () => {
    const build = stages.find((stage) => stage.name === "build")!;
    const runs = args(build, "RUN").join("\n");
    expect(runs).toMatch(/npm ci(?!\s+--omit)/);
    expect(runs).toContain("npm run build");
  });

  it("installs production dependencies only for the runtime image", () => {
    const sources = args(runtime, "COPY").filter((copy) => copy.includes("node_modules"));
    expect(sources).toHaveLength(1);
    const from = /--from=(\S+)/.exec(sources[0]!)?.[1];
    const depsStage = stages.find((stage) => stage.name === from)!;
    expect(args(depsStage, "RUN").join(" ")).toMatch(/npm ci --omit=dev/);
  });

  it("only copies from stages defined earlier", () => {
    const names = stages.map((stage) => stage.name);
    for (const [index, stage] of stages.entries()) {
      for (const copy of args(stage, "COPY")) {
        const from = /--from=(\S+)/.exec(copy)?.[1];
        if (from) expect(names.slice(0, index)).toContain(from);
      }
    }
  });

  it("runs as the non-root node user, with a /healthz HEALTHCHECK and an exec-form CMD for the web process", () => {
    const keywords = runtime.body.map((instruction) => instruction.keyword);
    expect(args(runtime, "USER")).toEqual(["node"]);
    expect(keywords.indexOf("USER")).toBeLessThan(keywords.indexOf("CMD"));
    const healthcheck = args(runtime, "HEALTHCHECK");
    expect(healthcheck).toHaveLength(1);
    expect(healthcheck[0]).toMatch(/--interval=\d+s/);
    expect(healthcheck[0]).toContain("/healthz");
    expect(JSON.parse(args(runtime, "CMD")[0]!)).toEqual(["node", "dist/web.js"]);
    expect(args(runtime, "ENV").join(" ")).toContain("HOST=0.0.0.0");
  });

  it("avoids the usual hadolint findings: no ADD, no apt without cleanup, no sudo, no :latest", () => {
    expect(instructions.filter((i) => i.keyword === "ADD")).toEqual([]);
    expect(instructions.filter((i) => /\bsudo\b/.test(i.args))).toEqual([]);
    expect(instructions.filter((i) => i.keyword === "FROM" && /:latest\b|^[^:]+$/.test(i.args.split(/\s/)[0]!))).toEqual([]);
    for (const run of instructions.filter((i) => i.keyword === "RUN" && i.args.includes("apt-get install"))) {
      expect(run.args).toContain("--no-install-recommends");
      expect(run.args).toContain("rm -rf /var/lib/apt/lists");
    }
  });

  it("keeps secrets and local state out of the build context", () => {
    const ignored = readFileSync(root(".dockerignore"), "utf8").split("\n").map((line) => line.trim());
    for (const entry of [".env", "*.pem", "node_modules", ".git", ".data", "dist"]) expect(ignored).toContain(entry);
  });
});
