# The ceremony coordinator image: one image for `ceremony api` and `ceremony worker --task-queue ...`.
# The TypeScript sources run through tsx (a runtime dependency), as bin/ceremony does everywhere.
#   docker build -t registry.example.org/ceremony-coordinator:0.1.0 .
#   docker run --rm -e TEMPORAL_ADDRESS=temporal:7233 ... IMAGE api
FROM node:20-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only (tsx is one of them). Native parts (@temporalio/core-bridge,
# @chainsafe/blst, esbuild, @swc/core) come as prebuilt binaries for linux/glibc.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:20-slim
ENV NODE_ENV=production \
    CEREMONY_API_HOST=0.0.0.0
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY . .
# The web front (/, /contribute, /receipt): bundled from web/ with esbuild (a runtime dependency).
RUN node_modules/.bin/tsx scripts/build-web.ts
# The workflow bundle the workflow workers load instead of bundling at every start.
RUN node_modules/.bin/tsx scripts/build-workflow-bundle.ts
# Files stay owned by root and read-only to the runtime user; the container runs as the image's
# unprivileged `node` user (uid 1000), numeric so Kubernetes' runAsNonRoot can check it. Writable
# state: /tmp only (tsx's compile cache; the data directory when keys are not given).
USER 1000:1000
EXPOSE 8080
ENTRYPOINT ["/app/bin/ceremony"]
CMD ["--help"]
