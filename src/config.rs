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

    /// Secret for signing access tokens (HS256). Set a long random value outside development.
    #[arg(long, env = "CHAT_JWT_SECRET", default_value = DEV_JWT_SECRET, hide_env_values = true)]
    pub jwt_secret: String,

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
