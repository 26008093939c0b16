//! Hostile JSON text: any value, nesting hundreds of levels deep, numbers past every integer
//! and float type, strings with control characters, NUL, lone surrogate escapes, bidi marks and
//! emoji, duplicate keys; and well-formed objects of an expected shape with one field mutated.
//!
//! Documents are rendered by hand ([`Json`]) rather than by serde_json, which could never
//! write most of this.

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{Index, select};
use uuid::Uuid;

/// A JSON document as it will be written.
#[derive(Clone, Debug)]
pub enum Json {
    /// A token written as is: a number (perhaps beyond any integer type, perhaps malformed),
    /// `true`, `false`, `null`.
    Raw(String),
    /// A string whose content is JSON-escaped already (so it may hold lone surrogate escapes).
    Str(String),
    Arr(Vec<Json>),
    /// Keys are JSON-escaped already; duplicate keys are kept.
    Obj(Vec<(String, Json)>),
}

/// Where a WebSocket frame's request id goes; replaced by a per-case id when sent (a valid JSON
/// string itself, should it be left in).
pub const ID_MARKER: &str = "\"@case-id@\"";

impl Json {
    pub fn text(s: &str) -> Self {
        Json::Str(escape(s))
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            Json::Raw(token) => out.push_str(token),
            Json::Str(content) => {
                out.push('"');
                out.push_str(content);
                out.push('"');
            }
            Json::Arr(items) => {
                out.push('[');
                for (n, item) in items.iter().enumerate() {
                    if n > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Json::Obj(fields) => {
                out.push('{');
                for (n, (key, value)) in fields.iter().enumerate() {
                    if n > 0 {
                        out.push(',');
                    }
                    out.push('"');
                    out.push_str(key);
                    out.push_str("\":");
                    value.write(out);
                }
                out.push('}');
            }
        }
    }
}

/// `s` as the content of a JSON string.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

/// Characters and sequences that break naive text handling.
const SPECIAL: &[&str] = &[
    "\u{0}",
    "\u{7}",
    "\u{8}",
    "\u{1b}",
    "\u{7f}",
    "\u{85}",
    "\u{9c}",
    "\n",
    "\r\n",
    "\t",
    " ",
    "\u{a0}",
    "\u{200b}",
    "\u{200d}",
    "\u{200e}",
    "\u{200f}",
    "\u{202a}",
    "\u{202e}",
    "\u{2066}",
    "\u{2028}",
    "\u{2029}",
    "\u{3000}",
    "\u{feff}",
    "\u{fffd}",
    "\u{ffff}",
    "\u{e000}",
    "\u{10ffff}",
    "\u{301}",
    "\u{212a}",
    "\u{130}",
    "ß",
    "ﷺ",
    "👍",
    "👨\u{200d}👩\u{200d}👧\u{200d}👦",
    "🏳\u{fe0f}\u{200d}🌈",
    "🇫🇷",
    "\"",
    "\\",
    "/",
    "'",
    "%",
    "%00",
    "%2F",
    "..",
    "../",
    "<script>",
    "'; DROP TABLE events; --",
    "${jndi:ldap://x}",
    "{{7*7}}",
];

/// Escapes serde_json refuses or that decode to something unusual.
const RAW_ESCAPES: &[&str] = &[
    "\\ud800",
    "\\udbff",
    "\\udc00",
    "\\udfff",
    "\\ud83d",
    "\\ude00x",
    "\\ud83d\\ude00",
    "\\ud800\\ud800",
    "\\u0000",
    "\\u001f",
    "\\u202e",
    "\\uFEFF",
    "\\uffff",
    "\\/",
    "\\b\\f\\n\\r\\t",
    "\\x41",
    "\\u12",
    "\\U0041",
    "\\'",
    "\\",
];

/// Lengths around the limits of every text field (and past the 64 KiB body limit).
const LENGTHS: &[usize] = &[0, 1, 2, 3, 31, 32, 33, 64, 65, 100, 101, 200, 256, 257, 4000, 4001, 16_384];

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => any::<char>().prop_map(String::from),
        3 => select(SPECIAL).prop_map(str::to_owned),
        2 => "[a-zA-Z0-9 _.:-]{1,8}",
    ]
}

/// Any Unicode text: plausible, mixed with special characters, or one character repeated to a
/// length around a limit; `huge` adds lengths past the 64 KiB body and frame limits.
pub fn text(huge: bool) -> BoxedStrategy<String> {
    let lengths: Vec<usize> = LENGTHS.iter().copied().chain(huge.then_some(70_000)).collect();
    let repeated = (select(&["x", "é", "👍", " ", "\n", "\u{0}", "\u{301}", "ab"][..]), select(lengths))
        .prop_map(|(unit, length)| unit.repeat(length));
    prop_oneof![
        3 => "[a-z][a-z0-9_.-]{2,12}",
        4 => vec(piece(), 0..10).prop_map(|pieces| pieces.concat()),
        1 => repeated,
    ]
    .boxed()
}

/// The content of a JSON string: escaped text, sometimes with raw escapes that serde_json
/// refuses (lone surrogates, bad escapes).
pub fn escaped_text(huge: bool) -> BoxedStrategy<String> {
    let mixed =
        vec(prop_oneof![2 => piece().prop_map(|p| escape(&p)), 1 => select(RAW_ESCAPES).prop_map(str::to_owned)], 1..6)
            .prop_map(|pieces| pieces.concat());
    prop_oneof![6 => text(huge).prop_map(|t| escape(&t)), 1 => mixed].boxed()
}

/// A number as written: ordinary, at the edges of every integer type, beyond them, floats,
/// exponents, and malformed ones.
pub fn number() -> BoxedStrategy<String> {
    const EDGES: &[&str] = &[
        "0",
        "-0",
        "1",
        "-1",
        "2",
        "3",
        "4",
        "5",
        "127",
        "255",
        "65536",
        "2147483647",
        "-2147483649",
        "4294967296",
        "9007199254740993",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775808",
        "-9223372036854775809",
        "18446744073709551615",
        "18446744073709551616",
        "123456789012345678901234567890123456789",
        "0.0",
        "1.0",
        "1.5",
        "-0.0",
        "1e2",
        "1E+2",
        "1e-7",
        "1e308",
        "1e309",
        "-1e999",
        "4.9e-324",
        "0.000000000000000000000000000001",
        "01",
        "+1",
        ".5",
        "1.",
        "-",
        "0x10",
        "NaN",
        "Infinity",
        "1_000",
    ];
    prop_oneof![
        4 => select(EDGES).prop_map(str::to_owned),
        2 => (0u64..20).prop_map(|n| n.to_string()),
        1 => any::<i64>().prop_map(|n| n.to_string()),
        1 => any::<u64>().prop_map(|n| n.to_string()),
        1 => any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(|f| format!("{f:e}")),
    ]
    .boxed()
}

fn leaf() -> BoxedStrategy<Json> {
    prop_oneof![
        2 => number().prop_map(Json::Raw),
        1 => select(&["true", "false", "null"][..]).prop_map(|t| Json::Raw(t.to_owned())),
        3 => escaped_text(false).prop_map(Json::Str),
    ]
    .boxed()
}

/// Field names the API knows (so that random objects sometimes nearly fit) and any others.
const FIELDS: &[&str] = &[
    "type",
    "id",
    "body",
    "client_msg_id",
    "reply_to",
    "mentions",
    "username",
    "password",
    "display_name",
    "refresh_token",
    "name",
    "visibility",
    "user_id",
    "up_to_seq",
    "role",
    "room_id",
    "message_id",
    "reaction",
    "typing",
    "status",
    "token",
    "resume",
    "__proto__",
    "",
];

fn key() -> BoxedStrategy<String> {
    prop_oneof![2 => select(FIELDS).prop_map(str::to_owned), 1 => escaped_text(false)].boxed()
}

/// Any JSON value, a few levels deep.
pub fn any_json() -> BoxedStrategy<Json> {
    leaf()
        .prop_recursive(4, 48, 6, |inner| {
            prop_oneof![vec(inner.clone(), 0..6).prop_map(Json::Arr), vec((key(), inner), 0..6).prop_map(Json::Obj)]
        })
        .boxed()
}

/// A value nested up to 400 levels deep in arrays and objects.
pub fn deep_json() -> BoxedStrategy<Json> {
    (1usize..=400, any::<u64>(), leaf())
        .prop_map(|(depth, shape, leaf)| {
            (0..depth).fold(leaf, |inner, level| match (shape >> (level % 64)) & 1 {
                1 => Json::Arr(vec![inner]),
                _ => Json::Obj(vec![("a".to_owned(), inner)]),
            })
        })
        .boxed()
}

/// A value to put where another was expected: any type, deep, huge.
pub fn hostile_value() -> BoxedStrategy<Json> {
    prop_oneof![
        6 => any_json(),
        1 => deep_json(),
        1 => text(true).prop_map(|t| Json::text(&t)),
        1 => Just(Json::Obj(vec![])),
        1 => Just(Json::Arr(vec![])),
    ]
    .boxed()
}

/// One change to a well-formed object.
#[derive(Clone, Debug)]
pub enum Mutation {
    Keep,
    /// The field gets another value (of any type; an absent optional field appears).
    Replace(Index, Json),
    Null(Index),
    Remove(Index),
    /// A field the shape does not know.
    Extra(String, Json),
    /// The field twice, the second time with another value.
    Duplicate(Index, Json),
    /// The field under another name (case changed, padded, or anything).
    Rename(Index, String),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let renamed = prop_oneof![
        Just("TYPE".to_owned()),
        Just(" type".to_owned()),
        Just("Body".to_owned()),
        Just("body\\u0000".to_owned()),
        key()
    ];
    prop_oneof![
        7 => Just(Mutation::Keep),
        4 => (any::<Index>(), hostile_value()).prop_map(|(i, v)| Mutation::Replace(i, v)),
        1 => any::<Index>().prop_map(Mutation::Null),
        1 => any::<Index>().prop_map(Mutation::Remove),
        1 => (key(), hostile_value()).prop_map(|(k, v)| Mutation::Extra(k, v)),
        1 => (any::<Index>(), hostile_value()).prop_map(|(i, v)| Mutation::Duplicate(i, v)),
        1 => (any::<Index>(), renamed).prop_map(|(i, k)| Mutation::Rename(i, k)),
    ]
}

/// A field of a shape and its (mostly plausible) value; `None` leaves an optional field out.
pub type Field = (&'static str, BoxedStrategy<Option<Json>>);

/// An object of the given shape, with one field mutated (or none).
pub fn shaped(fields: Vec<Field>) -> BoxedStrategy<Json> {
    let (names, values): (Vec<&'static str>, Vec<BoxedStrategy<Option<Json>>>) = fields.into_iter().unzip();
    (values, mutation())
        .prop_map(move |(values, mutation)| {
            let mut fields: Vec<(String, Option<Json>)> =
                names.iter().map(|name| name.to_string()).zip(values).collect();
            match mutation {
                Mutation::Keep => {}
                Mutation::Replace(i, value) => fields[i.index(names.len())].1 = Some(value),
                Mutation::Null(i) => fields[i.index(names.len())].1 = Some(Json::Raw("null".to_owned())),
                Mutation::Remove(i) => fields[i.index(names.len())].1 = None,
                Mutation::Extra(key, value) => fields.push((key, Some(value))),
                Mutation::Duplicate(i, value) => {
                    let name = fields[i.index(names.len())].0.clone();
                    fields.push((name, Some(value)));
                }
                Mutation::Rename(i, name) => fields[i.index(names.len())].0 = name,
            }
            Json::Obj(fields.into_iter().filter_map(|(key, value)| Some((key, value?))).collect())
        })
        .boxed()
}

/// A required field holding `value`.
pub fn required(value: impl Strategy<Value = Json> + 'static) -> BoxedStrategy<Option<Json>> {
    value.prop_map(Some).boxed()
}

/// An optional field: mostly present.
pub fn optional(value: impl Strategy<Value = Json> + 'static) -> BoxedStrategy<Option<Json>> {
    prop_oneof![1 => Just(None), 3 => value.prop_map(Some)].boxed()
}

/// A string field: plausible text mostly, hostile text sometimes.
pub fn string(plausible: impl Strategy<Value = String> + 'static) -> BoxedStrategy<Json> {
    prop_oneof![4 => plausible.prop_map(|s| Json::text(&s)), 1 => escaped_text(true).prop_map(Json::Str)].boxed()
}

/// One of `choices`, or any text.
pub fn choice(choices: &'static [&'static str]) -> BoxedStrategy<Json> {
    prop_oneof![4 => select(choices).prop_map(Json::text), 1 => escaped_text(false).prop_map(Json::Str)].boxed()
}

/// A UUID text: one of `known` mostly, a random one, another spelling, or garbage.
pub fn uuid_text(known: Vec<Uuid>) -> BoxedStrategy<String> {
    let real = select(known);
    prop_oneof![
        12 => real.clone().prop_map(|id| id.to_string()),
        2 => any::<u128>().prop_map(|n| Uuid::from_u128(n).to_string()),
        1 => real.clone().prop_map(|id| id.simple().to_string()),
        1 => real.clone().prop_map(|id| id.braced().to_string().to_uppercase()),
        1 => real.prop_map(|id| id.urn().to_string()),
        1 => Just(Uuid::nil().to_string()),
        1 => Just(Uuid::max().to_string()),
        1 => text(false),
    ]
    .boxed()
}

/// A UUID field: a UUID text, or a value of another type.
pub fn uuid(known: Vec<Uuid>) -> BoxedStrategy<Json> {
    prop_oneof![12 => uuid_text(known).prop_map(|t| Json::text(&t)), 1 => number().prop_map(Json::Raw)].boxed()
}

/// An array of UUID texts, sometimes past the 50 allowed.
pub fn uuids(known: Vec<Uuid>) -> BoxedStrategy<Json> {
    let id = uuid_text(known).prop_map(|t| Json::text(&t));
    prop_oneof![5 => vec(id.clone(), 0..4), 1 => vec(id, 48..60)].prop_map(Json::Arr).boxed()
}

/// A sequence number: small mostly, at the edges of the integer types sometimes.
pub fn seq() -> BoxedStrategy<Json> {
    prop_oneof![2 => (0u64..12).prop_map(|n| Json::Raw(n.to_string())), 3 => number().prop_map(Json::Raw)].boxed()
}

/// Text that is not JSON, or not UTF-8.
pub fn not_json() -> BoxedStrategy<Vec<u8>> {
    prop_oneof![
        2 => vec(any::<u8>(), 0..256),
        1 => text(false).prop_map(String::into_bytes),
        1 => select(&["{", "}", "[", "\"", "{\"a\":", "nul", "tru", "{\"body\" \"x\"}", "{'body': 'x'}", "{,}", "[1,]"][..])
            .prop_map(|t| t.as_bytes().to_vec()),
    ]
    .boxed()
}

/// Bytes that are not UTF-8: stray continuation bytes, overlong forms, encoded surrogates,
/// truncated sequences, bytes never used.
pub fn invalid_utf8() -> BoxedStrategy<Vec<u8>> {
    let known: &[&[u8]] = &[
        b"\xff",
        b"\xfe\xff",
        b"\x80",
        b"\xc0\xaf",
        b"\xe0\x80\xaf",
        b"\xed\xa0\x80",
        b"\xed\xbf\xbf",
        b"\xf4\x90\x80\x80",
        b"\xf0\x9f\x91",
        b"\xc3",
    ];
    prop_oneof![
        3 => select(known).prop_map(<[u8]>::to_vec),
        1 => vec(0x80u8..=0xff, 1..8),
    ]
    .boxed()
}

/// `text` with `bytes` put inside its first string (or at its end), so that the document is
/// JSON apart from not being UTF-8.
pub fn inject(text: &str, bytes: &[u8], at: Index) -> Vec<u8> {
    let quotes: Vec<usize> = text.match_indices('"').map(|(i, _)| i + 1).collect();
    let position = if quotes.is_empty() { text.len() } else { *at.get(&quotes) };
    let mut out = text.as_bytes()[..position].to_vec();
    out.extend_from_slice(bytes);
    out.extend_from_slice(&text.as_bytes()[position..]);
    out
}
