import { Octokit } from "@octokit/rest";
import { ProbotOctokit } from "probot";

/** What a webhook handler meets if it calls GitHub through `context.octokit` in the web process. */
export const WEB_PROCESS_MAKES_NO_GITHUB_CALLS =
  "The web process makes no GitHub calls from webhook handlers: they only enqueue, and the worker calls GitHub";

type AuthOptions = { type?: string } | undefined;

/**
 * Probot's Octokit for the web process. For every delivery Probot asks its Octokit for an "event-octokit"
 * and octokit-auth-probot builds a new installation client with all of Probot's plugins (about a tenth
 * of the web process's CPU per delivery), which our handlers never use: they only enqueue. This class
 * hands every event ONE shared client that refuses requests with a clear error instead. Everything else
 * (the App client, `app.auth(id)`) is Probot's own.
 */
export class WebhookOnlyOctokit extends ProbotOctokit {
  constructor(...args: ConstructorParameters<typeof ProbotOctokit>) {
    super(...args);
    const auth = this.auth.bind(this) as (options?: AuthOptions) => Promise<unknown>;
    this.auth = (async (options?: AuthOptions) => (options?.type === "event-octokit" ? refusingClient() : auth(options))) as typeof this.auth;
  }
}

let shared: Octokit | null = null;

function refusingClient(): Octokit {
  if (!shared) {
    shared = new Octokit();
    shared.hook.wrap("request", () => {
      throw new Error(WEB_PROCESS_MAKES_NO_GITHUB_CALLS);
    });
  }
  return shared;
}
