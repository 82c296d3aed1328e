import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
// Inside the project so the compiled files resolve node_modules exactly as dist/ does in the image.
const OUT_DIR = `.build-test-${randomUUID().slice(0, 8)}`;

function run(command: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe("npm run build (what the Docker image runs)", () => {
  beforeAll(async () => {
    const build = await run(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json", "--outDir", OUT_DIR]);
    expect(build.output).toBe("");
    expect(build.code).toBe(0);
  }, 90_000);

  afterAll(() => rmSync(`${ROOT}/${OUT_DIR}`, { recursive: true, force: true }));

  it("emits the three entry points and the CLI as plain JavaScript", () => {
    for (const entry of ["main.js", "web.js", "worker.js", "cli/main.js"]) expect(existsSync(`${ROOT}/${OUT_DIR}/${entry}`)).toBe(true);
  });

  it.each([
    ["web.js", "APP_ID and PRIVATE_KEY (or PRIVATE_KEY_PATH) are required"],
    ["worker.js", "APP_ID and PRIVATE_KEY (or PRIVATE_KEY_PATH) are required"],
  ])("node %s loads every module and stops with the operator's message when unconfigured", async (entry, message) => {
    const result = await run(process.execPath, [`${OUT_DIR}/${entry}`]);
    expect(result.code).toBe(1);
    expect(result.output).toContain(message);
    expect(result.output).not.toContain("ERR_MODULE_NOT_FOUND");
  });

  it("node cli/main.js runs without tsx", async () => {
    const result = await run(process.execPath, [`${OUT_DIR}/cli/main.js`, "--help"]);
    expect(result.code).toBe(0);
    expect(result.output).toContain("codex-review review <owner/repo#number");
  });
});
