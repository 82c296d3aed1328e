import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCommand } from "../../support/run-cli.js";

// Runs the suite's real global setup in its own process, with a PATH that has node but no redis-server.
const RUN_SETUP = `
const { default: setup } = await import("./test/global-setup.ts");
try {
  const teardown = await setup({ provide() {} });
  console.log("setup succeeded");
  await teardown?.();
} catch (error) {
  console.log("setup rejected:", error.message);
  process.exitCode = 1;
}`;

describe("npm test without redis-server", () => {
  it("fails with the install hint instead of exiting silently", async () => {
    // A PATH with only node on it (redis-server often sits beside node in /usr/bin).
    const bin = mkdtempSync(join(tmpdir(), "codex-review-no-redis-"));
    symlinkSync(process.execPath, join(bin, "node"));
    const { TEST_REDIS_URL: _unset, ...env } = process.env;
    const run = await runCommand(process.execPath, ["--import", "tsx", "--input-type=module", "-e", RUN_SETUP], {
      ...(env as Record<string, string>),
      PATH: bin,
    }, 20_000).finally(() => rmSync(bin, { recursive: true, force: true }));
    const output = run.stdout + run.stderr;
    expect(run.code).toBe(1);
    expect(output).toContain("setup rejected:");
    expect(output).toContain("apt-get install -y redis-server");
    expect(output).toContain("brew install redis");
    expect(output).toContain("TEST_REDIS_URL");
  });
});
