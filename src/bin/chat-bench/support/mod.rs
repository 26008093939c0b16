//! `support`: support chat at scale (README "Support chat on your website", docs/api.md
//! §11–§12). Many visitors over many websites, all connected to one gateway, each posting
//! into their conversation at a human rate; every message is answered by one of the website's
//! agents (connected over WebSockets too, taking turns) a moment after it reaches them.
//!
//! Reports delivery latency visitor→agents (to the website's first agent, and to all of them)
//! and agent→visitor; deliveries lost or duplicated on any connection (the tallies' seq
//! checks, after the run and a grace period); the visitors' gateway's resident memory per
//! visitor connection; and inbox freshness (see `inbox`).

mod deliveries;
mod inbox;
mod posting;
mod setup;
mod site;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::sync::mpsc;

use crate::client::Client;
use crate::memory::{kib_per, rss_kib};
use crate::stats::{round_ms, round_s, summary};
use crate::ws::{self, Tally, lock};
use deliveries::{Conversation, Deliveries};
use inbox::Inbox;

#[derive(clap::Args)]
pub struct Args {
    /// The gateway every visitor connects to (WebSocket URL).
    #[arg(long)]
    visitor_ws: String,
    /// The gateway the agents connect to (default: the visitors').
    #[arg(long)]
    agent_ws: Option<String>,
    /// The visitors' gateway's process id, to read its memory.
    #[arg(long)]
    gateway_pid: Option<u32>,
    #[arg(long, default_value_t = 100)]
    websites: usize,
    /// Agents on each website's team, all connected (its owner is on the team too, offline).
    #[arg(long, default_value_t = 2)]
    agents_per_website: usize,
    /// Visitors, spread evenly over the websites, each with one conversation.
    #[arg(long, default_value_t = 5000)]
    visitors: usize,
    /// A visitor's mean time between messages (each wait is 0.5–1.5 × this), in milliseconds.
    #[arg(long, default_value_t = 20_000)]
    visitor_interval_ms: u64,
    /// How long an agent takes to answer a message once it has it, in milliseconds.
    #[arg(long, default_value_t = 1000)]
    answer_delay_ms: u64,
    /// Time between the visitor messages followed into the inbox, in milliseconds.
    #[arg(long, default_value_t = 1000)]
    inbox_sample_ms: u64,
    /// Seconds of posting.
    #[arg(long, default_value_t = 60)]
    duration: u64,
}

/// How long answering, acknowledging and delivering may go on after the visitors stop.
const GRACE: Duration = Duration::from_secs(60);

/// Answers an agent may have waiting before more are counted as unqueued.
const ANSWER_QUEUE: usize = 4096;

pub async fn run(api: &str, args: Args) -> anyhow::Result<Value> {
    anyhow::ensure!(args.websites >= 1, "--websites must be at least 1");
    anyhow::ensure!(args.agents_per_website >= 1, "--agents-per-website must be at least 1");
    anyhow::ensure!(args.visitors >= args.websites, "--visitors must be at least --websites");
    anyhow::ensure!(args.visitor_interval_ms >= 1, "--visitor-interval-ms must be at least 1");
    let client = Client::new(api);
    let setting_up = Instant::now();
    let site = site::Site::serve().await?;
    let websites = setup::websites(&client, &site, args.websites, args.agents_per_website).await?;
    let visitors = setup::visitors(&client, &websites, args.visitors).await?;
    drop(site);
    let setup_s = setting_up.elapsed();

    let (queues, answer_queues): (Vec<_>, Vec<_>) =
        (0..websites.len() * args.agents_per_website).map(|_| mpsc::channel(ANSWER_QUEUE)).unzip();
    let lookers = websites.iter().map(|website| (website.id, website.agents[0].token.clone())).collect();
    let inbox = Arc::new(Inbox::new(client.clone(), lookers, Duration::from_millis(args.inbox_sample_ms)));
    let conversations = visitors
        .iter()
        .map(|visitor| (visitor.room.id, Conversation { visitor: visitor.id, website: visitor.website }))
        .collect();
    let answer_delay = Duration::from_millis(args.answer_delay_ms);
    let deliveries = Deliveries::new(conversations, args.agents_per_website, queues, answer_delay, inbox.clone());

    // Agents resume every conversation of their website from its start, visitors their own.
    let mut resume: Vec<HashMap<_, _>> = vec![HashMap::new(); websites.len()];
    for visitor in &visitors {
        resume[visitor.website].insert(visitor.room.id, visitor.room.seq);
    }
    let agent_tallies: Vec<_> = (0..websites.len() * args.agents_per_website)
        .map(|agent| Tally::observed(&resume[agent / args.agents_per_website], deliveries.agent_observer(agent)))
        .collect();
    let visitor_tallies: Vec<_> = visitors
        .iter()
        .map(|visitor| {
            Tally::observed(&HashMap::from([(visitor.room.id, visitor.room.seq)]), deliveries.visitor_observer())
        })
        .collect();
    let agent_ws = args.agent_ws.clone().unwrap_or_else(|| args.visitor_ws.clone());
    let agent_tokens: Vec<&str> =
        websites.iter().flat_map(|website| &website.agents).map(|agent| agent.token.as_str()).collect();
    let agent_conns = ws::connect_all(&[agent_ws], &agent_tokens, &agent_tallies).await?;
    let rss_before = args.gateway_pid.map(rss_kib).transpose()?;
    let connecting = Instant::now();
    let visitor_tokens: Vec<&str> = visitors.iter().map(|visitor| visitor.token.as_str()).collect();
    let visitor_conns =
        ws::connect_all(std::slice::from_ref(&args.visitor_ws), &visitor_tokens, &visitor_tallies).await?;
    let connect_s = connecting.elapsed();
    let rss_connected = args.gateway_pid.map(rss_kib).transpose()?;

    let answers = Arc::new(AtomicU64::new(0));
    let mut readers = Vec::new();
    let mut agent_writers = Vec::new();
    for (agent, (conn, queue)) in agent_conns.into_iter().zip(answer_queues).enumerate() {
        readers.push(conn.reader);
        let client = visitors.len() + agent;
        agent_writers.push(tokio::spawn(posting::answer(conn.sink, queue, client, answers.clone())));
    }
    let started = Instant::now();
    let until = tokio::time::Instant::now() + Duration::from_secs(args.duration);
    let interval = Duration::from_millis(args.visitor_interval_ms);
    let visiting = visitor_conns.into_iter().zip(&visitors).enumerate().map(|(v, (conn, visitor))| {
        readers.push(conn.reader);
        posting::visit(conn.sink, visitor.room.id, v, interval, until)
    });
    let visited = futures::future::try_join_all(visiting).await?;
    let visitor_messages: u64 = visited.iter().map(|(_, sent)| sent).sum();

    // Every visitor message is answered once its agent has it and the delay has passed; then
    // every post must be acknowledged and reach every connection in its room.
    let answered =
        ws::wait_until(GRACE, || answers.load(Ordering::Relaxed) + deliveries.unqueued() as u64 >= visitor_messages)
            .await;
    let sent = visitor_messages + answers.load(Ordering::Relaxed);
    let tallies: Vec<_> = agent_tallies.iter().chain(&visitor_tallies).cloned().collect();
    let acked = || tallies.iter().map(|tally| lock(tally).answered() as u64).sum::<u64>();
    ws::wait_until(GRACE, || acked() >= sent).await;
    let through = ws::acked_through(&tallies);
    let caught_up = ws::wait_all(&tallies, GRACE, |tally| tally.behind(&through) == 0).await;
    let delivering = started.elapsed();
    let freshness = inbox.finish().await;
    let rss_end = args.gateway_pid.map(rss_kib).transpose()?;

    let behind: u64 = tallies.iter().map(|tally| lock(tally).behind(&through)).sum();
    let closed = tallies.iter().filter(|tally| lock(tally).closed.is_some()).count();
    for writer in agent_writers {
        if writer.is_finished() {
            writer.await??;
        } else {
            writer.abort();
        }
    }
    for reader in readers {
        reader.abort();
    }
    let timings = deliveries.take_timings();
    let totals = ws::totals(&tallies);
    let agents = websites.len() * args.agents_per_website;
    let visitor_rate = args.visitors as f64 * 1000.0 / args.visitor_interval_ms as f64;
    Ok(json!({
        "scenario": "support",
        "websites": websites.len(),
        "agents": agents,
        "visitors": visitors.len(),
        "visitor_interval_ms": args.visitor_interval_ms,
        "answer_delay_ms": args.answer_delay_ms,
        "duration_s": args.duration,
        "offered_visitor_msg_per_s": visitor_rate.round(),
        "offered_msg_per_s": (2.0 * visitor_rate).round(),
        "setup_s": round_s(setup_s),
        "visitors_connect_s": round_s(connect_s),
        "gateway_rss_before_kib": rss_before,
        "gateway_rss_connected_kib": rss_connected,
        "gateway_rss_end_kib": rss_end,
        "gateway_kib_per_visitor": kib_per(rss_before, rss_connected, visitors.len()),
        "visitor_messages": visitor_messages,
        "answers": sent - visitor_messages,
        "all_answered": answered,
        "answers_unqueued": timings.unqueued,
        "acked": totals.acked,
        "errors": totals.errors,
        "deliveries": totals.posts,
        "all_delivered_ms": round_ms(delivering),
        "caught_up": caught_up,
        "lost": totals.gaps + behind,
        "duplicated": totals.duplicates,
        "closed_by_server": closed,
        "send_to_ack": summary(totals.ack_latencies),
        "visitor_to_first_agent": summary(timings.to_first_agent),
        "visitor_to_all_agents": summary(timings.to_all_agents),
        "agent_to_visitor": summary(timings.to_visitor),
        "inbox_freshness": summary(freshness.shown),
        "inbox_samples_skipped": freshness.skipped,
        "inbox_timeouts": freshness.timeouts,
    }))
}
