//! `chat-bench`: a load generator against a running deployment (see BENCHMARKS.md).
//!
//! Scenarios:
//! - `posts`: N posts into one room over REST, first one at a time, then from C concurrent
//!   senders; reports msg/s and request latency.
//! - `fill`: many messages into many rooms as fast as acks allow (to size the event store).
//! - `latency`: a steady post rate over a WebSocket on one gateway, received by members on
//!   another; reports send→deliver latency percentiles and deliveries/s.

mod client;
mod fill;
mod latency;
mod posts;
mod stats;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "chat-bench", about = "Load generator for the chat backend")]
struct Cli {
    /// Base URL of the REST API.
    #[arg(long, env = "CHAT_BENCH_API", default_value = "http://127.0.0.1:8080")]
    api: String,

    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,

    #[command(subcommand)]
    scenario: Scenario,
}

#[derive(Subcommand)]
enum Scenario {
    Posts(posts::Args),
    Fill(fill::Args),
    Latency(latency::Args),
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let report = match cli.scenario {
        Scenario::Posts(args) => posts::run(&cli.api, args).await?,
        Scenario::Fill(args) => fill::run(&cli.api, args).await?,
        Scenario::Latency(args) => latency::run(&cli.api, args).await?,
    };
    if cli.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        for (key, value) in report.as_object().into_iter().flatten() {
            println!("{key:>28}: {value}");
        }
    }
    Ok(())
}
