import { answerThread } from "./answer-thread.js";
import { reviewPullRequest } from "./review-pull-request.js";
import { runCommand } from "./run-command.js";
/** Sends a job to the code that handles its kind. */
export function runJob(data, github, services, log) {
    switch (data.kind) {
        case "review":
            return reviewPullRequest(data, { github, reviewer: services.reviewer, settings: services.settings, pauses: services.pauses, log });
        case "command":
            return runCommand(data, { github, settings: services.settings, pauses: services.pauses, appSlug: services.appSlug, log });
        case "reply":
            return answerThread(data, { github, responder: services.responder, appSlug: services.appSlug, log });
    }
}
