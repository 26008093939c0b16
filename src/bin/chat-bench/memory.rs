//! A process's resident memory, read from `/proc/<pid>/status`: how scenarios weigh what a
//! gateway pays for each connection it holds.

use anyhow::Context;

/// Resident memory of `pid` in KiB.
pub fn rss_kib(pid: u32) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).with_context(|| format!("process {pid}"))?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:")).context("VmRSS")?;
    line.split_whitespace().nth(1).context("VmRSS value")?.parse().context("VmRSS value")
}

/// KiB per connection that the growth from `before` to `after` amounts to, to two decimals.
pub fn kib_per(before: Option<u64>, after: Option<u64>, connections: usize) -> Option<f64> {
    let (before, after) = (before?, after?);
    Some((after.saturating_sub(before) as f64 / connections.max(1) as f64 * 100.0).round() / 100.0)
}
