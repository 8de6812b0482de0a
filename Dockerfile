# syntax=docker/dockerfile:1
# Multi-stage: compile TypeScript and build better-sqlite3 in a full image, run on a slim one as a non-root user.

FROM node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY server ./server
COPY scripts ./scripts
COPY client ./client
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=build --chown=node:node /app/client/public ./client/public
# The operator CLIs (`npm run -s token`, `npm run -s qr-keys`, `npm run verify-audit`, `npm run rotate-key`)
# run from their sources through tsx (a runtime dependency), so the image carries scripts/ and the server
# code they import; the compiled copies are in dist/scripts as well (`node dist/scripts/create-token.js`).
COPY --chown=node:node package.json tsconfig.json ./
COPY --chown=node:node server ./server
COPY --chown=node:node scripts ./scripts
# /data/open-data: the open-data files, a volume the replicas share in compose (owned by node when new).
RUN mkdir -p /data/open-data && chown node:node /data /data/open-data
USER node
VOLUME ["/data"]
EXPOSE 3000
# Ready, not merely alive: the registry and the cache answer (503 while the store is unreachable).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/server/main.js"]
