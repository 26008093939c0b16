//! `chat events export`: every event (or a filtered part) in the durable feed's order, to
//! stdout or a file, as NDJSON, CSV or Parquet; the resume cursor on stderr at the end.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context;
use chat_history::{Encoder, Export, ExportRequest, Format, PAGE_SIZE};
use clap::Args;
use sqlx::PgPool;
use tokio::io::{AsyncWrite, AsyncWriteExt};

/// Pages read ahead of the encoder.
const READ_AHEAD: usize = 2;

#[derive(Args, Debug)]
pub struct ExportArgs {
    /// Only events recorded at or after this time (RFC 3339, e.g. 2026-11-23T00:00:00Z).
    #[arg(long)]
    pub since: Option<String>,
    /// Only events recorded before this time (RFC 3339).
    #[arg(long)]
    pub until: Option<String>,
    /// Only the events of this room (its id).
    #[arg(long)]
    pub room: Option<String>,
    /// Only events of this aggregate type (room, user, presence).
    #[arg(long)]
    pub aggregate_type: Option<String>,
    /// Only events of this type (repeatable; see docs/events.md).
    #[arg(long = "event-type")]
    pub event_types: Vec<String>,
    /// Start after this cursor (printed at the end of an earlier export).
    #[arg(long)]
    pub after: Option<String>,
    /// ndjson (default), csv or parquet; by default taken from the --output extension.
    #[arg(long)]
    pub format: Option<String>,
    /// Write to this file (replaced only once the export is complete) instead of stdout.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Events per database read.
    #[arg(long, default_value_t = PAGE_SIZE, value_parser = clap::value_parser!(i64).range(1..=100_000))]
    pub page_size: i64,
}

impl ExportArgs {
    /// The same parsing and validation as the HTTP endpoint's query string.
    fn request(&self) -> anyhow::Result<ExportRequest> {
        let mut pairs: Vec<(&str, &str)> = Vec::new();
        let options = [
            ("since", &self.since),
            ("until", &self.until),
            ("room", &self.room),
            ("aggregate_type", &self.aggregate_type),
            ("after", &self.after),
            ("format", &self.format),
        ];
        for (name, value) in options {
            if let Some(value) = value {
                pairs.push((name, value));
            }
        }
        pairs.extend(self.event_types.iter().map(|event_type| ("event_type", event_type.as_str())));
        let mut request = ExportRequest::from_pairs(pairs)
            .map_err(|e| anyhow::anyhow!("--{}: {}", e.name.replace('_', "-"), e.reason))?;
        if self.format.is_none()
            && let Some(format) = self.output.as_deref().and_then(format_of)
        {
            request.format = format;
        }
        Ok(request)
    }
}

/// The format named by a file's extension (`.ndjson`/`.jsonl`, `.csv`, `.parquet`).
fn format_of(path: &Path) -> Option<Format> {
    match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
        "jsonl" => Some(Format::Ndjson),
        other => other.parse().ok(),
    }
}

pub async fn run(pool: &PgPool, args: &ExportArgs) -> anyhow::Result<()> {
    let request = args.request()?;
    if request.format == Format::Parquet && args.output.is_none() && std::io::stdout().is_terminal() {
        anyhow::bail!("Parquet is binary: write it to a file with --output, or redirect stdout");
    }
    let export = Export::begin(pool.clone(), request.filter, request.after).await?.with_page_size(args.page_size);
    let cursor = export.end_cursor();
    let started = Instant::now();
    let exported = match &args.output {
        Some(path) => {
            let partial = partial_path(path);
            let file = tokio::fs::File::create(&partial)
                .await
                .with_context(|| format!("cannot create {}", partial.display()))?;
            let exported = write(export, request.format, file).await?;
            tokio::fs::rename(&partial, path).await.with_context(|| format!("cannot write {}", path.display()))?;
            exported
        }
        None => write(export, request.format, tokio::io::stdout()).await?,
    };
    let seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "exported {exported} events as {} in {seconds:.2} s ({:.0} events/s); resume with --after {cursor}",
        request.format,
        exported as f64 / seconds.max(f64::EPSILON)
    );
    eprintln!("cursor: {cursor}");
    Ok(())
}

/// Streams every page through the encoder into `out`; returns the number of events.
async fn write(export: Export, format: Format, mut out: impl AsyncWrite + Unpin) -> anyhow::Result<u64> {
    let mut encoder = Encoder::new(format)?;
    let mut pages = export.spawn(READ_AHEAD);
    let mut progress = Progress::new();
    while let Some(page) = pages.recv().await {
        let page = page.context("cannot read the event store")?;
        let bytes = encoder.encode(&page)?;
        out.write_all(&bytes).await.context("cannot write the export")?;
        progress.add(page.len() as u64);
    }
    out.write_all(&encoder.finish()?).await.context("cannot write the export")?;
    out.flush().await.context("cannot write the export")?;
    progress.done();
    Ok(progress.events)
}

/// `<file>.partial`, next to the file, so that the rename is atomic.
fn partial_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().map(|name| name.to_os_string()).unwrap_or_default();
    name.push(".partial");
    path.with_file_name(name)
}

/// A progress line on stderr, only when stderr is a terminal.
struct Progress {
    events: u64,
    started: Instant,
    shown: Option<Instant>,
    terminal: bool,
}

impl Progress {
    const EVERY: Duration = Duration::from_millis(250);

    fn new() -> Self {
        Self { events: 0, started: Instant::now(), shown: None, terminal: std::io::stderr().is_terminal() }
    }

    fn add(&mut self, events: u64) {
        self.events += events;
        if self.terminal && self.shown.is_none_or(|shown| shown.elapsed() >= Self::EVERY) {
            let rate = self.events as f64 / self.started.elapsed().as_secs_f64().max(f64::EPSILON);
            eprint!("\rexported {} events ({rate:.0} events/s)\x1b[K", self.events);
            self.shown = Some(Instant::now());
        }
    }

    fn done(&self) {
        if self.shown.is_some() {
            eprintln!();
        }
    }
}
