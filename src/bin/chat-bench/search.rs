//! `search`: `GET /v1/search` over a filled history (by default a million messages of
//! Zipf-distributed words, see [`crate::words`]) for a common, a medium and a rare word, in both
//! orders, each request timed next to the plain SQL query that finds the same page straight from
//! the index (`search_messages`, no membership join, no snippets, no HTTP): the baseline of the
//! same run, taken alternately with the API so that both see the same caches.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::{Value, json};
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;
use uuid::Uuid;

use crate::client::Client;
use crate::fill::{self, fill};
use crate::stats::{round_ms, summary};
use crate::words::{COMMON, MEDIUM, RARE, word};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    fill: fill::Args,
    /// The chat database (for the plain SQL baseline and the index's size).
    #[arg(long, env = "DATABASE_URL")]
    database_url: String,
    /// Timed searches per word and order (and as many baseline queries).
    #[arg(long, default_value_t = 100)]
    queries: usize,
}

/// The index's own query for one page (the API asks for 21 rows to know whether more follow).
const RAW_RELEVANCE: &str = "SELECT s.message_id FROM search_messages s,
      (SELECT websearch_to_tsquery('public.chat_simple', $1) || websearch_to_tsquery('public.chat_english', $1) AS q) query
    WHERE s.document @@ query.q
    ORDER BY ts_rank_cd(s.document, query.q) DESC, s.created_at DESC, s.message_id DESC LIMIT 21";
const RAW_RECENT: &str = "SELECT s.message_id FROM search_messages s,
      (SELECT websearch_to_tsquery('public.chat_simple', $1) || websearch_to_tsquery('public.chat_english', $1) AS q) query
    WHERE s.document @@ query.q
    ORDER BY s.created_at DESC, s.message_id DESC LIMIT 21";
const MATCHES: &str = "SELECT count(*) FROM search_messages
    WHERE document @@ (websearch_to_tsquery('public.chat_simple', $1) || websearch_to_tsquery('public.chat_english', $1))";

pub async fn run(api: &str, args: Args) -> anyhow::Result<Value> {
    let client = Client::new(api);
    let pool = PgPoolOptions::new().max_connections(1).connect(&args.database_url).await?;
    let filled = fill(&client, &args.fill).await?;
    let searcher = filled.senders[0].clone();

    // Indexed once a message posted after all the others is found.
    let started = Instant::now();
    let sentinel: String =
        Uuid::new_v4().simple().to_string().chars().map(|c| (b'a' + c.to_digit(16).unwrap() as u8) as char).collect();
    client.post(&searcher, filled.rooms[0], &format!("the last one {sentinel}"), "sentinel").await?;
    loop {
        let found = client.get(&format!("/v1/search?q={sentinel}"), &searcher.token).await?;
        if found["results"].as_array().is_some_and(|hits| !hits.is_empty()) {
            break;
        }
        if started.elapsed() > Duration::from_secs(1800) {
            bail!("the search index did not catch up in 30 minutes");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let caught_up = started.elapsed();
    // What autovacuum does after so many inserts on a default server (this machine's runs with
    // autovacuum off): the planner chooses a search's plan by how common its words are.
    sqlx::query("ANALYZE search_messages, room_members").execute(&pool).await?;

    let mut words = serde_json::Map::new();
    for (label, rank) in [("common", COMMON), ("medium", MEDIUM), ("rare", RARE)] {
        let text = word(rank);
        let matches: i64 = sqlx::query_scalar(MATCHES).bind(&text).fetch_one(&pool).await?;
        let mut orders = serde_json::Map::new();
        for (order, raw) in [("relevance", RAW_RELEVANCE), ("recent", RAW_RECENT)] {
            let path = format!("/v1/search?q={text}&order={order}&limit=20");
            let (mut api_times, mut sql_times) = (Vec::new(), Vec::new());
            for n in 0..args.queries + 3 {
                let at = Instant::now();
                let page = client.get(&path, &searcher.token).await?;
                let api_time = at.elapsed();
                let at = Instant::now();
                let rows: Vec<Uuid> = sqlx::query_scalar(raw).bind(&text).fetch_all(&pool).await?;
                let sql_time = at.elapsed();
                let hits = page["results"].as_array().context("results")?.len();
                anyhow::ensure!(hits == rows.len().min(20), "{label}: the API found {hits}, the index {}", rows.len());
                // The first three of each warm the caches.
                if n >= 3 {
                    api_times.push(api_time);
                    sql_times.push(sql_time);
                }
            }
            orders.insert(order.to_owned(), json!({"api": summary(api_times), "sql": summary(sql_times)}));
        }
        words.insert(label.to_owned(), json!({"word": text, "matches": matches, "orders": orders}));
    }
    Ok(json!({
        "scenario": "search",
        "fill": filled.report(),
        "index_caught_up_ms": round_ms(caught_up),
        "index": index_size(&pool).await?,
        "words": words,
    }))
}

/// The index's size: its table (text and vectors, TOAST included) and its GIN index.
async fn index_size(pool: &PgPool) -> anyhow::Result<Value> {
    let (rows, total, gin): (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM search_messages), pg_total_relation_size('search_messages'),
                coalesce((SELECT sum(pg_relation_size(indexrelid))::bigint FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                          JOIN pg_am am ON am.oid = c.relam WHERE i.indrelid = 'search_messages'::regclass AND am.amname = 'gin'), 0)",
    )
    .fetch_one(pool)
    .await?;
    let mib = |bytes: i64| (bytes as f64 / 1048576.0 * 10.0).round() / 10.0;
    Ok(json!({"rows": rows, "total_mib": mib(total), "gin_mib": mib(gin)}))
}
