//! `chat`: telemetry, then configuration, then the chosen subcommand.

use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    chat::telemetry::init(chat::telemetry::LogFormat::from_env()?);
    let cli = chat::cli::Cli::parse();
    chat::cli::run(cli).await
}
