import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

/** The repository root: the directory a workflow's `uses:` checks the action out to (GITHUB_ACTION_PATH). */
export const ACTION_PATH = fileURLToPath(new URL("../..", import.meta.url));

interface ActionStep {
  name?: string;
  id?: string;
  shell?: string;
  run: string;
  env?: Record<string, string>;
  "working-directory"?: string;
}

/** action.yml as the runner reads it. */
export interface ActionDefinition {
  inputs: Record<string, { required?: boolean; default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: ActionStep[] };
}

export const readActionDefinition = (): ActionDefinition => parse(readFileSync(join(ACTION_PATH, "action.yml"), "utf8")) as ActionDefinition;

/** What GitHub puts in `${{ github.* }}` and the runner's variables for one job. */
export interface RunnerContext {
  token: string;
  apiUrl: string;
  graphqlUrl: string;
  serverUrl: string;
  repository: string;
}

export interface ActionRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The action's outputs (action.yml `outputs:`), resolved from what the step wrote to GITHUB_OUTPUT. */
  outputs: Record<string, string>;
  /** What the step appended to GITHUB_STEP_SUMMARY. */
  summary: string;
}

/**
 * Evaluates the `${{ … }}` expressions action.yml uses: inputs (with their defaults, themselves
 * expressions), `github.token`, `github.action_path`, and `steps.<id>.outputs.<name>`.
 */
function evaluate(template: string, scope: (path: string) => string): string {
  return template.replace(/\$\{\{\s*([\w.-]+)\s*\}\}/g, (_, path: string) => scope(path));
}

/** `name<<DELIMITER` / value / `DELIMITER` and `name=value` lines, as the runner reads GITHUB_OUTPUT. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2]!, i + 1);
      if (end === -1) throw new Error(`GITHUB_OUTPUT: ${heredoc[1]} is never closed`);
      outputs[heredoc[1]!] = lines.slice(i + 1, end).join("\n");
      i = end;
    } else if (line.includes("=")) {
      outputs[line.slice(0, line.indexOf("="))] = line.slice(line.indexOf("=") + 1);
    } else if (line.trim() !== "") throw new Error(`GITHUB_OUTPUT: unreadable line ${line}`);
  }
  return outputs;
}

/**
 * Runs the action as the runner runs a composite action's step: `bash --noprofile --norc -eo pipefail`
 * with the step's `run:`, the step's `env:` evaluated against `with` and the job's context, the variables
 * GitHub sets for every step, and GITHUB_EVENT_PATH at `payload`, from a workspace that is not the
 * action's directory. The install step (`npm ci`) is not run: the test uses the installed dependencies.
 */
export async function runAction(
  event: { name: string; payload: unknown },
  runner: RunnerContext,
  withInputs: Record<string, string>,
  extraEnv: Record<string, string> = {},
): Promise<ActionRun> {
  const action = readActionDefinition();
  const step = action.runs.steps.find((candidate) => candidate.id === "review");
  if (!step) throw new Error("action.yml has no step with id review");
  const temp = mkdtempSync(join(tmpdir(), "codex-review-action-"));
  const workspace = mkdtempSync(join(tmpdir(), "codex-review-workspace-"));
  const files = { event: join(temp, "event.json"), output: join(temp, "output"), summary: join(temp, "summary.md") };
  writeFileSync(files.event, JSON.stringify(event.payload));
  writeFileSync(files.output, "");
  writeFileSync(files.summary, "");

  const context = (path: string): string => {
    if (path === "github.token") return runner.token;
    if (path === "github.action_path") return ACTION_PATH;
    const input = /^inputs\.([\w-]+)$/.exec(path)?.[1];
    if (input !== undefined) {
      const definition = action.inputs[input];
      if (!definition) throw new Error(`action.yml has no input ${input}`);
      return withInputs[input] ?? evaluate(definition.default ?? "", context);
    }
    throw new Error(`No value for \${{ ${path} }} in this test`);
  };
  for (const name of Object.keys(withInputs)) if (!action.inputs[name]) throw new Error(`action.yml has no input ${name}`);
  const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([name, value]) => [name, evaluate(String(value), context)]));
  const env = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "/tmp",
    CI: "true",
    GITHUB_ACTIONS: "true",
    GITHUB_ACTION_PATH: ACTION_PATH,
    GITHUB_WORKSPACE: workspace,
    GITHUB_EVENT_NAME: event.name,
    GITHUB_EVENT_PATH: files.event,
    GITHUB_REPOSITORY: runner.repository,
    GITHUB_API_URL: runner.apiUrl,
    GITHUB_GRAPHQL_URL: runner.graphqlUrl,
    GITHUB_SERVER_URL: runner.serverUrl,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_RUN_ID: "4242",
    GITHUB_RUN_ATTEMPT: "1",
    RUNNER_TEMP: temp,
    ...extraEnv,
    ...stepEnv,
  };
  const child = spawn("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", step.run], { cwd: workspace, env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
  clearTimeout(timer);

  const stepOutputs = parseOutputFile(readFileSync(files.output, "utf8"));
  const outputs = Object.fromEntries(
    Object.entries(action.outputs).map(([name, output]) => [
      name,
      evaluate(output.value, (path) => {
        const key = /^steps\.review\.outputs\.([\w-]+)$/.exec(path)?.[1];
        if (key === undefined) throw new Error(`Output ${name} reads ${path}`);
        return stepOutputs[key] ?? "";
      }),
    ]),
  );
  return { code, stdout, stderr, outputs, summary: readFileSync(files.summary, "utf8") };
}
