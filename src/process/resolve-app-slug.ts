import type { Logger } from "pino";
import { Probot } from "probot";
import { z } from "zod";
import { githubBaseUrl, type AppEnv } from "../config/env.js";

const AppInfo = z.object({ slug: z.string().min(1) });

export interface AppSlugOptions {
  env: Pick<AppEnv, "APP_SLUG" | "GHE_HOST" | "GHE_PROTOCOL">;
  appId: string;
  privateKey: string;
  log: Logger;
}

/**
 * The App's slug (its `@<slug>` handle; its bot is `<slug>[bot]`): APP_SLUG when set, otherwise GitHub's
 * own answer to `GET /app` with the App's JWT. GitHub gives each registration its own name, so an App
 * registered as e.g. `acme-reviewer` works without extra configuration.
 */
export async function resolveAppSlug(options: AppSlugOptions): Promise<string> {
  if (options.env.APP_SLUG) return options.env.APP_SLUG;
  const baseUrl = githubBaseUrl(options.env);
  const probot = new Probot({ appId: options.appId, privateKey: options.privateKey, baseUrl, log: options.log });
  try {
    // Not through the Octokit's own request: the throttling plugin builds its limiters once per process,
    // at the first request any Octokit sends, and this one has no Redis. Sent through it, the workers'
    // installation clients would space writes per process instead of across processes on the same Redis.
    const { token } = (await (await probot.auth()).auth({ type: "app" })) as { token: string };
    const response = await fetch(`${baseUrl}/app`, { headers: { authorization: `Bearer ${token}`, accept: "application/vnd.github+json", "user-agent": "codex-review" } });
    if (!response.ok) throw new Error(`GitHub answered ${response.status}`);
    const { slug } = AppInfo.parse(await response.json());
    options.log.info({ appSlug: slug }, "App slug read from GitHub");
    return slug;
  } catch (error) {
    throw new Error(
      `Cannot read the App's slug from GitHub (GET /app): ${(error as Error).message}. Check APP_ID and the private key ` +
        "(and GHE_HOST on GitHub Enterprise), or set APP_SLUG to the App's slug.",
      { cause: error },
    );
  }
}
