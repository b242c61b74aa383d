# syntax=docker/dockerfile:1
# One image for every Switchboard process; the command chooses which (docs/operations.md):
#   API (default)  node dist/apps/api/src/main.js
#   worker         node dist/apps/worker/src/main.js
#   migrations     node dist/scripts/migrate.js
# Build: docker build -t switchboard:<version> .
# The Node major matches the one CI tests with (package.json engines: >=20.19).
ARG NODE_VERSION=20

# --- deps: every dependency, dev ones included (the build needs swc) ---
FROM node:${NODE_VERSION}-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

# --- build: compile with swc, then drop the dev dependencies ---
FROM deps AS build
COPY .swcrc tsconfig.json nest-cli.json ./
COPY apps apps
COPY libs libs
COPY migrations migrations
COPY scripts scripts
# `npm run build` also compiles these two (the fake providers and the SSE client of the tests).
COPY tests/support/fake-providers tests/support/fake-providers
COPY tests/support/sse-client.ts tests/support/sse-client.ts
RUN npm run build \
  && npm prune --omit=dev --no-audit --no-fund
# `typescript` stays: it is a runtime dependency (the code workbench tool type-checks with it).
# The MCP servers of config/mcp-servers.example.json are dev dependencies and are pruned here;
# to ship one, install it into this stage, e.g.
#   RUN npm install --no-save --omit=dev @modelcontextprotocol/server-filesystem@<version>
# and point MCP_SERVERS_FILE at a servers file whose command runs it from /app/node_modules.

# --- runtime: production dependencies and the compiled code, as a non-root user ---
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
  API_HOST=0.0.0.0 \
  API_PORT=3000
WORKDIR /app
# Owned by root and read-only to the app user; the only writable place is /data (volumes).
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY config ./config
RUN mkdir -p /data/workspaces && chown -R node:node /data
# The node user (uid 1000) of the official image.
USER node
EXPOSE 3000
# The API's readiness (Redis and PostgreSQL answer). Workers have no HTTP server besides
# METRICS_PORT's /metrics: docker-compose.prod.yml replaces this check for them.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.API_PORT||3000)+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/apps/api/src/main.js"]
