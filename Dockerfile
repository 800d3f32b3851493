# Matrix <-> IRC bridge. Build: docker build -t matrix-irc-bridge .
# Run: put config.yaml and registration.yaml in a volume mounted at /data, then
#   docker run -v /srv/ircbridge:/data -p 9995:9995 matrix-irc-bridge
# Write a registration first:
#   docker run -v /srv/ircbridge:/data matrix-irc-bridge -r -u http://bridge:9995 -c /data/config.yaml -f /data/registration.yaml
FROM node:22-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
RUN npm ci --ignore-scripts
COPY src ./src
COPY scripts ./scripts
COPY test ./test
RUN npm run build && npm prune --omit=dev

FROM node:22-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/src ./dist/src
COPY package.json config.sample.yaml ./
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 9995
# In config.yaml set bridge.host: 0.0.0.0 (the default 127.0.0.1 is unreachable from outside the
# container) and datastore.path under /data (e.g. /data/state) so state survives the container.
ENTRYPOINT ["node", "--max-semi-space-size=4", "dist/src/main.js"]
CMD ["-c", "/data/config.yaml", "-f", "/data/registration.yaml", "-p", "9995"]
