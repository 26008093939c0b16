//! Latency summaries.

use std::time::Duration;

use serde_json::{Value, json};

/// p50/p95/p99/max of `samples`, in milliseconds.
pub fn summary(mut samples: Vec<Duration>) -> Value {
    if samples.is_empty() {
        return json!(null);
    }
    samples.sort();
    let at = |q: f64| {
        let index = ((samples.len() as f64 - 1.0) * q).round() as usize;
        round_ms(samples[index])
    };
    json!({"p50_ms": at(0.50), "p95_ms": at(0.95), "p99_ms": at(0.99), "max_ms": at(1.0), "samples": samples.len()})
}

pub fn round_ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1000.0 * 100.0).round() / 100.0
}

/// Seconds, to two decimals.
pub fn round_s(d: Duration) -> f64 {
    (d.as_secs_f64() * 100.0).round() / 100.0
}

pub fn rate(count: usize, elapsed: Duration) -> f64 {
    (count as f64 / elapsed.as_secs_f64()).round()
}
