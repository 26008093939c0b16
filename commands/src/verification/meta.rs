//! Finding `<meta name="chat-verification" content="…">` in a home page without an HTML parser.
//!
//! Only the document's head counts, as with other site-verification schemes: the scanner walks
//! the markup the way a browser's "in head" mode would and stops where the body begins (a
//! `<body>` or any other non-head start tag, non-whitespace text, or `</head>`). Comments and
//! the raw text of `<title>`, `<script>`, `<style>`, `<noscript>` and `<template>` are skipped.
//! This is a safety property, not pedantry: text that visitors can put on a page (comments,
//! profile fields, JSON in a script) cannot be made to look like the owner's tag.
//!
//! Tag and attribute names are case-insensitive; values may be double-quoted, single-quoted or
//! unquoted, in any attribute order. Character references are not decoded (tokens never need
//! them). The input may be cut anywhere (it is the first `max_body_bytes` of the page): an
//! unfinished tag is ignored.

/// The `name` that marks the verification tag (compared case-insensitively).
const META_NAME: &[u8] = b"chat-verification";

/// Start tags that may appear in the head without ending it.
const HEAD_TAGS: &[&[u8]] = &[b"html", b"head", b"meta", b"link", b"base"];

/// Head elements whose content is raw text, skipped up to their end tag.
const RAW_TEXT_TAGS: &[&[u8]] = &[b"title", b"script", b"style", b"noscript", b"template"];

/// An attribute's name and value, as written (the value without its quotes).
type Attribute<'a> = (&'a [u8], &'a [u8]);

/// The `content` of every `chat-verification` meta tag in the head, in document order, trimmed
/// of ASCII whitespace.
pub(super) fn verification_tokens(html: &[u8]) -> Vec<&[u8]> {
    let mut tokens = Vec::new();
    let mut rest = html.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(html);
    loop {
        rest = rest.trim_ascii_start();
        // End of input, or text: a browser would start the body here.
        let Some(markup) = rest.strip_prefix(b"<") else { break };
        let next = if let Some(comment) = markup.strip_prefix(b"!--") {
            find(comment, b"-->").map(|end| &comment[end + 3..])
        } else if markup.starts_with(b"!") || markup.starts_with(b"?") {
            after_gt(markup)
        } else if let Some(end_tag) = markup.strip_prefix(b"/") {
            let (name, after_name) = tag_name(end_tag);
            if [&b"head"[..], b"body", b"html", b"br"].iter().any(|head_end| name.eq_ignore_ascii_case(head_end)) {
                break;
            }
            after_gt(after_name)
        } else if markup.first().is_some_and(u8::is_ascii_alphabetic) {
            let (name, after_name) = tag_name(markup);
            let Some((attributes, after_tag)) = attributes(after_name) else { break };
            if name.eq_ignore_ascii_case(b"meta")
                && let Some(token) = verification_token(&attributes)
            {
                tokens.push(token);
            }
            if RAW_TEXT_TAGS.iter().any(|raw| name.eq_ignore_ascii_case(raw)) {
                skip_raw_text(after_tag, name)
            } else if HEAD_TAGS.iter().any(|head| name.eq_ignore_ascii_case(head)) {
                Some(after_tag)
            } else {
                break;
            }
        } else {
            break;
        };
        let Some(next) = next else { break };
        rest = next;
    }
    tokens
}

/// The token of a meta tag named `chat-verification` (the first `name` and the first `content`
/// attribute count, as in HTML).
fn verification_token<'a>(attributes: &[Attribute<'a>]) -> Option<&'a [u8]> {
    let first = |wanted: &[u8]| attributes.iter().find(|(name, _)| name.eq_ignore_ascii_case(wanted)).map(|a| a.1);
    let name = first(b"name")?;
    if !name.trim_ascii().eq_ignore_ascii_case(META_NAME) {
        return None;
    }
    Some(first(b"content").unwrap_or_default().trim_ascii())
}

/// A tag name and what follows it.
fn tag_name(s: &[u8]) -> (&[u8], &[u8]) {
    let end = s.iter().position(|&b| b.is_ascii_whitespace() || b == b'/' || b == b'>').unwrap_or(s.len());
    s.split_at(end)
}

/// A start tag's attributes as (name, value) pairs, and the input after its `>`; `None` if the
/// input ends inside the tag.
fn attributes(mut s: &[u8]) -> Option<(Vec<Attribute<'_>>, &[u8])> {
    let mut attributes = Vec::new();
    loop {
        let start = s.iter().position(|&b| !b.is_ascii_whitespace() && b != b'/')?;
        s = &s[start..];
        if let Some(after_tag) = s.strip_prefix(b">") {
            return Some((attributes, after_tag));
        }
        // A name is at least one byte (even `=`), then runs to a separator.
        let end =
            1 + s[1..].iter().position(|&b| b.is_ascii_whitespace() || b"/>=".contains(&b)).unwrap_or(s.len() - 1);
        let name = &s[..end];
        s = s[end..].trim_ascii_start();
        let mut value: &[u8] = b"";
        if let Some(after_eq) = s.strip_prefix(b"=") {
            let v = after_eq.trim_ascii_start();
            match *v.first()? {
                quote @ (b'"' | b'\'') => {
                    let len = v[1..].iter().position(|&b| b == quote)?;
                    value = &v[1..=len];
                    s = &v[len + 2..];
                }
                // `name=>`: an empty value, and the `>` ends the tag.
                b'>' => s = v,
                _ => {
                    let len = v.iter().position(|&b| b.is_ascii_whitespace() || b == b'>').unwrap_or(v.len());
                    (value, s) = v.split_at(len);
                }
            }
        }
        attributes.push((name, value));
    }
}

/// The input after the end tag `</name…>` closing a raw-text element.
fn skip_raw_text<'a>(s: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    let mut from = 0;
    while let Some(at) = find(&s[from..], b"</") {
        let candidate = &s[from + at + 2..];
        let closes = candidate.get(..name.len()).is_some_and(|n| n.eq_ignore_ascii_case(name))
            && candidate.get(name.len()).is_some_and(|&b| b.is_ascii_whitespace() || b == b'/' || b == b'>');
        if closes {
            return after_gt(&candidate[name.len()..]);
        }
        from += at + 2;
    }
    None
}

fn after_gt(s: &[u8]) -> Option<&[u8]> {
    s.iter().position(|&b| b == b'>').map(|at| &s[at + 1..])
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use super::verification_tokens;

    fn tokens(html: &str) -> Vec<&str> {
        verification_tokens(html.as_bytes()).into_iter().map(|t| std::str::from_utf8(t).expect("utf-8")).collect()
    }

    #[test]
    fn finds_the_tag_in_any_quoting_order_and_case() {
        for html in [
            r#"<meta name="chat-verification" content="tok">"#,
            r#"<meta content="tok" name="chat-verification">"#,
            "<meta name='chat-verification' content='tok'>",
            "<meta name=chat-verification content=tok>",
            r#"<META NAME="Chat-Verification" CONTENT="tok">"#,
            r#"<meta name = "chat-verification"  content = " tok " />"#,
            "<meta\n\tname=\"chat-verification\"\r\n\tcontent=\"tok\"/>",
            r#"<meta charset="utf-8" name="chat-verification" data-x content="tok" id=x>"#,
        ] {
            assert_eq!(tokens(html), ["tok"], "{html}");
        }
    }

    #[test]
    fn walks_a_realistic_head() {
        let html = "\u{feff}<!DOCTYPE html>\n<html lang=en>\n<head>\n  <meta charset=\"utf-8\">\n  \
            <title>Shop <meta name=\"chat-verification\" content=\"in-title\"></title>\n  \
            <!-- <meta name=\"chat-verification\" content=\"commented\"> -->\n  \
            <script>var s = '<meta name=\"chat-verification\" content=\"in-script\">';</script>\n  \
            <style>a > b { color: red }</STYLE>\n  <link rel=stylesheet href=/a.css>\n  \
            <meta name=\"description\" content=\"a shop\">\n  \
            <meta name=\"chat-verification\" content=\"first\">\n  \
            <meta name=\"chat-verification\" content=\"second\">\n</head>\n\
            <body><meta name=\"chat-verification\" content=\"in-body\"></body></html>";
        assert_eq!(tokens(html), ["first", "second"]);
    }

    #[test]
    fn quoted_values_may_contain_markup() {
        assert_eq!(tokens(r#"<meta content="a>b" name="chat-verification">"#), ["a>b"]);
        assert_eq!(tokens(r#"<meta name="chat-verification" content='say "hi"'>"#), [r#"say "hi""#]);
    }

    #[test]
    fn other_names_and_attributes_do_not_count() {
        assert!(tokens(r#"<meta name="chat-verification-old" content="x">"#).is_empty());
        assert!(tokens(r#"<meta data-name="chat-verification" content="x">"#).is_empty());
        assert!(tokens(r#"<meta property="chat-verification" content="x">"#).is_empty());
        assert!(tokens(r#"<link name="chat-verification" content="x">"#).is_empty());
        assert!(tokens(r#"<metadata name="chat-verification" content="x">"#).is_empty());
        // The first `name` wins, as in HTML.
        assert!(tokens(r#"<meta name="x" name="chat-verification" content="y">"#).is_empty());
    }

    #[test]
    fn a_tag_without_content_publishes_an_empty_token() {
        assert_eq!(tokens(r#"<meta name="chat-verification">"#), [""]);
        assert_eq!(tokens(r#"<meta name="chat-verification" content=>"#), [""]);
    }

    #[test]
    fn the_body_does_not_count() {
        for html in [
            r#"<body><meta name="chat-verification" content="x">"#,
            r#"<head></head><meta name="chat-verification" content="x">"#,
            r#"<html><p>hello</p><meta name="chat-verification" content="x">"#,
            r#"<title>t</title>visitor text <meta name="chat-verification" content="x">"#,
            r#"<div><meta name="chat-verification" content="x"></div>"#,
            r#"< meta name="chat-verification" content="x">"#,
        ] {
            assert!(tokens(html).is_empty(), "{html}");
        }
    }

    #[test]
    fn a_document_cut_short_keeps_the_complete_tags() {
        let html = r#"<meta name="chat-verification" content="a"><meta name="chat-verification" content="b"#;
        assert_eq!(tokens(html), ["a"]);
        for cut in [
            "<meta name=\"chat-verification\" content=\"tok\"",
            "<meta name=chat-verification content=tok",
            "<script><meta name=\"chat-verification\" content=\"x\">",
            "<!-- <meta name=\"chat-verification\" content=\"x\">",
            "<meta name=\"chat-verification\" content=",
            "<",
            "",
        ] {
            assert!(tokens(cut).is_empty(), "{cut}");
        }
    }

    #[test]
    fn raw_text_ends_only_at_its_own_end_tag() {
        let html = r#"<script>document.write("</scr" + "ipt><meta name='chat-verification' content='fake'>")</script><meta name="chat-verification" content="real">"#;
        assert_eq!(tokens(html), ["real"]);
        let html = r#"<script></scriptx><meta name="chat-verification" content="fake"></SCRIPT ><meta name="chat-verification" content="real">"#;
        assert_eq!(tokens(html), ["real"]);
    }
}
