import { hasWriteAccess } from "../github/conversation.js";
import { httpStatusOf } from "../github/github-client.js";
/** Write access or more; GitHub answers 404 for people who are not collaborators at all. */
export async function mayRunCommands(github, ref, login) {
    try {
        return await hasWriteAccess(github, ref, login);
    }
    catch (error) {
        if (httpStatusOf(error) === 404)
            return false;
        throw error;
    }
}
