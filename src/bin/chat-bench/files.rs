//! `files`: uploads (`POST /v1/uploads`) and downloads (`GET /v1/rooms/{room}/attachments/{id}`)
//! of 1 MiB and 100 MiB files, timed next to the same-run baseline of writing the same bytes to
//! a file on the storage's disk and reading them back (what a plain file copy costs); then one
//! big upload and download (1 GiB) while the API process's resident memory is sampled, to show
//! that both stream in constant memory.
//!
//! The bytes are a PDF header and pseudo-random data (incompressible, a different file each
//! time so that content addressing never shortcuts a store), made as they are sent.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use bytes::Bytes;
use futures::StreamExt;
use reqwest::header::{CONTENT_LENGTH, CONTENT_TYPE, RANGE};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::client::{Account, Client};
use crate::memory::rss_kib;
use crate::stats::round_ms;

#[derive(clap::Args)]
pub struct Args {
    /// File sizes to time, in MiB.
    #[arg(long, value_delimiter = ',', default_value = "1,100")]
    sizes_mib: Vec<u64>,
    /// Files of each size (each uploaded, downloaded, and written and read as the baseline).
    #[arg(long, default_value_t = 5)]
    rounds: usize,
    /// The big file whose upload and download the API's memory is watched during, in MiB (0: none).
    #[arg(long, default_value_t = 1024)]
    big_mib: u64,
    /// The process serving the API (`chat commands`), whose memory is sampled.
    #[arg(long)]
    server_pid: Option<u32>,
    /// A directory on the same disk as the storage, for the baseline's files.
    #[arg(long)]
    baseline_dir: PathBuf,
}

const MIB: u64 = 1024 * 1024;
const CHUNK: usize = 64 * 1024;

pub async fn run(api: &str, args: Args) -> anyhow::Result<Value> {
    let client = Client::new(api);
    let owner = client.register("bench_files").await?;
    let room = client.create_room(&owner, "files").await?;
    std::fs::create_dir_all(&args.baseline_dir)?;
    let mut seed = 1;
    let mut sizes = serde_json::Map::new();
    for &mib in &args.sizes_mib {
        let (mut up, mut down, mut write, mut read) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for _ in 0..args.rounds {
            seed += 1;
            let bytes = mib * MIB;
            let (id, took) = timed_upload(&client, &owner, bytes, seed).await?;
            up.push(took);
            down.push(timed_download(&client, &owner, room, id, bytes).await?);
            let (wrote, was_read) = baseline(&args.baseline_dir, bytes, seed).await?;
            write.push(wrote);
            read.push(was_read);
        }
        let throughput = |times: Vec<Duration>| rates(mib, times);
        sizes.insert(
            format!("{mib}_mib"),
            json!({
                "upload": throughput(up), "file_write": throughput(write),
                "download": throughput(down), "file_read": throughput(read),
            }),
        );
    }
    let big = match (args.big_mib, args.server_pid) {
        (0, _) | (_, None) => Value::Null,
        (mib, Some(pid)) => {
            seed += 1;
            let before = rss_kib(pid)?;
            let watch = Watch::start(pid);
            let (id, up) = timed_upload(&client, &owner, mib * MIB, seed).await?;
            let upload_peak = watch.peak_and_reset();
            let down = timed_download(&client, &owner, room, id, mib * MIB).await?;
            let download_peak = watch.peak_and_reset();
            json!({
                "mib": mib, "rss_before_kib": before,
                "upload": {"seconds": round_ms(up) / 1000.0, "peak_rss_kib": upload_peak},
                "download": {"seconds": round_ms(down) / 1000.0, "peak_rss_kib": download_peak},
            })
        }
    };
    let _ = std::fs::remove_dir_all(&args.baseline_dir);
    Ok(json!({"scenario": "files", "rounds": args.rounds, "sizes": sizes, "big": big}))
}

/// MiB/s at the median and the slowest of `times` (each of a `mib`-MiB file).
fn rates(mib: u64, mut times: Vec<Duration>) -> Value {
    times.sort();
    let per_s = |time: Duration| (mib as f64 / time.as_secs_f64()).round();
    json!({
        "median_ms": round_ms(times[times.len() / 2]),
        "median_mib_per_s": per_s(times[times.len() / 2]),
        "slowest_mib_per_s": per_s(times[times.len() - 1]),
    })
}

/// The file of `seed`: `bytes` long, in chunks of [`CHUNK`].
fn chunks(bytes: u64, seed: u64) -> impl Iterator<Item = Bytes> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut left = bytes;
    let mut first = true;
    std::iter::from_fn(move || {
        if left == 0 {
            return None;
        }
        let len = left.min(CHUNK as u64) as usize;
        left -= len as u64;
        let mut chunk = Vec::with_capacity(len + 8);
        while chunk.len() < len {
            // xorshift64: fast, and incompressible enough.
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            chunk.extend_from_slice(&state.to_le_bytes());
        }
        chunk.truncate(len);
        if std::mem::take(&mut first) {
            let header = b"%PDF-1.7\n";
            let n = header.len().min(len);
            chunk[..n].copy_from_slice(&header[..n]);
        }
        Some(Bytes::from(chunk))
    })
}

/// Uploads the file of `seed`; answers its upload id and how long the upload took.
async fn timed_upload(client: &Client, owner: &Account, bytes: u64, seed: u64) -> anyhow::Result<(Uuid, Duration)> {
    let body = reqwest::Body::wrap_stream(futures::stream::iter(chunks(bytes, seed).map(anyhow::Ok)));
    let started = Instant::now();
    let response = client
        .http
        .post(format!("{}/v1/uploads?name=bench-{seed}.pdf", client.api))
        .bearer_auth(&owner.token)
        .header(CONTENT_TYPE, "application/pdf")
        .header(CONTENT_LENGTH, bytes)
        .body(body)
        .send()
        .await?;
    let status = response.status();
    let reply: Value = response.json().await.unwrap_or(Value::Null);
    let took = started.elapsed();
    if !status.is_success() {
        bail!("upload: {status} {reply}");
    }
    Ok((reply["upload_id"].as_str().context("upload_id")?.parse()?, took))
}

/// Posts upload `id` into `room` and downloads it once it can be; answers how long the download
/// took (from the request to its last byte).
async fn timed_download(
    client: &Client,
    owner: &Account,
    room: Uuid,
    id: Uuid,
    bytes: u64,
) -> anyhow::Result<Duration> {
    let post = json!({"attachments": [id], "client_msg_id": id.to_string()});
    client.call(reqwest::Method::POST, &format!("/v1/rooms/{room}/messages"), &owner.token, post).await?;
    let url = format!("{}/v1/rooms/{room}/attachments/{id}", client.api);
    // The attachment is downloadable once the rooms read model has its post.
    for attempt in 0.. {
        let probe = client.http.get(&url).bearer_auth(&owner.token).header(RANGE, "bytes=0-0").send().await?;
        if probe.status().is_success() {
            break;
        }
        if attempt == 100 {
            bail!("download: {} after 10 s", probe.status());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let started = Instant::now();
    let response = client.http.get(&url).bearer_auth(&owner.token).send().await?.error_for_status()?;
    let mut body = response.bytes_stream();
    let mut received = 0;
    while let Some(chunk) = body.next().await {
        received += chunk?.len() as u64;
    }
    let took = started.elapsed();
    anyhow::ensure!(received == bytes, "download: {received} bytes of {bytes}");
    Ok(took)
}

/// The baseline: the file of `seed` written to `dir` and read back (times of each).
async fn baseline(dir: &Path, bytes: u64, seed: u64) -> anyhow::Result<(Duration, Duration)> {
    let path = dir.join(format!("baseline-{seed}"));
    tokio::task::spawn_blocking(move || {
        use std::io::{Read, Write};
        let started = Instant::now();
        let mut file = std::fs::File::create(&path)?;
        for chunk in chunks(bytes, seed) {
            file.write_all(&chunk)?;
        }
        drop(file);
        let wrote = started.elapsed();
        let started = Instant::now();
        let mut file = std::fs::File::open(&path)?;
        let mut buffer = vec![0; CHUNK];
        while file.read(&mut buffer)? > 0 {}
        let read = started.elapsed();
        std::fs::remove_file(&path)?;
        anyhow::Ok((wrote, read))
    })
    .await?
}

/// The highest resident memory of a process since the last look, sampled every 10 ms.
struct Watch {
    peak: Arc<AtomicU64>,
}

impl Watch {
    fn start(pid: u32) -> Self {
        let peak = Arc::new(AtomicU64::new(0));
        let sampled = Arc::downgrade(&peak);
        tokio::spawn(async move {
            while let Some(peak) = sampled.upgrade() {
                if let Ok(kib) = rss_kib(pid) {
                    peak.fetch_max(kib, Ordering::Relaxed);
                }
                drop(peak);
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        });
        Self { peak }
    }

    fn peak_and_reset(&self) -> u64 {
        self.peak.swap(0, Ordering::Relaxed)
    }
}
