//! Configuration from environment variables (or flags), validated at start-up. Every variable
//! has a default that works on a laptop with a local Postgres; see README "Configuration".

use std::net::SocketAddr;
use std::time::Duration;

use clap::Args;

#[derive(Args, Clone, Debug)]
pub struct DatabaseConfig {
    /// Postgres URL; the database is created if it does not exist.
    #[arg(long, env = "DATABASE_URL", default_value = "postgres://postgres@127.0.0.1:5432/chat")]
    pub database_url: String,

    /// Connections in the shared pool (feed runners use a few more of their own).
    #[arg(long, env = "CHAT_DB_MAX_CONNECTIONS", default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub db_max_connections: u32,
}

#[derive(Args, Clone, Debug)]
pub struct ApiArgs {
    /// Address the HTTP API listens on (port 0 picks a free port).
    #[arg(long, env = "CHAT_HTTP_ADDR", default_value = "127.0.0.1:8080")]
    pub http_addr: SocketAddr,

    /// Access-token lifetime in seconds.
    #[arg(long, env = "CHAT_TOKEN_TTL_SECS", default_value_t = 3600, value_parser = clap::value_parser!(u64).range(1..))]
    pub token_ttl_secs: u64,
}

/// The default signing secret, for development only; using it is logged as a warning.
pub const DEV_JWT_SECRET: &str = "dev-only-insecure-jwt-secret";

impl ApiArgs {
    pub fn token_ttl(&self) -> Duration {
        Duration::from_secs(self.token_ttl_secs)
    }
}

#[derive(Args, Clone, Debug)]
pub struct NatsConfig {
    /// NATS server URL (JetStream must be enabled).
    #[arg(long, env = "NATS_URL", default_value = "nats://127.0.0.1:4222")]
    pub nats_url: String,

    /// First token of every subject and of the stream name, so that deployments (or test runs)
    /// can share one NATS server.
    #[arg(long, env = "CHAT_NATS_PREFIX", default_value = "chat", value_parser = parse_prefix)]
    pub nats_prefix: String,
}

fn parse_prefix(s: &str) -> Result<String, String> {
    let valid = !s.is_empty()
        && s.split('.')
            .all(|token| !token.is_empty() && token.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'));
    if valid { Ok(s.to_owned()) } else { Err("use letters, digits, `_`, `-`, and `.` between tokens".to_owned()) }
}

#[derive(Args, Clone, Debug)]
pub struct GatewayArgs {
    /// Address the WebSocket gateway listens on (port 0 picks a free port).
    #[arg(long, env = "CHAT_GATEWAY_ADDR", default_value = "127.0.0.1:8081")]
    pub gateway_addr: SocketAddr,

    /// This gateway's name in `hello` frames and command metadata (default: random).
    #[arg(long, env = "CHAT_GATEWAY_ID")]
    pub gateway_id: Option<String>,

    /// Server ping interval in milliseconds; a connection silent for three intervals is closed.
    #[arg(long, env = "CHAT_WS_HEARTBEAT_MS", default_value_t = 15_000, value_parser = clap::value_parser!(u64).range(100..))]
    pub heartbeat_ms: u64,

    /// Frames queued per connection before a client counts as too slow (close code 4008).
    #[arg(long, env = "CHAT_WS_SEND_QUEUE", default_value_t = 512, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub send_queue: u64,

    /// Milliseconds after which an unrenewed typing indicator is reported as stopped.
    #[arg(long, env = "CHAT_TYPING_TTL_MS", default_value_t = 6_000, value_parser = clap::value_parser!(u64).range(100..))]
    pub typing_ttl_ms: u64,
}

/// The shared secret for access tokens: issued by the API, checked by API and gateways.
#[derive(Args, Clone, Debug)]
pub struct AuthArgs {
    /// Secret for signing access tokens (HS256). Set a long random value outside development.
    #[arg(long, env = "CHAT_JWT_SECRET", default_value = DEV_JWT_SECRET, hide_env_values = true)]
    pub jwt_secret: String,
}

#[derive(Args, Clone, Debug)]
pub struct PresenceArgs {
    /// How often gateways report their users to the presence tracker (milliseconds); a gateway
    /// silent for three intervals is considered dead and its users go offline.
    #[arg(long, env = "CHAT_PRESENCE_HEARTBEAT_MS", default_value_t = 5_000, value_parser = clap::value_parser!(u64).range(100..))]
    pub presence_heartbeat_ms: u64,

    /// How long a user must be gone from every gateway before being recorded offline
    /// (milliseconds), so that a quick reconnect shows no flicker.
    #[arg(long, env = "CHAT_PRESENCE_GRACE_MS", default_value_t = 5_000)]
    pub presence_grace_ms: u64,

    /// Gateways deliver presence changes to clients at most once per this interval (milliseconds).
    #[arg(long, env = "CHAT_PRESENCE_BATCH_MS", default_value_t = 1_000, value_parser = clap::value_parser!(u64).range(10..))]
    pub presence_batch_ms: u64,
}

impl PresenceArgs {
    pub fn heartbeat(&self) -> Duration {
        Duration::from_millis(self.presence_heartbeat_ms)
    }
}
