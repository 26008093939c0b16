//! Configuration from environment variables (or flags), validated at start-up. Every variable
//! has a default that works on a laptop with a local Postgres; see README "Configuration".

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use std::num::NonZeroU32;

use chat_auth::{Secret, SigningKey};
use chat_commands::http::WebConfig;
use chat_commands::limits::LimitsConfig;
use chat_commands::uploads::{StorageUrl, UploadConfig};
use chat_commands::verification::VerifierConfig;
use chat_gateway::GatewayConfig;
use clap::Args;

/// A Postgres URL whose password never shows: `Display` and `Debug` leave it out, so that the
/// configuration can be logged whole and errors can name the URL.
#[derive(Clone)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    /// The URL itself, for connecting.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for DatabaseUrl {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self(s.to_owned()))
    }
}

impl std::fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let url = &self.0;
        match url.split_once("://").and_then(|(scheme, rest)| Some((scheme, rest.split_once('@')?))) {
            Some((scheme, (credentials, host))) => {
                let user = credentials.split(':').next().unwrap_or_default();
                write!(f, "{scheme}://{user}@{host}")
            }
            None => f.write_str(url),
        }
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DatabaseUrl({self})")
    }
}

/// A default duration as the whole milliseconds a flag takes.
const fn millis(duration: Duration) -> u64 {
    duration.as_millis() as u64
}

#[derive(Args, Clone, Debug)]
pub struct DatabaseConfig {
    /// Postgres URL; the database is created if it does not exist.
    #[arg(long, env = "DATABASE_URL", default_value = "postgres://postgres@127.0.0.1:5432/chat")]
    pub database_url: DatabaseUrl,

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
    #[arg(long, env = "CHAT_TOKEN_TTL_SECS", default_value_t = 900, value_parser = clap::value_parser!(u64).range(1..))]
    pub token_ttl_secs: u64,

    /// Refresh-token lifetime in seconds (each refresh issues a new one).
    #[arg(long, env = "CHAT_REFRESH_TTL_SECS", default_value_t = 30 * 24 * 3600, value_parser = clap::value_parser!(u64).range(60..))]
    pub refresh_ttl_secs: u64,

    /// Posts per second per user, sustained (REST and WebSocket together, per instance).
    #[arg(long, env = "CHAT_POST_RATE", default_value_t = NonZeroU32::new(5).unwrap())]
    pub post_rate: NonZeroU32,

    /// Posts a user may send in a burst before the sustained rate applies.
    #[arg(long, env = "CHAT_POST_BURST", default_value_t = NonZeroU32::new(20).unwrap())]
    pub post_burst: NonZeroU32,

    /// Registrations and logins per minute per client address, sustained.
    #[arg(long, env = "CHAT_AUTH_RATE_PER_MINUTE", default_value_t = NonZeroU32::new(10).unwrap())]
    pub auth_rate_per_minute: NonZeroU32,

    /// Registrations and logins a client address may make in a burst.
    #[arg(long, env = "CHAT_AUTH_BURST", default_value_t = NonZeroU32::new(10).unwrap())]
    pub auth_burst: NonZeroU32,

    /// Username lookups (`GET /v1/users?username=`) per minute per user, sustained.
    #[arg(long, env = "CHAT_LOOKUP_RATE_PER_MINUTE", default_value_t = NonZeroU32::new(30).unwrap())]
    pub lookup_rate_per_minute: NonZeroU32,

    /// Username lookups a user may make in a burst.
    #[arg(long, env = "CHAT_LOOKUP_BURST", default_value_t = NonZeroU32::new(10).unwrap())]
    pub lookup_burst: NonZeroU32,

    /// Searches (`GET /v1/search`, `GET /v1/users/search`) per minute per user, sustained.
    #[arg(long, env = "CHAT_SEARCH_RATE_PER_MINUTE", default_value_t = NonZeroU32::new(60).unwrap())]
    pub search_rate_per_minute: NonZeroU32,

    /// Searches a user may make in a burst.
    #[arg(long, env = "CHAT_SEARCH_BURST", default_value_t = NonZeroU32::new(20).unwrap())]
    pub search_burst: NonZeroU32,

    /// Domain checks of support-chat websites per minute per user, sustained (each fetches up
    /// to three pages from the site).
    #[arg(long, env = "CHAT_DOMAIN_CHECK_RATE_PER_MINUTE", default_value_t = NonZeroU32::new(10).unwrap())]
    pub domain_check_rate_per_minute: NonZeroU32,

    /// Domain checks a user may ask for in a burst.
    #[arg(long, env = "CHAT_DOMAIN_CHECK_BURST", default_value_t = NonZeroU32::new(5).unwrap())]
    pub domain_check_burst: NonZeroU32,

    /// New support-chat visitors per minute per client address, sustained.
    #[arg(long, env = "CHAT_VISITOR_RATE_PER_MINUTE", default_value_t = NonZeroU32::new(20).unwrap())]
    pub visitor_rate_per_minute: NonZeroU32,

    /// New visitors a client address may make in a burst.
    #[arg(long, env = "CHAT_VISITOR_BURST", default_value_t = NonZeroU32::new(10).unwrap())]
    pub visitor_burst: NonZeroU32,

    /// New visitors per minute per website, sustained, whatever their addresses.
    #[arg(long, env = "CHAT_WEBSITE_VISITOR_RATE_PER_MINUTE", default_value_t = NonZeroU32::new(600).unwrap())]
    pub website_visitor_rate_per_minute: NonZeroU32,

    /// New visitors a website may get in a burst.
    #[arg(long, env = "CHAT_WEBSITE_VISITOR_BURST", default_value_t = NonZeroU32::new(200).unwrap())]
    pub website_visitor_burst: NonZeroU32,

    /// Uploads per minute per user, sustained.
    #[arg(long, env = "CHAT_UPLOAD_RATE_PER_MINUTE", default_value_t = NonZeroU32::new(30).unwrap())]
    pub upload_rate_per_minute: NonZeroU32,

    /// Uploads a user may make in a burst.
    #[arg(long, env = "CHAT_UPLOAD_BURST", default_value_t = NonZeroU32::new(10).unwrap())]
    pub upload_burst: NonZeroU32,

    /// Where uploaded files are kept: a local directory (`file:///var/lib/chat/uploads` or a
    /// path; created if missing) or an S3-compatible bucket (`s3://bucket[/prefix]`, with the
    /// endpoint, region and credentials from the standard `AWS_*` variables).
    #[arg(long, env = "CHAT_STORAGE_URL", default_value = "data/uploads")]
    pub storage_url: StorageUrl,

    /// Largest file accepted, in bytes.
    #[arg(long, env = "CHAT_UPLOAD_MAX_BYTES", default_value_t = UploadConfig::DEFAULT_MAX_FILE_BYTES, value_parser = clap::value_parser!(u64).range(1..))]
    pub upload_max_bytes: u64,

    /// What one user's uploads may add up to, in bytes.
    #[arg(long, env = "CHAT_UPLOAD_QUOTA_BYTES", default_value_t = UploadConfig::DEFAULT_QUOTA_BYTES, value_parser = clap::value_parser!(u64).range(1..))]
    pub upload_quota_bytes: u64,

    /// Seconds after which an upload that no post names is deleted (after a grace of as long
    /// again, at most two minutes).
    #[arg(long, env = "CHAT_UPLOAD_EXPIRY_SECS", default_value_t = UploadConfig::DEFAULT_EXPIRY.as_secs(), value_parser = clap::value_parser!(u64).range(1..))]
    pub upload_expiry_secs: u64,

    /// Seconds a signed download URL works.
    #[arg(long, env = "CHAT_SIGNED_URL_TTL_SECS", default_value_t = UploadConfig::DEFAULT_SIGNED_URL_TTL.as_secs(), value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub signed_url_ttl_secs: u64,

    /// Behind one trusted reverse proxy: take the client address from the last
    /// `X-Forwarded-For` entry. Leave off when clients reach the API directly.
    #[arg(long, env = "CHAT_TRUST_FORWARDED_FOR", value_parser = clap::builder::BoolishValueParser::new(), num_args = 0..=1, default_missing_value = "true", default_value = "false")]
    pub trust_forwarded_for: bool,

    /// Browser origins allowed to call the API, separated by commas (CORS); none by default.
    #[arg(long, env = "CHAT_CORS_ORIGINS", value_delimiter = ',', default_value = "")]
    pub cors_origins: Vec<String>,

    /// The built web client, served at `/` (`npm --prefix web ci && npm --prefix web run
    /// build` makes it); when the directory has no `index.html`, `/` answers 404.
    #[arg(long, env = "CHAT_WEB_DIR", default_value = "web/dist")]
    pub web_dir: PathBuf,

    /// The gateways' WebSocket URLs as browsers reach them, separated by commas: absolute
    /// (`wss://chat.example/v1/ws`), a path on the page's host (`/v1/ws`) or a port and path on
    /// the page's host (`:8081/v1/ws`). Default: this process's gateway (`chat up`), else
    /// `:8081/v1/ws`.
    #[arg(long, env = "CHAT_PUBLIC_GATEWAYS", value_delimiter = ',', default_value = "")]
    pub public_gateways: Vec<String>,

    /// How long a website's domain check may wait for each page it fetches, in milliseconds.
    #[arg(long, env = "CHAT_VERIFY_TIMEOUT_MS", default_value_t = 5000, value_parser = clap::value_parser!(u64).range(1..=60_000))]
    pub verify_timeout_ms: u64,

    /// How long a verified domain stands before it is checked again, in seconds (a domain that
    /// no longer publishes its token loses its verification and the widget).
    #[arg(long, env = "CHAT_DOMAIN_RECHECK_SECS", default_value_t = 24 * 3600, value_parser = clap::value_parser!(u64).range(1..))]
    pub domain_recheck_secs: u64,

    /// Tests only: let domain checks fetch from loopback addresses (127.0.0.0/8, ::1) on any
    /// port. Every other private or reserved address stays refused.
    #[arg(long, env = "CHAT_VERIFY_ALLOW_LOOPBACK", value_parser = clap::builder::BoolishValueParser::new(), num_args = 0..=1, default_missing_value = "true", default_value = "false")]
    pub verify_allow_loopback: bool,
}

impl ApiArgs {
    /// The web client's files (if built) and the gateways it is told about; `gateway_port` is
    /// the port of a gateway running in this process.
    pub fn web(&self, gateway_port: Option<u16>) -> WebConfig {
        let index = self.web_dir.join("index.html");
        let dir = if index.is_file() {
            Some(self.web_dir.clone())
        } else {
            tracing::warn!(dir = %self.web_dir.display(), "no web client to serve (build it with `npm --prefix web ci && npm --prefix web run build`)");
            None
        };
        let mut gateways: Vec<String> =
            self.public_gateways.iter().map(|url| url.trim().to_owned()).filter(|url| !url.is_empty()).collect();
        if gateways.is_empty() {
            gateways.push(format!(":{}/v1/ws", gateway_port.unwrap_or(DEFAULT_GATEWAY_PORT)));
        }
        WebConfig { dir, gateways }
    }

    /// The limits of websites' domain checks.
    pub fn verifier(&self) -> VerifierConfig {
        VerifierConfig {
            timeout: Duration::from_millis(self.verify_timeout_ms),
            allow_loopback: self.verify_allow_loopback,
            ..VerifierConfig::default()
        }
    }

    /// Where uploads go and their limits.
    pub fn uploads(&self) -> UploadConfig {
        UploadConfig {
            storage: self.storage_url.clone(),
            max_file_bytes: self.upload_max_bytes,
            quota_bytes: self.upload_quota_bytes,
            expiry: Duration::from_secs(self.upload_expiry_secs),
            signed_url_ttl: Duration::from_secs(self.signed_url_ttl_secs),
        }
    }

    pub fn limits(&self) -> LimitsConfig {
        LimitsConfig {
            posts_per_second: self.post_rate,
            post_burst: self.post_burst,
            auth_per_minute: self.auth_rate_per_minute,
            auth_burst: self.auth_burst,
            lookups_per_minute: self.lookup_rate_per_minute,
            lookup_burst: self.lookup_burst,
            searches_per_minute: self.search_rate_per_minute,
            search_burst: self.search_burst,
            checks_per_minute: self.domain_check_rate_per_minute,
            check_burst: self.domain_check_burst,
            visitors_per_minute: self.visitor_rate_per_minute,
            visitor_burst: self.visitor_burst,
            website_visitors_per_minute: self.website_visitor_rate_per_minute,
            website_visitor_burst: self.website_visitor_burst,
            uploads_per_minute: self.upload_rate_per_minute,
            upload_burst: self.upload_burst,
        }
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

/// The port of `--gateway-addr` by default, and of the gateway browsers are told about.
const DEFAULT_GATEWAY_PORT: u16 = 8081;

#[derive(Args, Clone, Debug)]
pub struct GatewayArgs {
    /// Address the WebSocket gateway listens on (port 0 picks a free port).
    #[arg(long, env = "CHAT_GATEWAY_ADDR", default_value_t = SocketAddr::from(([127, 0, 0, 1], DEFAULT_GATEWAY_PORT)))]
    pub gateway_addr: SocketAddr,

    /// This gateway's name in `hello` frames and command metadata (default: random).
    #[arg(long, env = "CHAT_GATEWAY_ID")]
    pub gateway_id: Option<String>,

    /// Server ping interval in milliseconds; a connection silent for three intervals is closed.
    #[arg(long, env = "CHAT_WS_HEARTBEAT_MS", default_value_t = millis(GatewayConfig::DEFAULT_HEARTBEAT_INTERVAL), value_parser = clap::value_parser!(u64).range(100..))]
    pub heartbeat_ms: u64,

    /// Frames queued per connection before a client counts as too slow (close code 4008).
    #[arg(long, env = "CHAT_WS_SEND_QUEUE", default_value_t = GatewayConfig::DEFAULT_SEND_QUEUE as u64, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub send_queue: u64,

    /// Commands per second per WebSocket connection, sustained (with a burst of twice that).
    #[arg(long, env = "CHAT_WS_COMMAND_RATE", default_value_t = GatewayConfig::DEFAULT_COMMAND_RATE)]
    pub ws_command_rate: NonZeroU32,

    /// Milliseconds after which an unrenewed typing indicator is reported as stopped.
    #[arg(long, env = "CHAT_TYPING_TTL_MS", default_value_t = millis(GatewayConfig::DEFAULT_TYPING_TTL), value_parser = clap::value_parser!(u64).range(100..))]
    pub typing_ttl_ms: u64,
}

/// The keys of access tokens: issued by the API, checked by API and gateways.
#[derive(Args, Clone, Debug)]
pub struct AuthArgs {
    /// Secret for signing access tokens (HS256), at least 32 bytes; its key id is `default`.
    #[arg(long, env = "CHAT_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<Secret>,

    /// Signing keys for rotation, as `kid:secret` pairs separated by spaces; the first signs,
    /// all verify. Overrides CHAT_JWT_SECRET.
    #[arg(long, env = "CHAT_JWT_KEYS", hide_env_values = true)]
    pub jwt_keys: Option<Secret>,

    /// Development mode: without a configured secret, use a built-in one (anyone can forge
    /// tokens) and allow short secrets. Never in production.
    #[arg(long, env = "CHAT_DEV_MODE", value_parser = clap::builder::BoolishValueParser::new(), num_args = 0..=1, default_missing_value = "true", default_value = "false")]
    pub dev_mode: bool,
}

/// The built-in signing secret, for development mode only.
const DEV_JWT_SECRET: &str = "dev-only-insecure-jwt-secret";

/// Shortest secret accepted outside development mode.
const MIN_SECRET_BYTES: usize = 32;

impl AuthArgs {
    /// The signing keys, checked: refuses to run with no secret, a short one, or the built-in
    /// one, unless in development mode.
    pub fn keys(&self) -> anyhow::Result<Vec<SigningKey>> {
        let configured = self.jwt_keys.as_ref().map(|keys| String::from_utf8_lossy(keys.expose()));
        let configured = configured.as_deref().filter(|keys| !keys.trim().is_empty());
        // Which variable the keys came from, for error messages.
        let source = if configured.is_some() { "CHAT_JWT_KEYS" } else { "CHAT_JWT_SECRET" };
        let keys: Vec<SigningKey> = match (configured, self.jwt_secret.as_ref().filter(|s| !s.is_empty())) {
            (Some(pairs), _) => pairs
                .split_whitespace()
                .map(|pair| {
                    let (kid, secret) =
                        pair.split_once(':').filter(|(kid, secret)| !kid.is_empty() && !secret.is_empty()).ok_or_else(
                            || anyhow::anyhow!("CHAT_JWT_KEYS: expected `kid:secret` pairs separated by spaces"),
                        )?;
                    Ok(SigningKey { kid: kid.to_owned(), secret: Secret::new(secret) })
                })
                .collect::<anyhow::Result<_>>()?,
            (None, Some(secret)) => vec![SigningKey { kid: "default".to_owned(), secret: secret.clone() }],
            (None, None) if self.dev_mode => {
                tracing::warn!("development mode: access tokens are signed with a built-in secret anyone can use");
                vec![SigningKey { kid: "dev".to_owned(), secret: Secret::new(DEV_JWT_SECRET) }]
            }
            (None, None) => anyhow::bail!(
                "no token signing secret: set CHAT_JWT_SECRET (at least {MIN_SECRET_BYTES} random bytes) or \
                 CHAT_JWT_KEYS, or CHAT_DEV_MODE=1 on a development machine"
            ),
        };
        let mut kids = std::collections::HashSet::new();
        for key in &keys {
            anyhow::ensure!(kids.insert(key.kid.as_str()), "CHAT_JWT_KEYS: key id {:?} appears twice", key.kid);
            if !self.dev_mode {
                anyhow::ensure!(
                    key.secret.len() >= MIN_SECRET_BYTES && key.secret.expose() != DEV_JWT_SECRET.as_bytes(),
                    "{source}: the secret of key {:?} is too weak: use at least {MIN_SECRET_BYTES} random bytes \
                     (or CHAT_DEV_MODE=1 on a development machine)",
                    key.kid
                );
            }
        }
        Ok(keys)
    }
}

#[derive(Args, Clone, Debug)]
pub struct PresenceArgs {
    /// How often gateways report their users to the presence tracker (milliseconds); a gateway
    /// silent for three intervals is considered dead and its users go offline.
    #[arg(long, env = "CHAT_PRESENCE_HEARTBEAT_MS", default_value_t = millis(GatewayConfig::DEFAULT_PRESENCE_HEARTBEAT), value_parser = clap::value_parser!(u64).range(100..))]
    pub presence_heartbeat_ms: u64,

    /// How long a user must be gone from every gateway before being recorded offline
    /// (milliseconds), so that a quick reconnect shows no flicker.
    #[arg(long, env = "CHAT_PRESENCE_GRACE_MS", default_value_t = 5_000)]
    pub presence_grace_ms: u64,

    /// Gateways deliver presence changes to clients at most once per this interval (milliseconds).
    #[arg(long, env = "CHAT_PRESENCE_BATCH_MS", default_value_t = millis(GatewayConfig::DEFAULT_PRESENCE_BATCH), value_parser = clap::value_parser!(u64).range(10..))]
    pub presence_batch_ms: u64,

    /// Gateways deliver no live presence in rooms with more members than this (clients read it
    /// on request, from the room's detail).
    #[arg(long, env = "CHAT_PRESENCE_ROOM_LIMIT", default_value_t = GatewayConfig::DEFAULT_PRESENCE_ROOM_LIMIT)]
    pub presence_room_limit: usize,
}

impl PresenceArgs {
    pub fn heartbeat(&self) -> Duration {
        Duration::from_millis(self.presence_heartbeat_ms)
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use crate::cli::Cli;

    #[test]
    fn the_configuration_can_be_logged_whole_without_its_secrets() {
        let cli = Cli::try_parse_from([
            "chat",
            "--database-url",
            "postgres://chat:db-password@db.internal:5432/chat",
            "up",
            "--jwt-secret",
            "a-signing-secret-of-at-least-32-bytes",
            "--jwt-keys",
            "k2:another-signing-secret-of-32-bytes k1:a-signing-secret-of-at-least-32-bytes",
        ])
        .unwrap();
        let shown = format!("{cli:?}");
        assert!(shown.contains("postgres://chat@db.internal:5432/chat"), "{shown}");
        for secret in ["db-password", "signing-secret", "another"] {
            assert!(!shown.contains(secret), "{secret} shows in {shown}");
        }
    }
}
