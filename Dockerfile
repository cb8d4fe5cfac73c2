# syntax=docker/dockerfile:1
# eso-vault-guard: multi-stage build on Node 24 LTS, distroless non-root runtime.

# 1. Compile TypeScript with every dependency.
FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json tsconfig.json ./
# --ignore-scripts: the "prepare" script compiles, which needs the sources copied below.
RUN npm ci --ignore-scripts
COPY src ./src
# Only src is copied, so only dist/src is emitted (tests and benchmarks stay out of the image).
# tsc runs on the image's node: npx would put node_modules/.bin first on PATH, where the `node`
# devDependency (the tests' Node) is not set up under --ignore-scripts.
RUN node node_modules/typescript/bin/tsc -p tsconfig.json

# 2. Production dependencies only.
FROM node:24-bookworm-slim AS deps
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts

# 3. Runtime: no shell, no package manager; the entrypoint is node.
FROM gcr.io/distroless/nodejs24-debian12 AS runtime
WORKDIR /app
ENV NODE_ENV=production
COPY --from=deps /src/node_modules ./node_modules
COPY --from=build /src/dist/src ./dist/src
COPY package.json ./
COPY bin ./bin
# The "nonroot" user of distroless images.
USER 65532:65532
# 8443: HTTPS webhook (/validate, /mutate); 8080: /healthz, /readyz, /metrics.
EXPOSE 8443 8080
CMD ["dist/src/cli/main.js", "serve"]
