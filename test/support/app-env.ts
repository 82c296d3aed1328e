import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AimlApiFake } from "../fakes/aimlapi-fake.js";
import type { GithubFake } from "../fakes/github-fake.js";
import { generateAppPrivateKey } from "./app-process.js";

export const TEST_WEBHOOK_SECRET = "integration-webhook-secret";

/** The env of an app process wired to the local fakes, a real Redis and its own queue. */
export function appEnv(
  fakes: { github: GithubFake; model: AimlApiFake },
  redisUrl: string,
  queueName: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    APP_ID: String(fakes.github.state.appId),
    PRIVATE_KEY: generateAppPrivateKey(),
    WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
    GHE_HOST: fakes.github.host,
    GHE_PROTOCOL: "http",
    REDIS_URL: redisUrl,
    QUEUE_NAME: queueName,
    AIMLAPI_KEY: fakes.model.apiKey,
    AIMLAPI_BASE_URL: fakes.model.url,
    // Each queue (test) its own snapshot cache, out of the worktree.
    REPO_CACHE_DIR: join(tmpdir(), "codex-review-test-repos", queueName),
    ...extra,
  };
}
