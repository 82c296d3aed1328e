// Route templates (`/repos/{owner}/{repo}/pulls/{pull_number}`) keep the label set small; a URL that
// arrives already expanded has its numbers folded so one PR never becomes one time series.
function routeOf(options) {
    return (options.url ?? "unknown").split("?")[0].replace(/\/\d+(?=\/|$)/g, "/:n");
}
/** Counts every REST call the client makes, by method, route and status (0 when GitHub never answered). */
export function instrumentGithubClient(octokit, metrics) {
    octokit.hook.after("request", (response, options) => {
        metrics.githubRequests.inc({ method: options.method ?? "GET", route: routeOf(options), status: String(response.status) });
    });
    octokit.hook.error("request", (error, options) => {
        const status = typeof error === "object" && error !== null && "status" in error ? Number(error.status) : 0;
        metrics.githubRequests.inc({ method: options.method ?? "GET", route: routeOf(options), status: String(status) });
        throw error;
    });
    return octokit;
}
