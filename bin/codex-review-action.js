#!/usr/bin/env node
// The GitHub Action's entry (action.yml): runs the TypeScript source through tsx, a production
// dependency, resolved from this checkout of the action. The step's working directory is the
// workflow's workspace, so tsx is pointed at the action's own tsconfig, not at one it would find there.
import { fileURLToPath, pathToFileURL } from "node:url";

const { register } = await import("tsx/esm/api");
register({ tsconfig: fileURLToPath(new URL("../tsconfig.json", import.meta.url)) });
await import(pathToFileURL(fileURLToPath(new URL("../src/action/main.ts", import.meta.url))).href);
