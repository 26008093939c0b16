//! Hostile REST requests, and a raw HTTP/1.1 client that sends them byte for byte: no URL
//! normalisation (`..` stays `..`), any header bytes, any body, any `Content-Type`.

use std::fmt;
use std::time::Duration;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{Index, select};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use uuid::Uuid;

use super::Problem;
use super::json::{
    Field, Json, any_json, choice, deep_json, inject, invalid_utf8, not_json, number, optional, required, seq, shaped,
    string, text, uuid, uuid_text, uuids,
};
use crate::harness::{JWT_KID, JWT_SECRET};

/// What the fuzzer knows of the world it attacks.
#[derive(Clone)]
pub struct Known {
    pub token: String,
    /// The caller.
    pub user: Uuid,
    /// Another user, a member of `room`.
    pub other: Uuid,
    pub room: Uuid,
    /// A message of the caller's in `room`.
    pub message: Uuid,
    /// A website of the caller's, listing the domain `10.0.0.1` (whose checks fail at once).
    pub website: Uuid,
    /// An image of the caller's, posted in `room`.
    pub attachment: Uuid,
}

/// One request, as bytes on the wire.
#[derive(Clone)]
pub struct HostileRequest {
    /// The endpoint it was made for (the method or path may have been mutated since).
    pub endpoint: &'static str,
    pub method: String,
    pub target: String,
    pub headers: Vec<(&'static str, Vec<u8>)>,
    pub body: Vec<u8>,
}

/// At most `max` characters of `text`, saying how much was left out.
pub fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_owned(),
        Some((cut, _)) => format!("{}… ({} bytes in all)", &text[..cut], text.len()),
    }
}

impl fmt::Debug for HostileRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, clip(&self.target, 300))?;
        for (name, value) in &self.headers {
            write!(f, "\n  {name}: {}", clip(&String::from_utf8_lossy(value), 300))?;
        }
        write!(
            f,
            "\n  body ({} bytes): {}",
            self.body.len(),
            clip(&format!("{:?}", String::from_utf8_lossy(&self.body)), 600)
        )
    }
}

/// Percent-encodes every byte but the unreserved ones and those in `keep`.
fn percent(bytes: &[u8], keep: &str) -> String {
    let mut out = String::with_capacity(bytes.len() * 3);
    for &byte in bytes {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) || keep.as_bytes().contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A path segment that is no UUID: dot segments, bad or dangerous percent-encodings, random
/// bytes, very long ids.
fn garbage_segment() -> BoxedStrategy<String> {
    const NASTY: &[&str] = &[
        "",
        ".",
        "..",
        "%2e%2e",
        "%2E.",
        "%2F",
        "..%2F..%2Fetc%2Fpasswd",
        "%00",
        "%",
        "%zz",
        "%C0%AF",
        "%ED%A0%80",
        "%FF%FE",
        "%E2%80%AE",
        "~",
        "null",
        "-1",
        "%7B%7D",
        ";x=1",
        "@",
        "*",
    ];
    prop_oneof![
        3 => select(NASTY).prop_map(str::to_owned),
        2 => vec(any::<u8>(), 1..48).prop_map(|bytes| percent(&bytes, "")),
        2 => url_text().prop_map(|t| percent(t.as_bytes(), ":@!$'()*+,;=")),
        1 => (select(&["a", "0", "f", "%41", "-"][..]), 37usize..12_000).prop_map(|(unit, n)| unit.repeat(n)),
    ]
    .boxed()
}

/// A UUID path segment: one of `known` mostly (a real id reaches the deeper checks).
fn id_segment(known: Vec<Uuid>) -> BoxedStrategy<String> {
    prop_oneof![
        12 => uuid_text(known).prop_map(|t| percent(t.as_bytes(), ":{}")),
        2 => garbage_segment(),
    ]
    .boxed()
}

/// An invite code path segment: well-formed codes (of no invite) mostly, any text sometimes.
fn code_segment() -> BoxedStrategy<String> {
    prop_oneof![
        3 => select(vec!["A".repeat(43), format!("{}_-", "z".repeat(40)), "A".repeat(42), "A".repeat(44)]),
        2 => url_text().prop_map(|t| percent(t.as_bytes(), "-_")),
        2 => garbage_segment(),
    ]
    .boxed()
}

/// A reaction path segment: any text, percent-encoded (or not quite).
fn reaction_segment() -> BoxedStrategy<String> {
    prop_oneof![
        3 => select(vec!["👍".to_owned(), ":thumbsup:".to_owned(), "+1".to_owned(), "a/b".to_owned(), "x".repeat(32), "x".repeat(33)])
            .prop_map(|r| percent(r.as_bytes(), ":+")),
        4 => url_text().prop_map(|t| percent(t.as_bytes(), ":+!$'()*,;=@")),
        2 => garbage_segment(),
    ]
    .boxed()
}

/// Text for paths and queries: any text, short enough to keep the URI under the 64 KiB that
/// HTTP servers accept at all.
fn url_text() -> BoxedStrategy<String> {
    text(false).prop_map(|t| t.chars().take(2000).collect()).boxed()
}

/// A `limit`: a page size mostly, any number or text sometimes.
fn limit() -> BoxedStrategy<String> {
    prop_oneof![3 => (1u32..300).prop_map(|n| n.to_string()), 2 => number(), 1 => url_text()].boxed()
}

/// A history `before`: a sequence (an `i64`) mostly, any number or text sometimes.
fn before_seq() -> BoxedStrategy<String> {
    prop_oneof![3 => any::<i64>().prop_map(|n| n.to_string()), 2 => number(), 1 => url_text()].boxed()
}

/// A room-list `before`: a cursor (`<microseconds>.<room id>`) mostly, with times far outside
/// any calendar; any number or text sometimes.
fn before_cursor() -> BoxedStrategy<String> {
    let micros = prop_oneof![
        2 => any::<i64>(),
        2 => -300_000_000_000_000_000i64..300_000_000_000_000_000,
        1 => select(&[i64::MIN, i64::MAX, 0, -1, -210_866_803_200_000_000, 253_402_300_800_000_000][..]),
    ];
    let cursor = (micros, uuid_text(vec![Uuid::nil()])).prop_map(|(micros, room)| format!("{micros}.{room}"));
    prop_oneof![4 => cursor, 1 => number(), 1 => url_text()].boxed()
}

/// A search's time: RFC 3339 mostly, with years far outside any calendar (chrono parses years
/// back to 262143 BC, Postgres none before 4713 BC); any number or text sometimes.
fn search_time() -> BoxedStrategy<String> {
    let year = prop_oneof![2 => 1900i32..2200, 1 => -262_143i32..262_143, 1 => select(&[-4714, -4713, 0, 9999][..])];
    let time = (year, 1u32..13, 1u32..29, select(&["Z", "+01:00", "-23:59", "+99:00", ""][..]))
        .prop_map(|(year, month, day, zone)| format!("{year:04}-{month:02}-{day:02}T12:00:00{zone}"));
    prop_oneof![4 => time, 1 => number(), 1 => url_text()].boxed()
}

/// A search cursor (`r.<rank bits>.<µs>.<id>` or `t.<µs>.<id>`) with any bits and times mostly;
/// any text sometimes.
fn search_cursor() -> BoxedStrategy<String> {
    let micros = prop_oneof![2 => any::<i64>(), 1 => select(&[i64::MIN, i64::MAX, 0, -210_866_803_200_000_001][..])];
    let id = uuid_text(vec![Uuid::nil()]).prop_map(|id| id.replace('-', ""));
    let relevance =
        (any::<u32>(), micros.clone(), id.clone()).prop_map(|(bits, micros, id)| format!("r.{bits:08x}.{micros}.{id}"));
    let recent = (micros, id).prop_map(|(micros, id)| format!("t.{micros}.{id}"));
    prop_oneof![2 => relevance, 2 => recent, 1 => url_text()].boxed()
}

/// A query string (with its `?`), or none: the parameters an endpoint knows, with values of
/// the right kind mostly, and unknown, repeated, valueless and garbage ones.
fn query(known: Vec<(&'static str, BoxedStrategy<String>)>) -> BoxedStrategy<String> {
    let known = proptest::strategy::Union::new(
        known
            .into_iter()
            .map(|(key, value)| value.prop_map(move |v| format!("{key}={}", percent(v.as_bytes(), ""))).boxed()),
    );
    let other = (url_text(), url_text())
        .prop_map(|(k, v)| format!("{}={}", percent(k.as_bytes(), ""), percent(v.as_bytes(), "")));
    let parameter = prop_oneof![
        8 => known,
        1 => other,
        1 => select(&["limit", "before", "=", "&", "limit=", "before=", "LIMIT=1", "limit[]=1"][..]).prop_map(str::to_owned),
        1 => vec(any::<u8>(), 0..24).prop_map(|bytes| percent(&bytes, "=&+")),
    ];
    prop_oneof![
        1 => Just(String::new()),
        3 => vec(parameter, 0..4).prop_map(|parameters| format!("?{}", parameters.join("&"))),
    ]
    .boxed()
}

/// What a body-taking endpoint is sent: its shape with a field mutated mostly, otherwise any
/// JSON, deep JSON, bytes that are not JSON, JSON that is cut short, not UTF-8, or UTF-16,
/// with a BOM, several documents, or nothing.
fn body(shape: BoxedStrategy<Json>) -> BoxedStrategy<Vec<u8>> {
    let rendered = shape.prop_map(|json| json.render());
    prop_oneof![
        10 => rendered.clone().prop_map(String::into_bytes),
        2 => any_json().prop_map(|json| json.render().into_bytes()),
        1 => deep_json().prop_map(|json| json.render().into_bytes()),
        1 => not_json(),
        1 => (rendered.clone(), any::<Index>()).prop_map(|(text, at)| {
            let cut = (0..=at.index(text.len())).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
            text.as_bytes()[..cut].to_vec()
        }),
        1 => (rendered.clone(), invalid_utf8(), any::<Index>()).prop_map(|(text, bytes, at)| inject(&text, &bytes, at)),
        1 => rendered.clone().prop_map(|text| format!("\u{feff}{text}").into_bytes()),
        1 => rendered.clone().prop_map(|text| {
            [0xff, 0xfe].into_iter().chain(text.encode_utf16().flat_map(u16::to_le_bytes)).collect()
        }),
        1 => rendered.prop_map(|text| format!(" \n\t{text}{text} ").into_bytes()),
        1 => Just(Vec::new()),
    ]
    .boxed()
}

/// The `Content-Type`: JSON mostly, otherwise missing, another type, JSON with odd
/// parameters, or bytes that are not even text.
fn content_type() -> BoxedStrategy<Option<Vec<u8>>> {
    const OTHERS: &[&str] = &[
        "application/json; charset=utf-8",
        "APPLICATION/JSON",
        "application/json;charset=utf-16",
        "application/json; charset=\"x\"; q=0.1",
        "application/json, text/plain",
        "application/vnd.api+json",
        "application/problem+json",
        "application/jsonx",
        "application/",
        "application",
        "text/plain",
        "text/json",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "*/*",
        "",
    ];
    prop_oneof![
        30 => Just(Some(b"application/json".to_vec())),
        1 => Just(None),
        3 => select(OTHERS).prop_map(|t| Some(t.as_bytes().to_vec())),
        1 => vec(prop_oneof![0x20u8..0x7f, 0x80u8..=0xff], 0..40).prop_map(Some),
    ]
    .boxed()
}

/// A token signed with the server's own key whose claims are odd: a user who does not exist,
/// expiry at the ends of time or of another type, admin flags of the wrong type.
fn forged_token(known: &Known) -> BoxedStrategy<String> {
    let subject = prop_oneof![
        Just(json!(known.user)),
        any::<u128>().prop_map(|n| json!(Uuid::from_u128(n))),
        Just(json!(Uuid::nil())),
        Just(json!(42)),
        Just(json!("admin")),
    ];
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let expiry = prop_oneof![
        Just(json!(now + 600)),
        Just(json!(i64::MAX)),
        Just(json!(u64::MAX)),
        Just(json!(-1)),
        Just(json!(1e300)),
        Just(json!((now + 600).to_string())),
        Just(Value::Null),
    ];
    let admin = select(vec![json!(true), json!(false), json!(1), json!("yes"), Value::Null]);
    (subject, expiry, admin, any::<bool>())
        .prop_map(|(sub, exp, adm, with_iat)| {
            let mut claims = json!({"sub": sub, "exp": exp, "adm": adm});
            if with_iat {
                claims["iat"] = json!(i64::MIN);
            }
            let header = jsonwebtoken::Header { kid: Some(JWT_KID.to_owned()), ..Default::default() };
            let key = jsonwebtoken::EncodingKey::from_secret(JWT_SECRET.as_bytes());
            jsonwebtoken::encode(&header, &claims, &key).expect("sign claims")
        })
        .boxed()
}

/// `Authorization`: the caller's token mostly (to get past authentication), otherwise none,
/// a mangled one, another scheme, or a forged token with odd claims.
fn authorization(known: &Known) -> BoxedStrategy<Option<Vec<u8>>> {
    let token = known.token.clone();
    let mangled = select(vec![
        format!("bearer {token}"),
        format!("BEARER   {token}  "),
        format!("Bearer {token}x"),
        format!("Bearer {}", &token[1..]),
        format!("Bearer {token} {token}"),
        format!("Bearer\t{token}"),
        format!("Basic {token}"),
        "Bearer".to_owned(),
        "Bearer ".to_owned(),
        "Bearer a.b.c".to_owned(),
        "Bearer eyJhbGciOiJub25lIn0.e30.".to_owned(),
        String::new(),
    ]);
    prop_oneof![
        60 => Just(Some(format!("Bearer {token}").into_bytes())),
        1 => Just(None),
        2 => mangled.prop_map(|v| Some(v.into_bytes())),
        2 => forged_token(known).prop_map(|t| Some(format!("Bearer {t}").into_bytes())),
        1 => vec(prop_oneof![0x20u8..0x7f, 0x80u8..=0xff], 0..60).prop_map(Some),
    ]
    .boxed()
}

/// `x-request-id` (stored in the metadata of every event written): none mostly, otherwise
/// long, odd or not UTF-8.
fn request_id() -> BoxedStrategy<Option<Vec<u8>>> {
    prop_oneof![
        8 => Just(None),
        1 => "[ -~]{0,300}".prop_map(|s| Some(s.into_bytes())),
        1 => vec(prop_oneof![0x20u8..0x7f, 0x80u8..=0xff], 1..40).prop_map(Some),
    ]
    .boxed()
}

/// An endpoint's requests: its method mostly, its path (with a query for some), its body if it
/// takes one (a few bodies even if it does not), and the headers.
fn endpoint(
    known: &Known,
    name: &'static str,
    method: &'static str,
    path: BoxedStrategy<String>,
    shape: Option<BoxedStrategy<Json>>,
) -> BoxedStrategy<HostileRequest> {
    let methods = prop_oneof![
        20 => Just(method.to_owned()),
        1 => select(&["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "FOO"][..]).prop_map(str::to_owned),
    ];
    let body = match shape {
        Some(shape) => body(shape),
        None => prop_oneof![8 => Just(Vec::new()), 1 => any_json().prop_map(|j| j.render().into_bytes())].boxed(),
    };
    (methods, path, body, content_type(), authorization(known), request_id())
        .prop_map(move |(method, target, body, content_type, authorization, request_id)| {
            let headers =
                [("content-type", content_type), ("authorization", authorization), ("x-request-id", request_id)]
                    .into_iter()
                    .filter_map(|(name, value)| Some((name, value?)))
                    .collect();
            HostileRequest { endpoint: name, method, target, headers, body }
        })
        .boxed()
}

/// Requests to a spread of endpoints: accounts, rooms, messages, reactions, read markers,
/// history and room-list paging, profiles.
pub fn requests(known: &Known) -> BoxedStrategy<HostileRequest> {
    let room = || id_segment(vec![known.room]);
    let message = || id_segment(vec![known.message]);
    let users = || vec![known.user, known.other];
    let credentials = |with_display_name: bool| {
        let mut fields: Vec<Field> = vec![
            ("username", required(string("[a-zA-Z0-9][a-zA-Z0-9_.-]{2,31}"))),
            ("password", required(string("[ -~]{8,20}"))),
        ];
        if with_display_name {
            fields.push(("display_name", optional(string(text(false)))));
        }
        shaped(fields)
    };
    let refresh = || shaped(vec![("refresh_token", required(string("[A-Za-z0-9_-]{43}")))]);
    let create = prop_oneof![
        shaped(vec![
            ("type", required(choice(&["group", "direct"]))),
            ("name", required(string(text(false)))),
            ("visibility", optional(choice(&["public", "private"]))),
        ]),
        shaped(vec![("type", required(choice(&["direct", "group"]))), ("user_id", required(uuid(users())))]),
    ]
    .boxed();
    let post = shaped(vec![
        ("body", required(string(text(false)))),
        ("client_msg_id", required(string("[!-~]{1,64}"))),
        ("reply_to", optional(uuid(vec![known.message]))),
        ("mentions", optional(uuids(users()))),
        ("attachments", optional(uuids(vec![known.attachment]))),
    ]);
    let edit = shaped(vec![("body", required(string(text(false))))]);
    let mark_read = shaped(vec![("up_to_seq", required(seq()))]);
    let profile = shaped(vec![("display_name", required(string(text(false))))]);
    let role = shaped(vec![("role", required(choice(&["admin", "member", "owner"])))]);
    let in_room = |suffix: &'static str| room().prop_map(move |r| format!("/v1/rooms/{r}{suffix}")).boxed();
    let on_message = |suffix: &'static str| {
        (room(), message()).prop_map(move |(r, m)| format!("/v1/rooms/{r}/messages/{m}{suffix}")).boxed()
    };
    let reaction = (room(), message(), reaction_segment())
        .prop_map(|(r, m, reaction)| format!("/v1/rooms/{r}/messages/{m}/reactions/{reaction}"))
        .boxed();
    let history = (room(), query(vec![("before", before_seq()), ("limit", limit())]))
        .prop_map(|(r, q)| format!("/v1/rooms/{r}/messages{q}"))
        .boxed();
    let rooms =
        query(vec![("before", before_cursor()), ("limit", limit())]).prop_map(|q| format!("/v1/rooms{q}")).boxed();
    let user = id_segment(users()).prop_map(|u| format!("/v1/users/{u}")).boxed();
    let find_user = query(vec![("username", url_text())]).prop_map(|q| format!("/v1/users{q}")).boxed();
    let directory =
        query(vec![("q", url_text()), ("limit", limit())]).prop_map(|q| format!("/v1/directory/rooms{q}")).boxed();
    let words = |choices: &'static [&'static str]| select(choices).prop_map(str::to_owned).boxed();
    let search_messages = query(vec![
        ("q", url_text()),
        ("room_id", uuid_text(vec![known.room])),
        ("author_id", uuid_text(users())),
        ("before", search_time()),
        ("after", search_time()),
        ("has_attachment", words(&["true", "false", "1", "yes"])),
        ("kind", words(&["text", "image", "file", "system"])),
        ("order", words(&["relevance", "recent", "oldest"])),
        ("limit", limit()),
        ("cursor", search_cursor()),
    ])
    .prop_map(|q| format!("/v1/search{q}"))
    .boxed();
    let search_users =
        query(vec![("q", url_text()), ("limit", limit())]).prop_map(|q| format!("/v1/users/search{q}")).boxed();
    let member_role =
        (room(), id_segment(users())).prop_map(|(r, u)| format!("/v1/rooms/{r}/members/{u}/role")).boxed();
    let website = || id_segment(vec![known.website]);
    let in_website = |suffix: &'static str| website().prop_map(move |w| format!("/v1/websites/{w}{suffix}")).boxed();
    let domain_segment = || {
        prop_oneof![
            2 => select(vec!["10.0.0.1".to_owned(), "shop.example".to_owned(), "a:0".to_owned(), "[::1]".to_owned()]),
            3 => url_text().prop_map(|t| percent(t.as_bytes(), ":.-")),
            1 => garbage_segment(),
        ]
    };
    let on_domain = |suffix: &'static str| {
        (website(), domain_segment()).prop_map(move |(w, d)| format!("/v1/websites/{w}/domains/{d}{suffix}")).boxed()
    };
    let website_name = || shaped(vec![("name", required(string(text(false))))]);
    let day = shaped(vec![("opens", required(seq())), ("closes", required(seq()))]);
    let widget = shaped(vec![
        ("color", required(choice(&["blue", "green", "purple", "orange", "red", "dark", "pink"]))),
        ("size", required(choice(&["small", "medium", "large", "huge"]))),
        ("language", required(choice(&["auto", "en", "de", "fr"]))),
        ("position", required(choice(&["left", "right", "top"]))),
        ("greeting", optional(string(text(false)))),
        ("pre_chat_form", required(select(vec![Json::Raw("true".to_owned()), Json::Raw("false".to_owned())]))),
        (
            "business_hours",
            optional(shaped(vec![
                ("time_zone", required(string(text(false)))),
                ("days", required(vec(day, 0..9).prop_map(Json::Arr))),
            ])),
        ),
    ]);
    let domain = shaped(vec![("domain", required(string(url_text())))]);
    let agent = shaped(vec![("username", required(string(text(false))))]);
    let inbox = (
        website(),
        query(vec![
            ("status", select(vec!["open", "mine", "unassigned", "resolved", "all"]).prop_map(str::to_owned).boxed()),
            ("limit", limit()),
        ]),
    )
        .prop_map(|(w, q)| format!("/v1/websites/{w}/conversations{q}"))
        .boxed();
    let assign = shaped(vec![("user_id", required(prop_oneof![uuid(users()), Just(Json::Raw("null".to_owned()))]))]);
    let in_widget = |suffix: &'static str| website().prop_map(move |w| format!("/v1/widget/{w}{suffix}")).boxed();
    let arrive =
        shaped(vec![("display_name", optional(string(text(false)))), ("email", optional(string(text(false))))]);
    let identify = shaped(vec![
        ("user_id", required(string(text(false)))),
        ("user_hash", required(string(text(false)))),
        ("display_name", optional(string(text(false)))),
        ("email", optional(string(text(false)))),
    ]);
    let start = shaped(vec![
        ("page_url", optional(string(url_text()))),
        ("referrer", optional(string(url_text()))),
        ("language", optional(string(text(false)))),
    ]);
    let attachment = || id_segment(vec![known.attachment]);
    let on_attachment = |suffix: &'static str| {
        (room(), attachment()).prop_map(move |(r, a)| format!("/v1/rooms/{r}/attachments/{a}{suffix}")).boxed()
    };
    let upload = query(vec![("name", url_text())]).prop_map(|q| format!("/v1/uploads{q}")).boxed();
    let signature = || {
        query(vec![
            ("expires", prop_oneof![before_seq(), Just("4102444800".to_owned())].boxed()),
            ("sig", prop_oneof![url_text(), Just("A".repeat(43))].boxed()),
        ])
    };
    let signed = (room(), attachment(), prop_oneof![Just(""), Just("/thumbnail")], signature())
        .prop_map(|(r, a, suffix, q)| format!("/v1/files/{r}/{a}{suffix}{q}"))
        .boxed();
    let fixed = |path: &'static str| Just(path.to_owned()).boxed();
    let new_invite = shaped(vec![("expires_in_secs", optional(seq())), ("max_uses", optional(seq()))]);
    let invite_of_room = (room(), prop_oneof![code_segment(), id_segment(vec![known.room])])
        .prop_map(|(r, invite)| format!("/v1/rooms/{r}/invites/{invite}"))
        .boxed();
    let invite = || code_segment().prop_map(|code| format!("/v1/invites/{code}")).boxed();
    let accept_invite = code_segment().prop_map(|code| format!("/v1/invites/{code}/accept")).boxed();
    let ban = shaped(vec![("user_id", required(uuid(users()))), ("reason", optional(string(text(false))))]);
    let banned = (room(), id_segment(users())).prop_map(|(r, u)| format!("/v1/rooms/{r}/bans/{u}")).boxed();
    let settings =
        shaped(vec![("topic", optional(string(text(false)))), ("description", optional(string(text(false))))]);
    let contact_request = shaped(vec![("user_id", required(uuid(users())))]);
    let on_user = |prefix: &'static str, suffix: &'static str| {
        id_segment(users()).prop_map(move |u| format!("{prefix}{u}{suffix}")).boxed()
    };
    let endpoints = vec![
        endpoint(known, "upload", "POST", upload, Some(any_json())),
        endpoint(known, "download", "GET", on_attachment(""), None),
        endpoint(known, "thumbnail", "GET", on_attachment("/thumbnail"), None),
        endpoint(known, "attachment links", "GET", on_attachment("/links"), None),
        endpoint(known, "signed download", "GET", signed, None),
        endpoint(known, "register", "POST", fixed("/v1/auth/register"), Some(credentials(true))),
        endpoint(known, "login", "POST", fixed("/v1/auth/login"), Some(credentials(false))),
        endpoint(known, "refresh", "POST", fixed("/v1/auth/refresh"), Some(refresh())),
        endpoint(known, "logout", "POST", fixed("/v1/auth/logout"), Some(refresh())),
        endpoint(known, "create room", "POST", fixed("/v1/rooms"), Some(create)),
        endpoint(known, "post", "POST", in_room("/messages"), Some(post)),
        endpoint(known, "edit", "PATCH", on_message(""), Some(edit)),
        endpoint(known, "react", "PUT", reaction.clone(), None),
        endpoint(known, "unreact", "DELETE", reaction, None),
        endpoint(known, "mark read", "POST", in_room("/read"), Some(mark_read)),
        endpoint(known, "history", "GET", history, None),
        endpoint(known, "room list", "GET", rooms, None),
        endpoint(known, "room detail", "GET", in_room(""), None),
        endpoint(known, "receipts", "GET", in_room("/receipts"), None),
        endpoint(known, "join", "POST", in_room("/join"), None),
        endpoint(known, "create invite", "POST", in_room("/invites"), Some(new_invite)),
        endpoint(known, "invites", "GET", in_room("/invites"), None),
        endpoint(known, "revoke invite", "DELETE", invite_of_room, None),
        endpoint(known, "invite", "GET", invite(), None),
        endpoint(known, "accept invite", "POST", accept_invite, None),
        endpoint(known, "ban", "POST", in_room("/bans"), Some(ban)),
        endpoint(known, "bans", "GET", in_room("/bans"), None),
        endpoint(known, "unban", "DELETE", banned, None),
        // Deleting the room is left out: it would end every other endpoint's room.
        endpoint(known, "room settings", "PATCH", in_room(""), Some(settings)),
        endpoint(known, "contacts", "GET", fixed("/v1/contacts"), None),
        endpoint(known, "ask contact", "POST", fixed("/v1/contacts/requests"), Some(contact_request)),
        endpoint(known, "accept contact", "POST", on_user("/v1/contacts/requests/", "/accept"), None),
        endpoint(known, "decline contact", "POST", on_user("/v1/contacts/requests/", "/decline"), None),
        endpoint(known, "withdraw contact request", "DELETE", on_user("/v1/contacts/requests/", ""), None),
        endpoint(known, "remove contact", "DELETE", on_user("/v1/contacts/", ""), None),
        endpoint(known, "blocks", "GET", fixed("/v1/blocks"), None),
        endpoint(known, "block", "PUT", on_user("/v1/blocks/", ""), None),
        endpoint(known, "unblock", "DELETE", on_user("/v1/blocks/", ""), None),
        endpoint(known, "user", "GET", user, None),
        endpoint(known, "find user", "GET", find_user, None),
        endpoint(known, "directory", "GET", directory, None),
        endpoint(known, "search", "GET", search_messages, None),
        endpoint(known, "user directory", "GET", search_users, None),
        endpoint(known, "me", "PATCH", fixed("/v1/me"), Some(profile)),
        endpoint(known, "change role", "PUT", member_role, Some(role)),
        endpoint(known, "admin feeds", "GET", fixed("/v1/admin/feeds"), None),
        endpoint(known, "create website", "POST", fixed("/v1/websites"), Some(website_name())),
        endpoint(known, "website", "GET", in_website(""), None),
        endpoint(known, "rename website", "PATCH", in_website(""), Some(website_name())),
        endpoint(known, "widget", "PUT", in_website("/widget"), Some(widget)),
        endpoint(known, "add domain", "POST", in_website("/domains"), Some(domain)),
        endpoint(known, "check domain", "POST", on_domain("/check"), None),
        endpoint(known, "remove domain", "DELETE", on_domain(""), None),
        endpoint(known, "add agent", "POST", in_website("/agents"), Some(agent)),
        endpoint(known, "identity secret", "GET", in_website("/identity-secret"), None),
        endpoint(known, "rotate identity secret", "POST", in_website("/identity-secret"), None),
        endpoint(known, "inbox", "GET", inbox, None),
        endpoint(known, "assign", "POST", in_room("/assign"), Some(assign)),
        endpoint(known, "resolve", "POST", in_room("/resolve"), None),
        endpoint(known, "widget", "GET", in_widget(""), None),
        endpoint(known, "new visitor", "POST", in_widget("/visitors"), Some(arrive)),
        endpoint(known, "start conversation", "POST", in_widget("/conversations"), Some(start)),
        endpoint(known, "identify visitor", "POST", in_widget("/identify"), Some(identify)),
    ];
    proptest::strategy::Union::new(endpoints).boxed()
}

/// Inputs that once broke the server (or nearly): sent before the generated ones.
pub fn regressions(known: &Known) -> Vec<HostileRequest> {
    let get = |endpoint: &'static str, target: String| HostileRequest {
        endpoint,
        method: "GET".to_owned(),
        target,
        headers: vec![("authorization", format!("Bearer {}", known.token).into_bytes())],
        body: Vec::new(),
    };
    vec![
        // A room-list cursor before 4714 BC, the earliest timestamp Postgres stores (chrono
        // parses it, Postgres refuses it): 500 `internal` "timestamp out of range".
        get("room list", format!("/v1/rooms?before=-210866803200000001.{}", Uuid::nil())),
        get(
            "history",
            format!("/v1/rooms/{}/messages?before=-9223372036854775808&limit=9223372036854775807", known.room),
        ),
        get("room detail", format!("/v1/rooms/{}/..", known.room)),
        // A NUL in a directory search reached Postgres, which cannot hold one in text: 500.
        get("directory", "/v1/directory/rooms?q=a%00b".to_owned()),
        get("find user", "/v1/users?username=a%00b".to_owned()),
        // Searches: the same NUL, and a time chrono parses but Postgres cannot hold.
        get("search", "/v1/search?q=a%00b".to_owned()),
        get("search", "/v1/search?q=a&before=-262143-01-01T00:00:00Z".to_owned()),
        get("search", "/v1/search?q=a&cursor=t.-210866803200000001.00000000000000000000000000000000".to_owned()),
        get("user directory", "/v1/users/search?q=a%00b".to_owned()),
    ]
}

/// A response: status and body.
pub struct Response {
    pub status: u16,
    pub body: Vec<u8>,
}

/// Sends requests over fresh connections to one server.
pub struct RawHttp {
    address: String,
}

/// How long a request may take before it counts as a hang (the server's own deadline is 30 s).
const REQUEST_DEADLINE: Duration = Duration::from_secs(40);

impl RawHttp {
    pub fn new(base: &str) -> Self {
        Self { address: base.trim_start_matches("http://").trim_end_matches('/').to_owned() }
    }

    pub async fn send(&self, request: &HostileRequest) -> Result<Response, String> {
        tokio::time::timeout(REQUEST_DEADLINE, self.exchange(request))
            .await
            .unwrap_or_else(|_| Err(format!("no answer within {REQUEST_DEADLINE:?}")))
    }

    async fn exchange(&self, request: &HostileRequest) -> Result<Response, String> {
        let mut stream = TcpStream::connect(&self.address).await.map_err(|e| format!("connect: {e}"))?;
        let mut head = format!(
            "{} {} HTTP/1.1\r\nhost: {}\r\nconnection: close\r\ncontent-length: {}\r\n",
            request.method,
            request.target,
            self.address,
            request.body.len()
        )
        .into_bytes();
        for (name, value) in &request.headers {
            head.extend_from_slice(name.as_bytes());
            head.extend_from_slice(b": ");
            head.extend_from_slice(value);
            head.extend_from_slice(b"\r\n");
        }
        head.extend_from_slice(b"\r\n");
        stream.write_all(&head).await.map_err(|e| format!("send: {e}"))?;
        // The server may answer (413, 401…) and close before it has read the whole body.
        let _ = stream.write_all(&request.body).await;
        let mut raw = Vec::new();
        let read = stream.read_to_end(&mut raw).await;
        parse_response(&raw).ok_or_else(|| format!("no complete response ({read:?}, {} bytes)", raw.len()))
    }

    /// Whether the server answers `GET /healthz` with 200.
    pub async fn healthy(&self) -> bool {
        let request = HostileRequest {
            endpoint: "health",
            method: "GET".to_owned(),
            target: "/healthz".to_owned(),
            headers: Vec::new(),
            body: Vec::new(),
        };
        matches!(self.send(&request).await, Ok(Response { status: 200, .. }))
    }

    /// Sends `request` and checks the answer: no 5xx, and an error is JSON with `error.code`.
    /// Returns the status and code, for the statistics.
    pub async fn check(&self, request: &HostileRequest) -> Result<String, Problem> {
        let response = self.send(request).await.map_err(|detail| Problem {
            signature: format!("{}: no response", request.endpoint),
            detail,
            fatal: false,
        })?;
        let body: Option<Value> = serde_json::from_slice(&response.body).ok();
        let code = body.as_ref().and_then(|b| b["error"]["code"].as_str()).map(str::to_owned);
        let shown = clip(&String::from_utf8_lossy(&response.body), 500);
        if response.status >= 500 {
            return Err(Problem {
                signature: format!("{}: {} {}", request.endpoint, response.status, code.unwrap_or_default()),
                detail: format!("answered {} {shown}", response.status),
                fatal: false,
            });
        }
        if response.status >= 400
            && (code.is_none() || !body.as_ref().is_some_and(|b| b["error"]["message"].is_string()))
        {
            return Err(Problem {
                signature: format!("{}: {} without a JSON error", request.endpoint, response.status),
                detail: format!("answered {} {shown}", response.status),
                fatal: false,
            });
        }
        Ok(format!("{} {}", response.status, code.unwrap_or_default()).trim_end().to_owned())
    }
}

/// Status and body of a complete HTTP/1.1 response (`None` if it is not one).
fn parse_response(raw: &[u8]) -> Option<Response> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    // Header values may echo bytes that are not UTF-8 (`x-request-id`).
    let head = String::from_utf8_lossy(&raw[..end]);
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let chunked = lines.any(|line| {
        let line = line.to_ascii_lowercase();
        line.starts_with("transfer-encoding:") && line.contains("chunked")
    });
    let mut rest = &raw[end + 4..];
    if !chunked {
        return Some(Response { status, body: rest.to_vec() });
    }
    let mut body = Vec::new();
    loop {
        let line_end = rest.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&rest[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        rest = &rest[line_end + 2..];
        if size == 0 {
            return Some(Response { status, body });
        }
        body.extend_from_slice(rest.get(..size)?);
        rest = rest.get(size + 2..)?;
    }
}
