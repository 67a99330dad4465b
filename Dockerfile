# factsync image: the `factsync` CLI as entrypoint (worker, serve, sync, ...), and on PATH for
# `docker compose exec worker factsync status`. On Node 24, the newest LTS line (package.json engines).
#   docker build -t factsync .
#   docker run --rm factsync --help
# The last stage, runtime, is the product and the default target; it carries neither the fake Wikimedia
# (dev/fake-wikimedia, a development tool) nor test/. The fake-wikimedia target adds them, for the demo
# compose project only (docker-compose.yml's fake-wikimedia service):
#   docker build --target fake-wikimedia -t factsync-fake-wikimedia .

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

# Sources (.dockerignore keeps node_modules, dist, data, reports, .git out), compile (dist/ and the
# fake's dev/fake-wikimedia/dist/), prune.
COPY . .
RUN npm run build \
  && npm prune --omit=dev --no-audit --no-fund \
  && mkdir -p config

# ---- product: what every image below runs: the compiled CLI and its production dependencies ------
FROM node:24-bookworm-slim AS product

ENV NODE_ENV=production
WORKDIR /app

COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
COPY --from=build /app/config ./config

# ---- fake-wikimedia: the product plus the fake Wikimedia and its fixtures, for the offline demo ---
# `factsync fake-wikimedia` loads dev/fake-wikimedia/dist at run time; its default fixtures are
# test/fixtures/wikimedia. Never the production image.
FROM product AS fake-wikimedia

COPY --from=build /app/dev/fake-wikimedia/dist ./dev/fake-wikimedia/dist
COPY --from=build /app/test/fixtures/wikimedia ./test/fixtures/wikimedia

USER node

ENTRYPOINT ["node", "/app/bin/factsync.js"]
CMD ["fake-wikimedia", "--host", "0.0.0.0", "--port", "8090"]

# ---- runtime: the production image (the default target: last) --------------------------------
FROM product AS runtime

# The example cards (config/default.yaml's local.path).
COPY --from=build /app/examples ./examples

# Writable by the unprivileged user, so a named volume mounted here starts out owned by `node`.
RUN mkdir -p /app/reports && chown node:node /app/reports \
  && ln -s /app/bin/factsync.js /usr/local/bin/factsync

USER node

ENTRYPOINT ["node", "/app/bin/factsync.js"]
CMD ["--help"]
