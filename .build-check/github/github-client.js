/** Octokit's RequestError carries `status` and `response`; this reads them without importing its class. */
export function httpStatusOf(error) {
    if (typeof error === "object" && error !== null && "status" in error && typeof error.status === "number") {
        return error.status;
    }
    return null;
}
