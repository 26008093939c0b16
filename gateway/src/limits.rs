//! Per-connection rate limits on what a client sends: commands (also limited per user by the
//! command service) and typing frames. A refused frame is answered with `rate_limited` and when
//! to try again; the connection stays.

use std::num::NonZeroU32;
use std::time::Duration;

use chat_domain::ErrorCode;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};

use crate::config::GatewayConfig;
use crate::connection::Outbound;
use crate::protocol::ServerFrame;

pub struct ConnectionLimits {
    commands: DefaultDirectRateLimiter,
    typing: DefaultDirectRateLimiter,
    clock: DefaultClock,
}

/// A refused frame: when to try again.
pub struct Refused(Duration);

impl Refused {
    pub fn frame(&self, id: Option<&str>) -> Outbound {
        let message = "too many frames on this connection; slow down";
        // Rounded up: never 0, and a client that waits that long is admitted.
        let retry_after_ms = Some(self.0.as_nanos().div_ceil(1_000_000).max(1) as u64);
        let code = ErrorCode::RateLimited.as_str();
        Outbound::Frame(ServerFrame::Error { id, code, message, field: None, retry_after_ms }.encode())
    }
}

impl ConnectionLimits {
    pub fn new(config: &GatewayConfig) -> Self {
        let burst = config.command_rate.saturating_mul(NonZeroU32::new(2).unwrap_or(NonZeroU32::MIN));
        // Typing renewals come every `typing_throttle` per room; allow several rooms' worth.
        let typing =
            Quota::with_period(config.typing_throttle / 4).unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN));
        Self {
            commands: RateLimiter::direct(Quota::per_second(config.command_rate).allow_burst(burst)),
            typing: RateLimiter::direct(typing.allow_burst(NonZeroU32::new(8).unwrap_or(NonZeroU32::MIN))),
            clock: DefaultClock::default(),
        }
    }

    pub fn command(&self) -> Result<(), Refused> {
        self.commands.check().map_err(|not_until| Refused(not_until.wait_time_from(self.clock.now())))
    }

    pub fn typing(&self) -> Result<(), Refused> {
        self.typing.check().map_err(|not_until| Refused(not_until.wait_time_from(self.clock.now())))
    }
}
