import { afterAll, expect, it } from "vitest";
import { startAppProcess, type AppProcess } from "../support/app-process.js";

let app: AppProcess | undefined;
afterAll(async () => {
  await app?.stop();
});

it("`npm start` without App credentials serves Probot's setup flow with the manifest from app.yml", async () => {
  // NO_SMEE_SETUP: Probot's setup would otherwise ask smee.io for a channel and write it into .env.
  app = await startAppProcess("src/main.ts", { NO_SMEE_SETUP: "true" });
  const root = await fetch(app.url, { redirect: "manual" });
  expect(root.status).toBe(302);
  expect(root.headers.get("location")).toMatch(/\/probot$/);

  const page = await (await fetch(`${app.url}/probot`)).text();
  expect(page).toContain("Register GitHub App");
  const manifest = JSON.parse(/name="manifest"[^>]*value='([^']*)'/.exec(page)![1]!);
  expect(manifest.name).toBe("codex-review");
  expect(manifest.default_permissions).toEqual({ pull_requests: "write", contents: "read", issues: "write", checks: "write", metadata: "read" });
  expect(manifest.default_events).toEqual(
    expect.arrayContaining(["pull_request", "issue_comment", "pull_request_review_comment", "installation", "installation_repositories"]),
  );
});
