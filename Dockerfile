# syntax=docker/dockerfile:1
# One image for the worker, the webhook receiver / HTTP API and the Recall emulator; the compose
# file picks the command. Build: docker build -t breakout-recorder .

# --- build: compile TypeScript to dist/ and prebuild the workflow bundle (dist/workflow-bundle.js)
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY workflows ./workflows
COPY activities ./activities
COPY workers ./workers
COPY src ./src
COPY scripts ./scripts
RUN npm run build

# --- production dependencies only (the Temporal core bridge ships glibc binaries: a slim Debian base fits)
FROM node:24-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

# --- runtime
FROM node:24-slim
# Memory (README, "Performance"; the bench starts its worker and receiver with these same values).
# NODE_OPTIONS: a 512 MiB V8 heap limit per isolate (the worker's main thread and its workflow
# thread). Without one, Node sizes the heap from the host's memory and collects lazily: the capacity
# bench (2,000 rooms on one worker, 23.5 GiB host) peaked at 2.72 GiB RSS; with 1024 at 1.0-1.5 GiB,
# mostly garbage not yet collected. MALLOC_ARENA_MAX: glibc's malloc arenas (up to 8 per core, for
# threads that allocate at once) each keep freed memory of their own; with 2, the worker's memory
# outside V8 (the Temporal core, native buffers) peaked at 0.23 GiB in the bench, 0.35-0.42 without.
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-old-space-size=512 \
    MALLOC_ARENA_MAX=2 \
    ARTIFACTS_DIR=/app/data/artifacts
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# The artifacts directory belongs to the unprivileged user, so a fresh named volume mounted there does too.
RUN mkdir -p /app/data/artifacts && chown -R node:node /app/data
USER node
# 8080: webhook receiver and HTTP API (public); 8081: its /readyz and /metrics; 8088: codec server;
# 9464: worker Prometheus metrics.
EXPOSE 8080 8081 8088 9464
CMD ["node", "dist/workers/main.js"]
