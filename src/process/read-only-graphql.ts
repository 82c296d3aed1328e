/**
 * Octokit's throttling plugin (@octokit/plugin-throttling, wrap-request.js) spaces every POST, and every
 * request to /graphql, at least 1 s apart per installation: GitHub's pacing for requests that create
 * content. A GraphQL query creates nothing; GitHub's secondary limits count it like a REST read (points
 * per minute and concurrent requests), so spacing it as a write only delays a review's reads behind its
 * writes. The plugin has no per-request switch, so this plugin gives each installation client a sibling
 * client for read-only GraphQL: same options (same installation token from Probot's cache, same global
 * group of 10 concurrent requests per installation, same retry and rate-limit handling), except that its
 * write group is READ_ONLY_GRAPHQL_GROUP. Mutations (and any document that is not plainly a query) stay on
 * the client's own graphql, behind the write limiter.
 */

/** The throttling plugin's limiter shape where it schedules a request's turn: `group.key(id).schedule(options, fn)`. */
interface ThrottleGroup {
  key(id: string): { schedule<T>(options: unknown, task: () => Promise<T> | T): Promise<T> };
}

/**
 * Read-only GraphQL's group: no spacing of its own. What bounds these requests is what bounds REST
 * reads: the throttling plugin's global group (10 concurrent per installation) and the rate limit.
 */
export const READ_ONLY_GRAPHQL_GROUP: ThrottleGroup = {
  key: () => ({ schedule: async (_options, task) => task() }),
};

const SIBLING = "readOnlyGraphqlSibling";

/** True for a document whose only operations are queries: it starts with `query` or `{` and names no mutation or subscription. Pure. */
export function isReadOnlyGraphql(document: string): boolean {
  const text = document.replace(/#[^\n\r]*/g, " ");
  // A query that merely contains the word (in a string or an alias) is sent as a write: safe, only slower.
  return /^\s*(query\b|\{)/.test(text) && !/\b(mutation|subscription)\b/.test(text);
}

type Graphql = ((query: string, parameters?: Record<string, unknown>) => Promise<unknown>) & Record<string, unknown>;

interface PluggedOctokit {
  graphql: Graphql;
  constructor: new (options: Record<string, unknown>) => PluggedOctokit;
}

interface PluginOptions {
  [SIBLING]?: boolean;
  throttle?: { enabled?: boolean; [key: string]: unknown };
  auth?: { installationId?: number | string } | unknown;
  [key: string]: unknown;
}

/**
 * The Octokit plugin. An installation client gets `readOnlyGraphqlClient` (its sibling) and a `graphql`
 * that sends queries through it. App-level clients and clients without throttling are left as they are.
 */
export function readOnlyGraphql(octokit: PluggedOctokit, options: PluginOptions): { graphql?: Graphql; readOnlyGraphqlClient?: PluggedOctokit } {
  const installationId = (options.auth as { installationId?: unknown } | undefined)?.installationId;
  if (options[SIBLING] || options.throttle?.enabled === false || installationId === undefined) return {};
  const reader = new octokit.constructor({ ...options, [SIBLING]: true, throttle: { ...options.throttle, write: READ_ONLY_GRAPHQL_GROUP } });
  const viaWrites = octokit.graphql;
  const graphql = Object.assign(
    (query: string, parameters?: Record<string, unknown>) => (isReadOnlyGraphql(query) ? reader.graphql(query, parameters) : viaWrites(query, parameters)),
    viaWrites,
  );
  return { graphql, readOnlyGraphqlClient: reader };
}
