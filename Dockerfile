# One image for both processes: `node dist/apps/gateway/src/main.js` or `.../worker/src/main.js`.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
# Two malloc arenas instead of one per thread: the password-hashing threads would each keep ~19 MB.
ENV MALLOC_ARENA_MAX=2
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/prisma ./prisma
COPY --from=build /app/package.json ./package.json
USER node
EXPOSE 8080
# Node options as in scripts/node-options.js.
CMD ["node", "--max-semi-space-size=8", "dist/apps/gateway/src/main.js"]
