import { createHash, timingSafeEqual } from "node:crypto";
// Hashing both sides first gives equal-length buffers, so the comparison time says nothing about length.
const digest = (text) => createHash("sha256").update(text).digest();
/** Whether the request's `Authorization: Basic` header carries exactly these credentials. */
export function hasBasicCredentials(req, expected) {
    const header = req.headers.authorization ?? "";
    const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
    if (!match)
        return false;
    const decoded = Buffer.from(match[1], "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0)
        return false;
    const userOk = timingSafeEqual(digest(decoded.slice(0, colon)), digest(expected.user));
    const passwordOk = timingSafeEqual(digest(decoded.slice(colon + 1)), digest(expected.password));
    return userOk && passwordOk;
}
