# factsync image: the `factsync` CLI as entrypoint (worker, serve, fake-wikimedia, ...), and on PATH for
# `docker compose exec worker factsync status`. On Node 24, the newest LTS line (package.json engines).
#   docker build -t factsync .
#   docker run --rm factsync --help

# ---- build: install all deps, compile TypeScript, then drop dev deps ----------------------------
FROM node:24-bookworm-slim AS build

# Toolchain for native addons (node-gyp); build stage only.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first so this layer is cached until package*.json change. --ignore-scripts skips our
# own `prepare` (= npm run build, which needs the sources); `npm rebuild` then runs the
# dependencies' install scripts (native addons) without it.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund \
  && npm rebuild

# Sources (.dockerignore keeps node_modules, dist, data, reports, .git out), compile, prune.
COPY . .
RUN npm run build \
  && npm prune --omit=dev --no-audit --no-fund \
  && mkdir -p config

# ---- runtime -----------------------------------------------------------------------------------
FROM node:24-bookworm-slim AS runtime

ENV NODE_ENV=production
WORKDIR /app

COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
COPY --from=build /app/config ./config
# The fake Wikimedia's fixtures (factsync fake-wikimedia, the demo) and the example cards.
COPY --from=build /app/test/fixtures/wikimedia ./test/fixtures/wikimedia
COPY --from=build /app/examples ./examples

# Writable by the unprivileged user, so a named volume mounted here starts out owned by `node`.
RUN mkdir -p /app/reports && chown node:node /app/reports \
  && ln -s /app/bin/factsync.js /usr/local/bin/factsync

USER node

ENTRYPOINT ["node", "/app/bin/factsync.js"]
CMD ["--help"]
