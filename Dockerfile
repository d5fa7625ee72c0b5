# APIM Triage bot: two stages. The build stage compiles TypeScript with the dev dependencies; the runtime
# stage holds production dependencies, the compiled server and the content folders it reads at run time.
#   docker build -t apim-triage .
#   docker run --rm -p 3978:3978 -e NODE_ENV=development apim-triage      # demo workspace, no Azure
# Node 20 LTS on Debian slim (glibc: the prebuilt native packages in the lockfile are glibc builds).
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the package's own `prepare` (tsc) would run here, before the sources are copied.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
# Only src/ is copied, so tsc compiles the server and CLI (test/ and scripts/ are not needed at run time).
RUN npm run build

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=3978 \
    STATE_DIR=/app/.data
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts again: `prepare` needs typescript, a dev dependency that is not installed here.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist/src ./dist/src
COPY bin ./bin
COPY cards ./cards
COPY recipes ./recipes
COPY manifest ./manifest
# Pinned cards and conversation references live in STATE_DIR; mount a volume here to keep them.
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 3978
# No curl in the slim image: probe /healthz with node itself.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "const r=require('http').get({host:'127.0.0.1',port:process.env.PORT||3978,path:'/healthz',timeout:4000},s=>process.exit(s.statusCode===200?0:1));r.on('timeout',()=>r.destroy(new Error('timeout')));r.on('error',()=>process.exit(1))"]
CMD ["node", "dist/src/server.js"]
