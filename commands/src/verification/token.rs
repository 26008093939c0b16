//! Judging what the site served: the verification file's lines, the home page's meta tags.

use reqwest::StatusCode;

use super::VerificationFailure;
use super::fetch::Page;
use super::meta::verification_tokens;

/// Whether the well-known file publishes `expected`: a 2xx, complete, plain-text body with a
/// line that, trimmed, equals it. A missing file (404/410) publishes nothing.
pub(super) fn judge_file(page: &Page, expected: &str) -> Result<(), VerificationFailure> {
    if page.status == StatusCode::NOT_FOUND || page.status == StatusCode::GONE {
        return Err(VerificationFailure::TokenNotFound);
    }
    if !page.status.is_success() {
        return Err(VerificationFailure::BadStatus);
    }
    if page.truncated {
        return Err(VerificationFailure::TooLarge);
    }
    if !page.content_type.as_deref().is_none_or(is_plain) {
        return Err(VerificationFailure::NotText);
    }
    let text = std::str::from_utf8(&page.body).map_err(|_| VerificationFailure::NotText)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.lines().map(str::trim).filter(|line| !line.is_empty()).peekable();
    if lines.peek().is_none() {
        return Err(VerificationFailure::TokenNotFound);
    }
    if lines.any(|line| matches(line.as_bytes(), expected)) { Ok(()) } else { Err(VerificationFailure::TokenMismatch) }
}

/// Whether the home page's head has a `chat-verification` meta tag carrying `expected`
/// (only the first `max_body_bytes` were read; any non-2xx is a bad status).
pub(super) fn judge_home(page: &Page, expected: &str) -> Result<(), VerificationFailure> {
    if !page.status.is_success() {
        return Err(VerificationFailure::BadStatus);
    }
    let tokens = verification_tokens(&page.body);
    if tokens.iter().any(|token| matches(token, expected)) {
        Ok(())
    } else if tokens.is_empty() {
        Err(VerificationFailure::TokenNotFound)
    } else {
        Err(VerificationFailure::TokenMismatch)
    }
}

/// An empty expected token never matches (it would match any blank line or empty tag).
fn matches(published: &[u8], expected: &str) -> bool {
    !expected.is_empty() && published == expected.as_bytes()
}

/// `text/plain` with any parameters, or `application/octet-stream` (what some static hosts
/// send for files they do not know).
fn is_plain(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("text/plain") || essence.eq_ignore_ascii_case("application/octet-stream")
}

#[cfg(test)]
mod tests {
    use super::*;
    use VerificationFailure::*;

    fn page(status: u16, content_type: Option<&str>, body: &str) -> Page {
        Page {
            status: StatusCode::from_u16(status).expect("status"),
            content_type: content_type.map(str::to_owned),
            body: body.as_bytes().to_vec(),
            truncated: false,
        }
    }

    #[test]
    fn the_file_matches_on_any_trimmed_line() {
        let plain = Some("text/plain; charset=utf-8");
        assert_eq!(judge_file(&page(200, plain, "tok"), "tok"), Ok(()));
        assert_eq!(judge_file(&page(200, None, "  tok \r\n"), "tok"), Ok(()));
        assert_eq!(judge_file(&page(200, plain, "\u{feff}tok\n"), "tok"), Ok(()));
        assert_eq!(judge_file(&page(204, plain, "old\n\n  tok\nother\n"), "tok"), Ok(()));
        assert_eq!(judge_file(&page(200, Some("application/octet-stream"), "tok"), "tok"), Ok(()));
    }

    #[test]
    fn the_file_fails_with_the_reason() {
        let plain = Some("text/plain");
        assert_eq!(judge_file(&page(200, plain, "other\ntok2"), "tok"), Err(TokenMismatch));
        assert_eq!(judge_file(&page(200, plain, "xtokx"), "tok"), Err(TokenMismatch));
        assert_eq!(judge_file(&page(200, plain, " \n\n"), "tok"), Err(TokenNotFound));
        assert_eq!(judge_file(&page(200, plain, "\n"), ""), Err(TokenNotFound));
        assert_eq!(judge_file(&page(404, plain, ""), "tok"), Err(TokenNotFound));
        assert_eq!(judge_file(&page(410, plain, ""), "tok"), Err(TokenNotFound));
        assert_eq!(judge_file(&page(500, plain, ""), "tok"), Err(BadStatus));
        assert_eq!(judge_file(&page(403, plain, ""), "tok"), Err(BadStatus));
        assert_eq!(judge_file(&page(200, Some("text/html"), "tok"), "tok"), Err(NotText));
        let binary = Page { body: vec![0xff, 0xfe, b't'], ..page(200, plain, "") };
        assert_eq!(judge_file(&binary, "tok"), Err(NotText));
        let cut = Page { truncated: true, ..page(200, plain, "tok") };
        assert_eq!(judge_file(&cut, "tok"), Err(TooLarge));
    }

    #[test]
    fn the_home_page_needs_the_tag_in_a_success_response() {
        let html = |body: &str| page(200, Some("text/html"), body);
        assert_eq!(judge_home(&html(r#"<meta name="chat-verification" content="tok">"#), "tok"), Ok(()));
        assert_eq!(
            judge_home(
                &html(r#"<meta name="chat-verification" content="old"><meta name="chat-verification" content="tok">"#),
                "tok"
            ),
            Ok(())
        );
        assert_eq!(judge_home(&html(r#"<meta name="chat-verification" content="old">"#), "tok"), Err(TokenMismatch));
        assert_eq!(judge_home(&html(r#"<meta name="chat-verification" content="">"#), ""), Err(TokenMismatch));
        assert_eq!(judge_home(&html("<title>shop</title>"), "tok"), Err(TokenNotFound));
        assert_eq!(judge_home(&page(404, None, ""), "tok"), Err(BadStatus));
    }
}
