import { readPrivateKey } from "../config/env.js";
/** The GitHub App's credentials, or null when the App has not been registered yet (setup mode). */
export function readAppCredentials(env, rawEnv = process.env) {
    const privateKey = readPrivateKey(rawEnv);
    if (!env.APP_ID || !privateKey)
        return null;
    if (!env.WEBHOOK_SECRET) {
        throw new Error("WEBHOOK_SECRET is not set: without it no delivery can be verified. Use the secret configured on the GitHub App.");
    }
    return { appId: env.APP_ID, privateKey, webhookSecret: env.WEBHOOK_SECRET };
}
