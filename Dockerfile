# syntax=docker/dockerfile:1
# The `chat` binary and the web client in a small image, one image for every role (`chat up`, `chat commands`,
# `chat gateway`, ...). Build: docker build -t chat .
# Run with PostgreSQL, NATS and nginx, one container per role: docker-compose.yml.

# The web client (web/: Preact + Vite), built into static files served by the API role.
FROM node:20-bookworm-slim AS web
WORKDIR /web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY web/ ./
RUN npm run build

FROM rust:1-bookworm AS builder
WORKDIR /src
# The whole workspace (.dockerignore leaves out target/ and .git): the root package `chat`, its
# member crates, and migrations/ (a crate whose `sqlx::migrate!` embeds the SQL in the binary).
COPY . .
# The cache mounts keep downloaded crates and compiled dependencies between builds; the binary is
# copied out of the target cache in the same step, since cache mounts are not part of the image.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/usr/local/cargo/git \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bin chat \
    && cp target/release/chat /usr/local/bin/chat

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 chat \
    && useradd --system --uid 10001 --gid chat --no-create-home --shell /usr/sbin/nologin chat \
    && mkdir -p /var/lib/chat/uploads && chown chat:chat /var/lib/chat/uploads
COPY --from=builder /usr/local/bin/chat /usr/local/bin/chat
COPY --from=web /web/dist /usr/share/chat/web
USER 10001:10001
# Listen on all interfaces, not only inside the container: the API and the WebSocket gateway.
# The API serves the web client at / from the files the `web` stage built.
# Uploaded files: mount a volume there (docker-compose.yml does), or use an S3 bucket.
ENV CHAT_HTTP_ADDR=0.0.0.0:8080 \
    CHAT_GATEWAY_ADDR=0.0.0.0:8081 \
    CHAT_WEB_DIR=/usr/share/chat/web \
    CHAT_STORAGE_URL=file:///var/lib/chat/uploads
EXPOSE 8080 8081
ENTRYPOINT ["chat"]
CMD ["up"]
