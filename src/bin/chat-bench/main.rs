//! `chat-bench`: a load generator against a running deployment, and the baselines it is
//! compared with in the same run (see BENCHMARKS.md and scripts/bench.sh).
//!
//! Scenarios (each prints a summary, or one JSON object with `--json`):
//! - `many-rooms`: many small rooms, every member posting over WebSockets across gateways.
//! - `hot-room`: one room, many REST senders as fast as answers come back.
//! - `fan-out`: one room with many connected members, a steady post rate.
//! - `connections`: many idle connections on one gateway; memory per connection.
//! - `resume-storm`: kill a gateway under its clients; all resume on another.
//! - `support`: many websites' visitors on one gateway chatting with the websites' agents;
//!   delivery both ways, memory per visitor, inbox freshness.
//! - `fill`: many posts into many rooms (to size the event store, e.g. before a rebuild).
//! - `search`: full-text searches for common and rare words over a filled history.
//! - `files`: upload and download throughput, and the API's memory during a big upload.
//! - `pgbench`: the database's insert ceiling (baseline for the write path).
//! - `baseline-forwarder`: a minimal NATS→WebSocket forwarder (baseline for delivery), which
//!   runs `forwarder` as a child process.

mod client;
mod connections;
mod fan_out;
mod files;
mod fill;
mod forwarder;
mod hot_room;
mod many_rooms;
mod memory;
mod pgbench;
mod resume_storm;
mod search;
mod stats;
mod support;
mod traffic;
mod words;
mod ws;

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
    ManyRooms(many_rooms::Args),
    HotRoom(hot_room::Args),
    FanOut(fan_out::Args),
    Connections(connections::Args),
    ResumeStorm(resume_storm::Args),
    Support(support::Args),
    Fill(fill::Args),
    Search(search::Args),
    Files(files::Args),
    Pgbench(pgbench::Args),
    BaselineForwarder(forwarder::LoadArgs),
    /// The forwarder itself (started by `baseline-forwarder`).
    Forwarder(forwarder::ServeArgs),
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let report = match cli.scenario {
        Scenario::ManyRooms(args) => many_rooms::run(&cli.api, args).await?,
        Scenario::HotRoom(args) => hot_room::run(&cli.api, args).await?,
        Scenario::FanOut(args) => fan_out::run(&cli.api, args).await?,
        Scenario::Connections(args) => connections::run(&cli.api, args).await?,
        Scenario::ResumeStorm(args) => resume_storm::run(&cli.api, args).await?,
        Scenario::Support(args) => support::run(&cli.api, args).await?,
        Scenario::Fill(args) => fill::run(&cli.api, args).await?,
        Scenario::Search(args) => search::run(&cli.api, args).await?,
        Scenario::Files(args) => files::run(&cli.api, args).await?,
        Scenario::Pgbench(args) => pgbench::run(args).await?,
        Scenario::BaselineForwarder(args) => forwarder::load(args).await?,
        Scenario::Forwarder(args) => return forwarder::serve(args).await,
    };
    if cli.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        for (key, value) in report.as_object().into_iter().flatten() {
            println!("{key:>28}: {value}");
        }
    }
    Ok(())
}
