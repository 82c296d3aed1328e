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
  const probot = new Probot({ appId: options.appId, privateKey: options.privateKey, baseUrl: githubBaseUrl(options.env), log: options.log });
  try {
    const octokit = await probot.auth();
    const { data } = await octokit.request("GET /app");
    const { slug } = AppInfo.parse(data);
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
