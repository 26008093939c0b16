# syntax=docker/dockerfile:1
# The `chat` binary in a small image, one image for every role (`chat up`, `chat commands`,
# `chat gateway`, ...). Build: docker build -t chat .
# Run with PostgreSQL, NATS and nginx, one container per role: docker-compose.yml.

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
    && useradd --system --uid 10001 --gid chat --no-create-home --shell /usr/sbin/nologin chat
COPY --from=builder /usr/local/bin/chat /usr/local/bin/chat
USER 10001:10001
# Listen on all interfaces, not only inside the container: the API and the WebSocket gateway.
ENV CHAT_HTTP_ADDR=0.0.0.0:8080 \
    CHAT_GATEWAY_ADDR=0.0.0.0:8081
EXPOSE 8080 8081
ENTRYPOINT ["chat"]
CMD ["up"]
