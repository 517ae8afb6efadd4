# One image for every gamepulse process; SERVICE picks which one runs (ingest, session, reaction, games, gateway),
# and `node dist/scripts/migrate.js` applies the schema.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY clients/typescript/package.json ./clients/typescript/
RUN npm ci --no-audit --no-fund
COPY tsconfig.json buf.yaml buf.gen.yaml ./
COPY proto ./proto
COPY clients ./clients
COPY scripts ./scripts
COPY services ./services
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production GAMEPULSE_HOST=0.0.0.0
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/gen/descriptors ./gen/descriptors
COPY --from=build /app/proto ./proto
COPY --from=build /app/services ./services
USER node
CMD ["sh", "-c", "exec node dist/services/${SERVICE:?set SERVICE}/main.js"]
