//! Gateway settings (filled from the environment by the `chat` binary).

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
}

impl GatewayConfig {
    pub fn new(listen: SocketAddr, gateway_id: String) -> Self {
        Self {
            listen,
            gateway_id,
            heartbeat_interval: Duration::from_secs(15),
            heartbeat_timeout: Duration::from_secs(45),
            identify_timeout: Duration::from_secs(10),
            send_queue: 512,
            max_frame_bytes: 64 * 1024,
            typing_ttl: Duration::from_secs(6),
            typing_throttle: Duration::from_secs(2),
            drain_timeout: Duration::from_secs(10),
            command_rate: NonZeroU32::new(20).unwrap_or(NonZeroU32::MIN),
            presence_heartbeat: Duration::from_secs(5),
            presence_batch: Duration::from_secs(1),
        }
    }
}
