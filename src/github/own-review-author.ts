/**
 * The one rule for "is this review ours": its author is this App's bot account. A hidden marker is plain
 * text that anyone (another bot, a person) can copy into a review, so the marker identifies our review
 * only once the author does.
 *
 * REST spells the bot's login `<slug>[bot]`; GraphQL's `Bot.login` is the bare slug (`acme-reviewer`),
 * so GraphQL authors go through `restLoginOf` first.
 */

/** The login under which GitHub's REST API shows the App's reviews and comments. */
export function appBotLogin(appSlug: string): string {
  return `${appSlug}[bot]`;
}

/** GraphQL's `Actor { __typename login }` as REST spells the login. */
export function restLoginOf(actor: { __typename: string; login: string }): string {
  return actor.__typename === "Bot" ? appBotLogin(actor.login) : actor.login;
}

/**
 * Whether a review by `restLogin` is ours. `ownLogin` is `appBotLogin(slug)` for the App; null is the
 * CLI on a personal token, whose login is not looked up: its reviews are found by their marker alone.
 * Logins compare case-insensitively, as GitHub matches them.
 */
export function isOwnReviewAuthor(restLogin: string | null | undefined, ownLogin: string | null): boolean {
  if (ownLogin === null) return true;
  return typeof restLogin === "string" && restLogin.toLowerCase() === ownLogin.toLowerCase();
}
