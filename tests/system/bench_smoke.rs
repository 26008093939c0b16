//! The load generator's smoke run: every `chat-bench` scenario and baseline at a tiny size
//! against a deployed stack with two gateways, so that the tool cannot rot. Each test checks
//! what the run reports about correctness (nothing lost, duplicated, refused or in conflict),
//! never how fast it was: speed is for BENCHMARKS.md.

use std::time::Duration;

use serde_json::Value;

use crate::harness::{Deployment, Stack, deploy, run_chat};

/// A smoke run takes seconds; this is for a loaded machine running the whole suite.
const WITHIN: Duration = Duration::from_secs(180);

/// Runs `chat-bench --json <args…>` against `deployment` and answers its report.
async fn bench(deployment: &Deployment, args: &[&str]) -> Value {
    let stack = &deployment.stack;
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_chat-bench"));
    command
        .args(["--api", deployment.api.base(), "--json"])
        .args(args)
        .env("DATABASE_URL", &stack.db.url)
        .env("NATS_URL", &stack.nats_url)
        .kill_on_drop(true);
    let output = tokio::time::timeout(WITHIN, command.output()).await.expect("chat-bench finishes").expect("spawn");
    let (stdout, stderr) = (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "chat-bench {args:?} failed\nstdout:\n{stdout}\nstderr:\n{stderr}");
    serde_json::from_str(stdout.lines().last().unwrap_or_default())
        .unwrap_or_else(|e| panic!("chat-bench {args:?} printed no JSON report ({e}):\n{stdout}"))
}

async fn two_gateways() -> (Deployment, String) {
    let deployment = deploy(Stack::new().await, 2).await;
    let gateways = format!("{},{}", deployment.gateways[0].ws_url(), deployment.gateways[1].ws_url());
    (deployment, gateways)
}

/// Every message was acknowledged and reached every member exactly once.
fn assert_delivered(report: &Value) {
    assert_eq!(report["acked"], report["sent"], "{report}");
    assert_eq!(report["errors"], serde_json::json!({}), "{report}");
    assert_eq!(report["caught_up"], true, "{report}");
    assert_eq!(report["lost"], 0, "{report}");
    assert_eq!(report["duplicated"], 0, "{report}");
    assert!(report["deliveries"].as_u64() > Some(0), "{report}");
}

#[tokio::test]
async fn many_rooms_delivers_every_post_to_every_member_across_gateways() {
    let (deployment, gateways) = two_gateways().await;
    let report = bench(
        &deployment,
        &[
            "many-rooms",
            "--ws",
            &gateways,
            "--rooms",
            "12",
            "--members",
            "4",
            "--users",
            "8",
            "--rate",
            "60",
            "--duration",
            "1",
        ],
    )
    .await;
    let report = &report;
    assert_delivered(report);
    // Four members per room: every post is delivered four times.
    assert_eq!(report["deliveries"].as_u64(), report["acked"].as_u64().map(|acked| acked * 4), "{report}");
}

#[tokio::test]
async fn fan_out_delivers_every_post_to_every_member() {
    let (deployment, gateways) = two_gateways().await;
    let report =
        bench(&deployment, &["fan-out", "--ws", &gateways, "--members", "16", "--rate", "20", "--duration", "1"]).await;
    assert_delivered(&report);
    assert_eq!(report["deliveries"].as_u64(), report["acked"].as_u64().map(|acked| acked * 16), "{report}");
}

#[tokio::test]
async fn a_hot_room_sees_no_conflict_and_no_server_error() {
    let deployment = deploy(Stack::new().await, 0).await;
    let report = bench(&deployment, &["hot-room", "--senders", "8", "--duration", "1"]).await;
    assert!(report["accepted"].as_u64() > Some(0), "{report}");
    for counter in ["conflicts", "server_errors", "repeated_seqs"] {
        assert_eq!(report[counter], 0, "{counter}: {report}");
    }
}

#[tokio::test]
async fn idle_connections_all_get_ready_and_stay_open() {
    let deployment = deploy(Stack::new().await, 1).await;
    let gateway = &deployment.gateways[0];
    let pid = gateway.pid().to_string();
    let report = bench(
        &deployment,
        &["connections", "--ws", gateway.ws_url(), "--gateway-pid", &pid, "--connections", "40", "--users", "4"],
    )
    .await;
    assert_eq!(report["all_ready"], true, "{report}");
    assert_eq!(report["closed_while_idle"], 0, "{report}");
    assert!(report["gateway_kib_per_connection"].is_number(), "{report}");
}

#[tokio::test]
async fn support_chat_delivers_both_ways_and_the_inbox_shows_visitors_messages() {
    let (deployment, _) = two_gateways().await;
    let (visitors, agents) = (&deployment.gateways[0], &deployment.gateways[1]);
    let pid = visitors.pid().to_string();
    let report = bench(
        &deployment,
        &[
            "support",
            "--visitor-ws",
            visitors.ws_url(),
            "--gateway-pid",
            &pid,
            "--agent-ws",
            agents.ws_url(),
            "--websites",
            "3",
            "--agents-per-website",
            "1",
            "--visitors",
            "12",
            "--visitor-interval-ms",
            "500",
            "--answer-delay-ms",
            "100",
            "--inbox-sample-ms",
            "200",
            "--duration",
            "2",
        ],
    )
    .await;
    assert!(report["visitor_messages"].as_u64() > Some(0), "{report}");
    // Every visitor message was answered, and every post acknowledged and delivered once.
    assert_eq!(report["answers"], report["visitor_messages"], "{report}");
    assert_eq!(report["answers_unqueued"], 0, "{report}");
    assert_eq!(report["acked"].as_u64(), report["visitor_messages"].as_u64().map(|sent| sent * 2), "{report}");
    assert_eq!(report["errors"], serde_json::json!({}), "{report}");
    assert_eq!(report["caught_up"], true, "{report}");
    assert_eq!(report["lost"], 0, "{report}");
    assert_eq!(report["duplicated"], 0, "{report}");
    assert_eq!(report["closed_by_server"], 0, "{report}");
    // Each post reaches the visitor and the one agent (the owner is in it too, offline).
    assert_eq!(report["deliveries"].as_u64(), report["acked"].as_u64().map(|acked| acked * 2), "{report}");
    for timed in ["visitor_to_first_agent", "visitor_to_all_agents", "agent_to_visitor", "inbox_freshness"] {
        assert!(report[timed]["samples"].as_u64() > Some(0), "{timed}: {report}");
    }
    assert_eq!(report["inbox_timeouts"], 0, "{report}");
    assert!(report["gateway_kib_per_visitor"].is_number(), "{report}");
}

#[tokio::test]
async fn a_resume_storm_after_a_gateway_is_killed_loses_and_duplicates_nothing() {
    let (deployment, _) = two_gateways().await;
    let (from, to) = (&deployment.gateways[0], &deployment.gateways[1]);
    let pid = from.pid().to_string();
    let report = bench(
        &deployment,
        &[
            "resume-storm",
            "--from-ws",
            from.ws_url(),
            "--gateway-pid",
            &pid,
            "--to-ws",
            to.ws_url(),
            "--clients",
            "30",
            "--users",
            "6",
            "--rooms",
            "3",
            "--rate",
            "20",
            "--before",
            "1",
            "--after",
            "1",
        ],
    )
    .await;
    assert!(report["all_caught_up_ms"].is_number(), "{report}");
    assert_eq!(report["post_errors"], 0, "{report}");
    assert_eq!(report["lost"], 0, "{report}");
    assert_eq!(report["duplicated"], 0, "{report}");
}

#[tokio::test]
async fn the_baselines_run() {
    let deployment = deploy(Stack::new().await, 0).await;
    let pgbench = bench(&deployment, &["pgbench", "--clients", "1", "--duration", "1"]).await;
    assert!(pgbench["tps"]["clients_1"].as_f64() > Some(0.0), "{pgbench}");
    let forwarder =
        bench(&deployment, &["baseline-forwarder", "--connections", "8", "--rate", "20", "--duration", "1"]).await;
    assert_eq!(forwarder["lost"], 0, "{forwarder}");
    assert_eq!(forwarder["deliveries"], 8 * 20, "{forwarder}");
}

#[tokio::test]
async fn files_go_up_and_come_down_whole_and_the_api_memory_is_watched() {
    let deployment = deploy(Stack::new().await, 0).await;
    let pid = deployment.commands_pid().to_string();
    let baseline = deployment.stack.storage.join("baseline");
    let baseline = baseline.to_str().expect("a UTF-8 path");
    let report = bench(
        &deployment,
        &[
            "files",
            "--sizes-mib",
            "1",
            "--rounds",
            "1",
            "--big-mib",
            "2",
            "--server-pid",
            &pid,
            "--baseline-dir",
            baseline,
        ],
    )
    .await;
    for timed in ["upload", "download", "file_write", "file_read"] {
        assert!(report["sizes"]["1_mib"][timed]["median_mib_per_s"].as_f64() > Some(0.0), "{timed}: {report}");
    }
    for way in ["upload", "download"] {
        assert!(report["big"][way]["peak_rss_kib"].as_u64() > Some(0), "{way}: {report}");
    }
}

#[tokio::test]
async fn searches_find_what_the_index_holds_for_common_and_rare_words() {
    let deployment = deploy(Stack::new().await, 0).await;
    // The scenario itself checks that every API page has the rows the index's own query finds.
    let report =
        bench(&deployment, &["search", "--messages", "300", "--rooms", "3", "--senders", "3", "--queries", "2"]).await;
    assert_eq!(report["index"]["rows"], 301, "the filled messages and the last one: {report}");
    assert!(report["words"]["common"]["matches"].as_u64() > Some(100), "{report}");
    for word in ["common", "medium", "rare"] {
        for order in ["relevance", "recent"] {
            let timed = &report["words"][word]["orders"][order];
            assert_eq!(timed["api"]["samples"], 2, "{word} {order}: {report}");
            assert_eq!(timed["sql"]["samples"], 2, "{word} {order}: {report}");
        }
    }
}

#[tokio::test]
async fn a_filled_store_rebuilds() {
    let deployment = deploy(Stack::new().await, 0).await;
    let fill = bench(&deployment, &["fill", "--messages", "200", "--rooms", "4", "--senders", "4"]).await;
    assert_eq!(fill["messages"], 200, "{fill}");
    let rebuilt = run_chat(&deployment.stack, &["projections", "rebuild", "all"], WITHIN).await;
    assert!(rebuilt.expect_success().contains("rebuilt rooms"), "{}", rebuilt.stdout);
}
