#!/usr/bin/env node
// The GitHub Action's entry (action.yml): runs the TypeScript source through tsx, a production
// dependency, resolved from this checkout of the action rather than from the workflow's workspace.
import { fileURLToPath, pathToFileURL } from "node:url";

const { register } = await import("tsx/esm/api");
register();
await import(pathToFileURL(fileURLToPath(new URL("../src/action/main.ts", import.meta.url))).href);
