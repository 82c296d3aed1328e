import { hasWriteAccess } from "../github/conversation.js";
import { httpStatusOf, type GithubClient, type PullRequestRef } from "../github/github-client.js";

/** Write access or more; GitHub answers 404 for people who are not collaborators at all. */
export async function mayRunCommands(github: GithubClient, ref: PullRequestRef, login: string): Promise<boolean> {
  try {
    return await hasWriteAccess(github, ref, login);
  } catch (error) {
    if (httpStatusOf(error) === 404) return false;
    throw error;
  }
}
