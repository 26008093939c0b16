//! Uploads and attachments, end to end against the real binary: streamed uploads and their
//! limits, types sniffed from the bytes, images with limits, posts that name uploads, downloads
//! by members only (with ranges, validators and signed URLs), deleted messages, the collector
//! of unposted uploads, erasure, and the same over an S3-compatible store.

pub mod files;

use std::time::Duration;

use hmac::{Hmac, Mac};
use reqwest::Method;
use serde_json::{Value, json};
use sha2::Sha256;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use uuid::Uuid;

use crate::harness::{Api, S3Server, Server, Stack, User, Ws, eventually, files_under, operator};
use files::{bomb, exe, pdf, png, sha256};

/// How long the read models may take to show a post (the suite runs in parallel).
const PROJECTED: Duration = Duration::from_secs(30);

async fn up(stack: &Stack) -> (Server, Api) {
    let server = Server::start(stack, "up").await;
    let api = Api::new(server.url());
    (server, api)
}

/// Two members of one room (`alice` owns it) and `carol`, who is in no room of theirs.
async fn people(api: &Api) -> (User, User, User, Uuid) {
    let (alice, bob, carol) = (api.register("alice").await, api.register("bob").await, api.register("carol").await);
    let room = alice.create_group("files").await;
    assert_eq!(bob.join(room).await.status, 200);
    (alice, bob, carol, room)
}

/// Uploads `bytes`, which must be accepted; the upload's id.
async fn uploaded(user: &User, bytes: Vec<u8>, content_type: &str, name: &str) -> Value {
    let reply = user.upload(bytes, Some(content_type), name).await;
    assert_eq!(reply.status, 201, "upload {name}: {reply:?}");
    reply.body
}

fn id(upload: &Value) -> Uuid {
    upload["upload_id"].as_str().and_then(|id| id.parse().ok()).expect("an upload id")
}

/// The message `message` of `room` once the history shows it.
async fn projected(user: &User, room: Uuid, message: &Value) -> Value {
    eventually("the post in the history", PROJECTED, || async {
        let history = user.history(room, 50).await;
        history.body["messages"].as_array()?.iter().find(|m| m["message_id"] == *message).cloned()
    })
    .await
}

fn attachment_path(room: Uuid, attachment: Uuid) -> String {
    format!("/v1/rooms/{room}/attachments/{attachment}")
}

/// The blobs stored under `dir` (a stack's storage directory or an S3 server's bucket prefix).
fn blobs(dir: &std::path::Path) -> Vec<String> {
    files_under(&dir.join("blobs")).iter().filter_map(|path| Some(path.file_name()?.to_str()?.to_owned())).collect()
}

#[tokio::test]
async fn a_posted_file_reaches_the_history_and_members_download_it_and_no_one_else() {
    let stack = Stack::new().await;
    let (_server, api) = up(&stack).await;
    let (alice, bob, carol, room) = people(&api).await;
    let text = "Quarterly figures\nall good\n".repeat(10).into_bytes();
    let upload = uploaded(&alice, text.clone(), "text/plain; charset=utf-8", "../../Q3 report.txt").await;
    assert_eq!(upload["name"], "Q3 report.txt", "the path is cut off");
    assert_eq!((upload["mime"].as_str(), upload["size"].as_u64()), (Some("text/plain"), Some(text.len() as u64)));
    assert_eq!(upload["sha256"], sha256(&text));
    let file = id(&upload);

    let posted = alice.post_files(room, Some("the report"), "f-1", &[file]).await;
    assert_eq!(posted.status, 201, "{posted:?}");
    let message = projected(&bob, room, &posted.body["message_id"]).await;
    assert_eq!(message["kind"], "file");
    assert_eq!(message["body"], "the report");
    let listed = &message["attachments"][0];
    assert_eq!(
        (listed["id"].as_str(), listed["name"].as_str()),
        (Some(file.to_string().as_str()), Some("Q3 report.txt"))
    );
    assert_eq!((listed["mime"].as_str(), listed["size"].as_u64()), (Some("text/plain"), Some(text.len() as u64)));

    let got = bob.download(&attachment_path(room, file), &[]).await;
    assert_eq!(got.status, 200, "{:?}", got.code());
    assert_eq!(got.bytes, text);
    assert_eq!(got.header("content-type"), Some("text/plain; charset=utf-8"));
    assert_eq!(got.header("etag"), Some(format!("\"{}\"", sha256(&text)).as_str()));
    assert_eq!(got.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(got.header("content-security-policy"), Some("default-src 'none'; sandbox"));
    assert_eq!(got.header("accept-ranges"), Some("bytes"));
    assert_eq!(
        got.header("content-disposition"),
        Some("attachment; filename=\"Q3 report.txt\"; filename*=UTF-8''Q3%20report.txt")
    );

    // Outside the room, an unknown id and an unknown room all look the same: 404, never 403.
    for (who, path) in [
        (&carol, attachment_path(room, file)),
        (&bob, attachment_path(room, Uuid::now_v7())),
        (&carol, attachment_path(Uuid::now_v7(), file)),
        (&carol, format!("{}/links", attachment_path(room, file))),
        (&bob, format!("{}/thumbnail", attachment_path(room, file))),
    ] {
        let refused = who.download(&path, &[]).await;
        assert_eq!((refused.status, refused.code().as_deref()), (404, Some("attachment_not_found")), "{path}");
    }
    let anonymous = api.fetch(api.raw(Method::GET, &attachment_path(room, file))).await;
    assert_eq!(anonymous.status, 401);
}

#[tokio::test]
async fn the_same_bytes_are_stored_once() {
    let stack = Stack::new().await;
    let (_server, api) = up(&stack).await;
    let (alice, bob, _, _) = people(&api).await;
    let bytes = pdf();
    let first = uploaded(&alice, bytes.clone(), "application/pdf", "a.pdf").await;
    let second = uploaded(&alice, bytes.clone(), "application/pdf", "b.pdf").await;
    let third = uploaded(&bob, bytes.clone(), "application/octet-stream", "c.pdf").await;
    let ids = [id(&first), id(&second), id(&third)];
    assert!(ids[0] != ids[1] && ids[1] != ids[2], "three uploads");
    assert_eq!(third["mime"], "application/pdf", "octet-stream declares nothing: the sniffed type");
    assert_eq!(blobs(&stack.storage), [sha256(&bytes)], "one blob");
}

/// Streams text as an upload over a raw connection, in 64 KiB chunks (`Transfer-Encoding:
/// chunked`, or with a `Content-Length` of `total`), as a client sending a large file would:
/// it sends at most `sent` bytes of the `total` (then waits, the body unfinished, unless that is
/// all of it) and reads the answer meanwhile; the answer's status and text.
async fn stream_upload(api: &Api, token: &str, total: usize, sent: usize, with_length: bool) -> (u16, String) {
    let address = api.base().trim_start_matches("http://").to_owned();
    let stream = tokio::net::TcpStream::connect(&address).await.expect("connect");
    let (mut reader, mut writer) = stream.into_split();
    let framing =
        if with_length { format!("Content-Length: {total}\r\n") } else { "Transfer-Encoding: chunked\r\n".to_owned() };
    let head = format!(
        "POST /v1/uploads?name=big.txt HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: text/plain\r\n{framing}Connection: close\r\n\r\n"
    );
    let writing = tokio::spawn(async move {
        writer.write_all(head.as_bytes()).await?;
        let chunk = vec![b'a'; 64 * 1024];
        let mut written = 0;
        while written < sent.min(total) {
            let n = chunk.len().min(sent.min(total) - written);
            if !with_length {
                writer.write_all(format!("{n:x}\r\n").as_bytes()).await?;
            }
            writer.write_all(&chunk[..n]).await?;
            if !with_length {
                writer.write_all(b"\r\n").await?;
            }
            written += n;
        }
        if written == total && !with_length {
            writer.write_all(b"0\r\n\r\n").await?;
        }
        // Keep the connection open until the answer came.
        std::future::pending::<()>().await;
        std::io::Result::Ok(())
    });
    let mut answer = Vec::new();
    let mut buffer = [0u8; 4096];
    let read = tokio::time::timeout(Duration::from_secs(30), async {
        while let Ok(n) = reader.read(&mut buffer).await {
            if n == 0 {
                break;
            }
            answer.extend_from_slice(&buffer[..n]);
            if answer.windows(4).any(|w| w == b"\r\n\r\n") && answer.ends_with(b"}") {
                break;
            }
        }
    });
    read.await.expect("an answer within 30 s");
    writing.abort();
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("no status in {text:?}"));
    (status, text)
}

#[tokio::test]
async fn a_streamed_upload_over_the_limit_is_refused_with_413_and_nothing_is_stored() {
    let stack = Stack::new().await.env("CHAT_UPLOAD_MAX_BYTES", "1048576").env("CHAT_UPLOAD_QUOTA_BYTES", "1800000");
    let (_server, api) = up(&stack).await;
    let alice = api.register("alice").await;
    // Clients are told the limits, so that they refuse a file that is too large before sending it.
    let config = api.call(Method::GET, "/v1/client-config", None, None).await;
    assert_eq!(config.body["uploads"], json!({"max_file_bytes": 1_048_576, "quota_bytes": 1_800_000}));

    // A 3 MiB file, chunked (no length): refused as soon as the bytes pass the limit, without
    // waiting for the rest (the client sends a little past the limit and waits).
    let (status, answer) = stream_upload(&api, &alice.token, 3 << 20, (1 << 20) + (128 << 10), false).await;
    assert_eq!(status, 413, "{answer}");
    assert!(answer.contains("payload_too_large"), "{answer}");
    // With a length over the limit: refused before any byte of the body is read.
    let (status, answer) = stream_upload(&api, &alice.token, 2 << 20, 0, true).await;
    assert!(status == 413 && answer.contains("payload_too_large"), "{answer}");
    eventually("no upload left in the store", Duration::from_secs(10), || async {
        files_under(&stack.storage).is_empty().then_some(())
    })
    .await;

    // At the limit it fits; the quota is then what limits the next one.
    let (status, answer) = stream_upload(&api, &alice.token, 1 << 20, 1 << 20, false).await;
    assert_eq!(status, 201, "{answer}");
    let (status, answer) = stream_upload(&api, &alice.token, 1 << 20, 1 << 20, true).await;
    assert!(status == 413 && answer.contains("quota_exceeded"), "{answer}");
    assert_eq!(blobs(&stack.storage).len(), 1, "only the upload that fitted");
}

#[tokio::test]
async fn a_post_naming_a_forged_foreign_or_too_many_uploads_is_refused() {
    let stack = Stack::new().await;
    let (server, api) = up(&stack).await;
    let (alice, bob, _, room) = people(&api).await;
    let bobs = id(&uploaded(&bob, pdf(), "application/pdf", "bob.pdf").await);
    let alices = id(&uploaded(&alice, pdf(), "application/pdf", "alice.pdf").await);
    for (attachments, code) in [
        (vec![Uuid::now_v7()], "upload_not_found"),
        (vec![alices, bobs], "upload_not_found"),
        (vec![alices; 11], "too_many_attachments"),
        (vec![], "empty_message"),
    ] {
        let refused = alice.post_files(room, None, &Uuid::new_v4().to_string(), &attachments).await;
        assert_eq!((refused.status, refused.code()), (422, Some(code)), "{attachments:?}");
    }
    // The same over the WebSocket, and a good post of files alone goes through there too.
    let mut ws = Ws::connect(server.ws_url(), &alice.token, json!({})).await;
    let post = |id: &str, attachments: &[Uuid]| json!({"type": "post", "id": id, "room_id": room, "client_msg_id": id, "attachments": attachments});
    ws.send(post("w1", &[bobs])).await;
    let error = ws.frame_of("error").await;
    assert_eq!((error["id"].as_str(), error["code"].as_str()), (Some("w1"), Some("upload_not_found")), "{error}");
    ws.send(post("w2", &[alices])).await;
    // The post's `ack` and its `event` come by different paths (the command's reply, the
    // relay), in either order.
    let (mut ack, mut event) = (None, None);
    while ack.is_none() || event.is_none() {
        let frame = ws.frame().await;
        match frame["type"].as_str() {
            Some("ack") => ack = Some(frame),
            Some("event") if frame["event"]["type"] == "MessagePosted" => event = Some(frame),
            _ => {}
        }
    }
    let (ack, event) = (ack.unwrap_or_default(), event.unwrap_or_default());
    assert_eq!(ack["id"], "w2", "{ack}");
    assert_eq!(event["event"]["attachments"][0]["id"], alices.to_string(), "{event}");
    assert_eq!(event["event"]["body"], "", "a post of files alone has an empty body: {event}");
    assert_eq!(event["event_version"], "1.2");
}

#[tokio::test]
async fn ranges_and_validators_are_honoured() {
    let stack = Stack::new().await;
    let (_server, api) = up(&stack).await;
    let (alice, bob, _, room) = people(&api).await;
    let bytes: Vec<u8> = (0..1000u32).map(|i| b'a' + (i % 26) as u8).collect();
    let file = id(&uploaded(&alice, bytes.clone(), "text/plain", "abc.txt").await);
    let posted = alice.post_files(room, None, "r-1", &[file]).await;
    projected(&bob, room, &posted.body["message_id"]).await;
    let path = attachment_path(room, file);

    let part = bob.download(&path, &[("range", "bytes=10-19")]).await;
    assert_eq!((part.status, part.bytes.as_slice()), (206, &bytes[10..20]));
    assert_eq!(part.header("content-range"), Some("bytes 10-19/1000"));
    assert_eq!(part.header("content-length"), Some("10"));
    let tail = bob.download(&path, &[("range", "bytes=-5")]).await;
    assert_eq!((tail.status, tail.bytes.as_slice()), (206, &bytes[995..]));
    let open = bob.download(&path, &[("range", "bytes=990-")]).await;
    assert_eq!((open.status, open.header("content-range")), (206, Some("bytes 990-999/1000")));
    let beyond = bob.download(&path, &[("range", "bytes=1000-")]).await;
    assert_eq!((beyond.status, beyond.code().as_deref()), (416, Some("range_not_satisfiable")));
    assert_eq!(beyond.header("content-range"), Some("bytes */1000"));
    let several = bob.download(&path, &[("range", "bytes=0-1,5-6")]).await;
    assert_eq!((several.status, several.bytes.len()), (200, 1000), "several ranges: the whole file");

    let etag = format!("\"{}\"", sha256(&bytes));
    let cached = bob.download(&path, &[("if-none-match", &etag)]).await;
    assert_eq!((cached.status, cached.bytes.len()), (304, 0));
    assert_eq!(cached.header("etag"), Some(etag.as_str()));
    let changed = bob.download(&path, &[("if-none-match", "\"something-else\"")]).await;
    assert_eq!(changed.status, 200);
    let stale = bob.download(&path, &[("range", "bytes=0-9"), ("if-range", "\"old\"")]).await;
    assert_eq!((stale.status, stale.bytes.len()), (200, 1000), "If-Range with another validator: all of it");
}

#[tokio::test]
async fn types_are_sniffed_from_the_bytes_and_mismatches_refused() {
    let stack = Stack::new().await;
    let (_server, api) = up(&stack).await;
    let alice = api.register("alice").await;
    for (bytes, declared, status, code) in [
        (pdf(), "image/png", 415, "mime_mismatch"),
        (png(4, 4), "application/pdf", 415, "mime_mismatch"),
        (b"<html><script>alert(1)</script></html>".to_vec(), "text/html", 415, "mime_mismatch"),
        (exe(), "application/octet-stream", 415, "unsupported_media_type"),
        (exe(), "application/x-msdownload", 415, "unsupported_media_type"),
        (b"not\0text".to_vec(), "text/plain", 415, "unsupported_media_type"),
        (pdf(), "not a type", 415, "unsupported_media_type"),
    ] {
        let refused = alice.upload(bytes, Some(declared), "x").await;
        assert_eq!((refused.status, refused.code()), (status, Some(code)), "{declared}: {refused:?}");
    }
    assert!(files_under(&stack.storage).is_empty(), "nothing stored: {:?}", files_under(&stack.storage));
    let docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    let zip = b"PK\x03\x04\x14\x00\x00\x00\x08\x00".to_vec();
    assert_eq!(uploaded(&alice, zip, docx, "cv.docx").await["mime"], docx, "a refinement of zip is kept");
}

#[tokio::test]
async fn images_get_their_size_and_a_thumbnail_and_a_decompression_bomb_is_refused() {
    let stack = Stack::new().await;
    let (_server, api) = up(&stack).await;
    let (alice, bob, _, room) = people(&api).await;
    let refused = alice.upload(bomb(), Some("image/png"), "bomb.png").await;
    assert_eq!((refused.status, refused.code()), (422, Some("image_too_large")), "{refused:?}");
    let mut truncated = png(64, 48);
    truncated.truncate(truncated.len() / 2);
    let broken = alice.upload(truncated, Some("image/png"), "broken.png").await;
    assert_eq!((broken.status, broken.code()), (422, Some("invalid_image")), "{broken:?}");
    assert!(files_under(&stack.storage).is_empty(), "nothing stored");

    let image = uploaded(&alice, png(640, 100), "image/png", "wide.png").await;
    assert_eq!(
        (image["width"].as_u64(), image["height"].as_u64(), image["thumbnail"].as_bool()),
        (Some(640), Some(100), Some(true))
    );
    let posted = alice.post_files(room, None, "i-1", &[id(&image)]).await;
    let message = projected(&bob, room, &posted.body["message_id"]).await;
    assert_eq!((message["kind"].as_str(), message["body"].as_str()), (Some("image"), Some("")));
    let path = attachment_path(room, id(&image));
    let thumbnail = bob.download(&format!("{path}/thumbnail"), &[]).await;
    assert_eq!((thumbnail.status, thumbnail.header("content-type")), (200, Some("image/jpeg")));
    assert!(thumbnail.bytes.starts_with(b"\xff\xd8\xff"), "a JPEG");
    let original = bob.download(&path, &[]).await;
    assert!(original.header("content-disposition").is_some_and(|d| d.starts_with("inline; ")), "images show inline");
    assert_eq!(blobs(&stack.storage).len(), 2, "the image and its thumbnail");
}

/// A signature made with the test servers' key, as the server makes them (`uploads::signed`).
fn sign(room: Uuid, attachment: Uuid, variant: &str, expires: i64) -> String {
    use base64::Engine;
    let mut derive = <Hmac<Sha256> as Mac>::new_from_slice(crate::harness::JWT_SECRET.as_bytes()).unwrap();
    derive.update(b"chat signed attachment urls v1");
    let key = derive.finalize().into_bytes();
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&key).unwrap();
    mac.update(format!("{room}\n{attachment}\n{variant}\n{expires}").as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

#[tokio::test]
async fn signed_urls_work_without_a_token_until_they_expire_and_not_when_tampered_with() {
    let stack = Stack::new().await;
    let (_server, api) = up(&stack).await;
    let (alice, bob, carol, room) = people(&api).await;
    let bytes = png(32, 32);
    let image = id(&uploaded(&alice, bytes.clone(), "image/png", "dot.png").await);
    let posted = alice.post_files(room, Some("look"), "s-1", &[image]).await;
    projected(&bob, room, &posted.body["message_id"]).await;

    let links = bob.get(&format!("{}/links", attachment_path(room, image))).await;
    assert_eq!(links.status, 200, "{links:?}");
    let (url, thumbnail_url) = (links.str("url").to_owned(), links.str("thumbnail_url").to_owned());
    let plain = api.fetch(api.raw(Method::GET, &url)).await;
    assert_eq!((plain.status, plain.bytes == bytes), (200, true), "{:?}", plain.code());
    assert!(plain.header("cache-control").is_some_and(|c| c.starts_with("private, max-age=")));
    let thumbnail = api.fetch(api.raw(Method::GET, &thumbnail_url)).await;
    assert_eq!(thumbnail.status, 200);
    let ranged = api.fetch(api.raw(Method::GET, &url).header("range", "bytes=0-7")).await;
    assert_eq!((ranged.status, ranged.bytes.as_slice()), (206, &b"\x89PNG\r\n\x1a\n"[..]));

    let tampered = url.replace("/thumbnail", "").replace(&image.to_string(), &Uuid::now_v7().to_string());
    let forged_sig = format!("{}AAAA", &url[..url.len() - 4]);
    let other_variant = url.replace(&format!("{image}?"), &format!("{image}/thumbnail?"));
    let expires: i64 = url.split("expires=").nth(1).and_then(|s| s.split('&').next()?.parse().ok()).unwrap();
    let longer = url.replace(&format!("expires={expires}"), &format!("expires={}", expires + 3600));
    for bad in [tampered, forged_sig, other_variant, longer] {
        let refused = api.fetch(api.raw(Method::GET, &bad)).await;
        assert_eq!((refused.status, refused.code().as_deref()), (403, Some("invalid_signature")), "{bad}");
    }
    let past = chrono::Utc::now().timestamp() - 10;
    let expired = format!("/v1/files/{room}/{image}?expires={past}&sig={}", sign(room, image, "original", past));
    let refused = api.fetch(api.raw(Method::GET, &expired)).await;
    assert_eq!((refused.status, refused.code().as_deref()), (403, Some("url_expired")));
    let unsigned = api.fetch(api.raw(Method::GET, &format!("/v1/files/{room}/{image}"))).await;
    assert_eq!((unsigned.status, unsigned.code().as_deref()), (400, Some("invalid_query")));
    // A stranger cannot get links.
    let stranger = carol.get(&format!("{}/links", attachment_path(room, image))).await;
    assert_eq!((stranger.status, stranger.code()), (404, Some("attachment_not_found")));
}

#[tokio::test]
async fn a_deleted_messages_files_are_gone_for_everyone() {
    let stack = Stack::new().await;
    let (_server, api) = up(&stack).await;
    let (alice, bob, _, room) = people(&api).await;
    let file = id(&uploaded(&alice, pdf(), "application/pdf", "gone.pdf").await);
    let posted = alice.post_files(room, Some("oops"), "d-1", &[file]).await;
    let message_id = posted.body["message_id"].clone();
    projected(&bob, room, &message_id).await;
    let links = bob.get(&format!("{}/links", attachment_path(room, file))).await;
    let url = links.str("url").to_owned();
    let deleted =
        alice.call(Method::DELETE, &format!("/v1/rooms/{room}/messages/{}", message_id.as_str().unwrap()), None).await;
    assert_eq!(deleted.status, 200);
    eventually("the file hidden", PROJECTED, || async {
        let refused = bob.download(&attachment_path(room, file), &[]).await;
        (refused.status == 404).then_some(())
    })
    .await;
    let signed = api.fetch(api.raw(Method::GET, &url)).await;
    assert_eq!((signed.status, signed.code().as_deref()), (404, Some("attachment_not_found")));
    let message = projected(&bob, room, &message_id).await;
    assert_eq!((message["attachments"].clone(), message["kind"].as_str()), (json!([]), Some("file")));
}

#[tokio::test]
async fn the_collector_removes_unposted_uploads_and_keeps_posted_ones() {
    let stack = Stack::new().await.env("CHAT_UPLOAD_EXPIRY_SECS", "1");
    let (_server, api) = up(&stack).await;
    let (alice, bob, _, room) = people(&api).await;
    let kept_bytes = pdf();
    let dropped_bytes = b"never posted\n".to_vec();
    let kept = id(&uploaded(&alice, kept_bytes.clone(), "application/pdf", "kept.pdf").await);
    let dropped = id(&uploaded(&alice, dropped_bytes.clone(), "text/plain", "dropped.txt").await);
    let posted = alice.post_files(room, None, "c-1", &[kept]).await;
    assert_eq!(posted.status, 201, "{posted:?}");
    projected(&bob, room, &posted.body["message_id"]).await;

    eventually("the unposted upload collected", Duration::from_secs(60), || async {
        (blobs(&stack.storage) == [sha256(&kept_bytes)]).then_some(())
    })
    .await;
    let late = alice.post_files(room, None, "c-2", &[dropped]).await;
    assert_eq!((late.status, late.code()), (422, Some("upload_not_found")));
    let still = bob.download(&attachment_path(room, kept), &[]).await;
    assert_eq!((still.status, still.bytes == kept_bytes), (200, true));
    // A posted upload can be posted again, however old.
    let again = alice.post_files(room, Some("again"), "c-3", &[kept]).await;
    assert_eq!(again.status, 201, "{again:?}");
}

#[tokio::test]
async fn erasing_a_user_removes_their_files_but_not_bytes_others_uploaded_too() {
    let stack = Stack::new().await;
    let (_server, api) = up(&stack).await;
    let (alice, bob, _, room) = people(&api).await;
    let admin = operator(&api, &stack).await;
    let own = pdf();
    let shared = b"shared notes\n".to_vec();
    let alices = id(&uploaded(&alice, own.clone(), "application/pdf", "passport-alice.pdf").await);
    let alices_shared = id(&uploaded(&alice, shared.clone(), "text/plain", "notes.txt").await);
    let bobs_shared = id(&uploaded(&bob, shared.clone(), "text/plain", "notes.txt").await);
    let mine = alice.post_files(room, None, "e-1", &[alices, alices_shared]).await;
    let his = bob.post_files(room, None, "e-2", &[bobs_shared]).await;
    projected(&bob, room, &his.body["message_id"]).await;
    projected(&bob, room, &mine.body["message_id"]).await;
    assert_eq!(blobs(&stack.storage).len(), 2);

    let erased = admin.call(Method::POST, &format!("/v1/admin/users/{}/erase", alice.id), None).await;
    assert_eq!((erased.status, erased.body["uploads_deleted"].as_u64()), (200, Some(2)), "{erased:?}");
    assert_eq!(blobs(&stack.storage), [sha256(&shared)], "alice's own bytes are gone, the shared ones stay");
    for file in [alices, alices_shared] {
        let gone = bob.download(&attachment_path(room, file), &[]).await;
        assert_eq!((gone.status, gone.code().as_deref()), (404, Some("attachment_not_found")));
    }
    let kept = bob.download(&attachment_path(room, bobs_shared), &[]).await;
    assert_eq!((kept.status, kept.bytes == shared), (200, true));
    let message = projected(&bob, room, &mine.body["message_id"]).await;
    assert_eq!(message["attachments"][0]["name"], Value::Null, "the file name was personal: {message}");
    let mut db = stack.db.connect().await;
    let names: Vec<Option<String>> = sqlx::query_scalar(
        "SELECT a ->> 'name' FROM events, jsonb_array_elements(payload -> 'attachments') a
         WHERE event_type = 'MessagePosted' AND payload ->> 'author' = $1",
    )
    .bind(alice.id.to_string())
    .fetch_all(&mut db)
    .await
    .unwrap();
    assert_eq!(names, [None, None], "names redacted in the event store too");
}

#[tokio::test]
async fn files_are_stored_in_and_served_from_an_s3_compatible_store() {
    let s3 = S3Server::start().await;
    let mut stack = Stack::new().await;
    for (key, value) in s3.env() {
        stack.set_env(key, &value);
    }
    let (_server, api) = up(&stack).await;
    let (alice, bob, carol, room) = people(&api).await;
    let image_bytes = png(200, 150);
    let image = uploaded(&alice, image_bytes.clone(), "image/png", "photo.png").await;
    assert_eq!((image["width"].as_u64(), image["thumbnail"].as_bool()), (Some(200), Some(true)));
    let again = uploaded(&bob, image_bytes.clone(), "image/png", "same.png").await;
    let big: Vec<u8> = (0..12 * 1024 * 1024u32).map(|i| b'a' + (i % 23) as u8).collect();
    let large = uploaded(&alice, big.clone(), "text/plain", "large.txt").await;
    let posted = alice.post_files(room, Some("from S3"), "s3-1", &[id(&image), id(&large)]).await;
    projected(&bob, room, &posted.body["message_id"]).await;

    let got = bob.download(&attachment_path(room, id(&image)), &[]).await;
    assert_eq!((got.status, got.bytes == image_bytes), (200, true), "{:?}", got.code());
    let part = bob.download(&attachment_path(room, id(&large)), &[("range", "bytes=10000000-10000009")]).await;
    assert_eq!((part.status, part.bytes.as_slice()), (206, &big[10_000_000..10_000_010]), "a part upload, ranged");
    let whole = bob.download(&attachment_path(room, id(&large)), &[]).await;
    assert_eq!(whole.bytes.len(), big.len());
    assert_eq!(sha256(&whole.bytes), sha256(&big));
    let thumbnail = bob.download(&format!("{}/thumbnail", attachment_path(room, id(&image))), &[]).await;
    assert_eq!(thumbnail.status, 200);
    let refused = carol.download(&attachment_path(room, id(&image)), &[]).await;
    assert_eq!(refused.status, 404);
    assert_ne!(id(&again), id(&image));
    let stored: Vec<String> = s3
        .files("uploads/blobs")
        .iter()
        .filter_map(|path| Some(path.file_name()?.to_str()?.to_owned()))
        .filter(|name| name.len() == 64)
        .collect();
    assert_eq!(stored.len(), 3, "the image once, its thumbnail, the large file: {stored:?}");
    assert!(stored.contains(&sha256(&image_bytes)) && stored.contains(&sha256(&big)));
    assert!(files_under(&stack.storage).is_empty(), "nothing in the local directory");
}
