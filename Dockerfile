# syntax=docker/dockerfile:1
# codex-review image: `node dist/web.js` by default; workers run the same image with `node dist/worker.js`.

# ---- build: dev dependencies + TypeScript compile to dist/
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# ---- prod-deps: runtime dependencies only, without the compiler and test tools
FROM node:20-slim AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

# ---- runtime: slim Node, non-root, compiled code only
FROM node:20-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
COPY --from=prod-deps --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
# app.yml is read from the working directory by Probot's App setup flow.
COPY --chown=node:node package.json app.yml ./
COPY --chown=node:node bin ./bin
USER node
EXPOSE 3000
# Probes the web server's /healthz; a worker has no web server, so compose gives it METRICS_PORT and its own probe.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/web.js"]
