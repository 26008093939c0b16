//! Gateway settings (filled from the environment by the `chat` binary). Each default is
//! defined here once; the binary's flags show and use these.

use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct GatewayConfig {
    pub listen: SocketAddr,
    /// Names this gateway in `hello` frames and in the metadata of commands it forwards.
    pub gateway_id: String,
    /// How often the server pings; clients are told this in `hello`.
    pub heartbeat_interval: Duration,
    /// A connection that sends nothing (not even a pong) for this long is closed.
    pub heartbeat_timeout: Duration,
    /// Time allowed between connecting and a valid `identify`.
    pub identify_timeout: Duration,
    /// Frames queued per connection before it counts as too slow and is closed.
    pub send_queue: usize,
    /// Largest client frame accepted, in bytes.
    pub max_frame_bytes: usize,
    /// A typing indicator not renewed within this time is reported as stopped.
    pub typing_ttl: Duration,
    /// A connection publishes at most one typing renewal per room per this interval (keep it
    /// well below `typing_ttl`).
    pub typing_throttle: Duration,
    /// How long a draining gateway waits for its clients to go.
    pub drain_timeout: Duration,
    /// Commands per second per connection, sustained; bursts of twice that. Typing frames are
    /// limited separately to twice their renewal rate.
    pub command_rate: NonZeroU32,
    /// How often the gateway reports all its users to the presence tracker.
    pub presence_heartbeat: Duration,
    /// Presence changes are delivered to clients at most once per this interval.
    pub presence_batch: Duration,
    /// Rooms with more members than this have no live presence (it is read on request).
    pub presence_room_limit: usize,
}

impl GatewayConfig {
    pub const DEFAULT_HEARTBEAT_INTERVAL: Duration = Duration::from_secs(15);
    pub const DEFAULT_SEND_QUEUE: usize = 512;
    pub const DEFAULT_TYPING_TTL: Duration = Duration::from_secs(6);
    pub const DEFAULT_COMMAND_RATE: NonZeroU32 = NonZeroU32::new(20).unwrap();
    pub const DEFAULT_PRESENCE_HEARTBEAT: Duration = Duration::from_secs(5);
    pub const DEFAULT_PRESENCE_BATCH: Duration = Duration::from_secs(1);
    /// Discord's largest `large_threshold`; a frame of a whole room coming online stays around
    /// 24 KB per connection (see docs/protocol.md, `presence`).
    pub const DEFAULT_PRESENCE_ROOM_LIMIT: usize = 250;

    pub fn new(listen: SocketAddr, gateway_id: String) -> Self {
        Self {
            listen,
            gateway_id,
            heartbeat_interval: Duration::ZERO,
            heartbeat_timeout: Duration::ZERO,
            identify_timeout: Duration::from_secs(10),
            send_queue: Self::DEFAULT_SEND_QUEUE,
            max_frame_bytes: 64 * 1024,
            typing_ttl: Duration::ZERO,
            typing_throttle: Duration::ZERO,
            drain_timeout: Duration::from_secs(10),
            command_rate: Self::DEFAULT_COMMAND_RATE,
            presence_heartbeat: Self::DEFAULT_PRESENCE_HEARTBEAT,
            presence_batch: Self::DEFAULT_PRESENCE_BATCH,
            presence_room_limit: Self::DEFAULT_PRESENCE_ROOM_LIMIT,
        }
        .with_heartbeat(Self::DEFAULT_HEARTBEAT_INTERVAL)
        .with_typing_ttl(Self::DEFAULT_TYPING_TTL)
    }

    /// Pings every `interval`; a connection silent for three intervals is closed.
    pub fn with_heartbeat(mut self, interval: Duration) -> Self {
        self.heartbeat_interval = interval;
        self.heartbeat_timeout = interval * 3;
        self
    }

    /// Typing indicators expire after `ttl` unless renewed; clients renew three times as often,
    /// so that one lost renewal does not end an indicator.
    pub fn with_typing_ttl(mut self, ttl: Duration) -> Self {
        self.typing_ttl = ttl;
        self.typing_throttle = ttl / 3;
        self
    }
}
