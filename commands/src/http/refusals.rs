//! Requests refused before any route sees them, and how every such refusal still gets the
//! documented shape: a JSON error body, an `x-request-id` and the security headers.
//!
//! # What hyper refuses by itself
//!
//! `axum::serve` hands each connection to hyper-util's auto builder (HTTP/1 only: axum's
//! `http2` feature is off, so an HTTP/2 preface just ends the connection). hyper's HTTP/1
//! server parses each request head with httparse and, when that fails, writes a response of
//! its own — the status line, `content-length: 0` and `date`, nothing else — and closes the
//! connection, without ever calling our service (hyper 1.x, `proto/h1/role.rs`,
//! `Server::on_error`):
//!
//! - `414 URI Too Long`: a request target longer than 65,534 bytes (`MAX_URI_LEN`);
//! - `431 Request Header Fields Too Large`: more than 100 header fields (httparse's
//!   `TooManyHeaders`), or a head still incomplete once it fills hyper's read buffer (8 KiB +
//!   400 KiB = 417,792 bytes, `DEFAULT_MAX_BUFFER_SIZE`) — so a request target past that size
//!   is a 431, not a 414;
//! - `400 Bad Request`: a method, request target, header name or value or HTTP version that
//!   does not parse, or an invalid `Content-Length` / `Transfer-Encoding`.
//!
//! Anything else that goes wrong before a request is parsed (the client hangs up mid-head, an
//! I/O error, the HTTP/2 preface) ends the connection with no answer at all. axum sets no
//! timer, so hyper has no header-read timeout.
//!
//! # What we do about it
//!
//! 1. Our own, lower limit: [`limit_uri`] refuses a path and query longer than
//!    [`MAX_URI_BYTES`] (16 KiB, the limit of common proxies; far above any URI the API
//!    makes) with `414 uri_too_long` like any other error — the client's `x-request-id`
//!    echoed, logged in the request's span, the connection kept alive. Every URI hyper takes
//!    but we don't is answered this way.
//! 2. For what hyper still refuses itself, [`JsonRefusals`] wraps the listener so that each
//!    accepted connection is a [`JsonRefusalsIo`]: when hyper writes one of its bare refusals
//!    (recognised exactly: a `400`, `414` or `431` head whose only headers are
//!    `content-length: 0`, `date` and `connection`, with nothing after it — every response
//!    of ours has a `content-type` and an `x-request-id`), the adapter writes the documented
//!    answer in its place: the same status with `malformed_request`, `uri_too_long` or
//!    `headers_too_large`, a fresh request id (logged with the refusal), the security headers
//!    and `connection: close`. Every other byte passes through untouched.
//!
//! Why not raise hyper's limits instead: the URI limit is a constant in hyper, and malformed
//! requests are refused whatever the limits; replacing `axum::serve` with a hand-written
//! accept loop would take over connection handling and graceful shutdown for the sake of the
//! error path. The adapter is contained: it only ever rewrites a response that hyper made on
//! its own, on a connection hyper is about to close. (One case it misses: a refusal that
//! hyper writes in the same buffer as the unsent end of an earlier, pipelined response; that
//! one stays bare.) CORS headers are not added to these answers: they are not known before a
//! request parses.

use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use uuid::Uuid;

use super::error::{ApiError, status};
use super::{REQUEST_ID_HEADER, security};

/// A path and query string longer than this is refused with `414 uri_too_long` (hyper's own
/// limit for the whole request target is 65,534 bytes).
pub const MAX_URI_BYTES: usize = 16 * 1024;

/// Refuses a request whose URI (path and query, and authority in absolute form) is longer
/// than [`MAX_URI_BYTES`].
pub(super) async fn limit_uri(request: Request, next: Next) -> Response {
    let uri = request.uri();
    let length = uri.path_and_query().map_or(0, |target| target.as_str().len())
        + uri.authority().map_or(0, |authority| authority.as_str().len());
    if length > MAX_URI_BYTES {
        return ApiError::UriTooLong.into_response();
    }
    next.run(request).await
}

/// A listener whose connections answer hyper's own refusals in the documented shape.
pub struct JsonRefusals<L>(pub L);

impl<L: axum::serve::Listener> axum::serve::Listener for JsonRefusals<L> {
    type Io = JsonRefusalsIo<L::Io>;
    type Addr = L::Addr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        let (io, address) = self.0.accept().await;
        (JsonRefusalsIo { inner: io, replacing: None }, address)
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.0.local_addr()
    }
}

/// An accepted connection: reads pass through; a bare refusal written by hyper is replaced.
pub struct JsonRefusalsIo<I> {
    inner: I,
    replacing: Option<Replacement>,
}

/// The documented answer being written in place of hyper's bare refusal.
struct Replacement {
    bytes: Vec<u8>,
    written: usize,
    /// The length of hyper's refusal: what the write reports once the answer is out.
    replaces: usize,
}

impl<I> JsonRefusalsIo<I> {
    pub fn get_ref(&self) -> &I {
        &self.inner
    }
}

impl<I: AsyncWrite + Unpin> JsonRefusalsIo<I> {
    /// Writes the rest of the replacement, if any; then reports hyper's refusal as written.
    fn poll_replacement(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<Option<usize>>> {
        let Some(replacement) = self.replacing.as_mut() else {
            return Poll::Ready(Ok(None));
        };
        while replacement.written < replacement.bytes.len() {
            let n = ready!(Pin::new(&mut self.inner).poll_write(cx, &replacement.bytes[replacement.written..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            replacement.written += n;
        }
        let replaced = replacement.replaces;
        self.replacing = None;
        Poll::Ready(Ok(Some(replaced)))
    }
}

impl<I: AsyncRead + Unpin> AsyncRead for JsonRefusalsIo<I> {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

impl<I: AsyncWrite + Unpin> AsyncWrite for JsonRefusalsIo<I> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.replacing.is_none() {
            match documented_answer(buf) {
                Some(bytes) => this.replacing = Some(Replacement { bytes, written: 0, replaces: buf.len() }),
                None => return Pin::new(&mut this.inner).poll_write(cx, buf),
            }
        }
        // While a replacement is being written, hyper retries the same refusal: ignore it.
        Poll::Ready(ready!(this.poll_replacement(cx))?.ok_or_else(|| io::Error::other("no replacement")))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.replacing.is_none() {
            // hyper's refusal is a head without a body: a single buffer.
            let mut written = bufs.iter().filter(|buf| !buf.is_empty());
            let answer = match (written.next(), written.next()) {
                (Some(only), None) => documented_answer(only).map(|bytes| (bytes, only.len())),
                _ => None,
            };
            match answer {
                Some((bytes, replaces)) => this.replacing = Some(Replacement { bytes, written: 0, replaces }),
                None => return Pin::new(&mut this.inner).poll_write_vectored(cx, bufs),
            }
        }
        Poll::Ready(ready!(this.poll_replacement(cx))?.ok_or_else(|| io::Error::other("no replacement")))
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_replacement(cx))?;
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_replacement(cx))?;
        Pin::new(&mut this.inner).poll_shutdown(cx)
    }
}

/// If `written` is exactly one of hyper's bare refusals, the documented answer to write
/// instead (see the module doc).
fn documented_answer(written: &[u8]) -> Option<Vec<u8>> {
    let head = std::str::from_utf8(written).ok()?.strip_suffix("\r\n\r\n")?;
    let mut lines = head.split("\r\n");
    let (version, status_and_reason) = lines.next()?.split_once(' ')?;
    if !matches!(version, "HTTP/1.1" | "HTTP/1.0") {
        return None;
    }
    let error = match status_and_reason.split_once(' ').map_or(status_and_reason, |(code, _)| code) {
        "400" => ApiError::MalformedRequest,
        "414" => ApiError::UriTooLong,
        "431" => ApiError::HeadersTooLarge,
        _ => return None,
    };
    let mut date = None;
    for line in lines {
        let (name, value) = line.split_once(':')?;
        match name.to_ascii_lowercase().as_str() {
            "content-length" if value.trim() == "0" => {}
            "connection" => {}
            "date" => date = Some(value.trim()),
            _ => return None,
        }
    }

    let status = status(error.code());
    let request_id = Uuid::new_v4();
    tracing::info!(%request_id, status = status.as_u16(), "refused a request the HTTP parser could not take");
    let body = serde_json::to_string(&error.body()).unwrap_or_default();
    let mut answer = format!(
        "{version} {} {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{REQUEST_ID_HEADER}: {request_id}\r\n",
        status.as_str(),
        status.canonical_reason().unwrap_or_default(),
        body.len()
    );
    for (name, value) in security::HEADERS {
        answer += &format!("{name}: {value}\r\n");
    }
    answer += "connection: close\r\n";
    if let Some(date) = date {
        answer += &format!("date: {date}\r\n");
    }
    answer += "\r\n";
    answer += &body;
    Some(answer.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(written: &str) -> Option<String> {
        documented_answer(written.as_bytes()).map(|bytes| String::from_utf8(bytes).unwrap())
    }

    #[test]
    fn hypers_bare_refusals_become_documented_answers() {
        let date = "date: Tue, 01 Dec 2026 00:00:00 GMT";
        for (status, code) in [
            ("400 Bad Request", "malformed_request"),
            ("414 URI Too Long", "uri_too_long"),
            ("431 Request Header Fields Too Large", "headers_too_large"),
        ] {
            let refusal = format!("HTTP/1.1 {status}\r\ncontent-length: 0\r\n{date}\r\n\r\n");
            let answer = answer(&refusal).unwrap_or_else(|| panic!("{status} is not recognised"));
            let (head, body) = answer.split_once("\r\n\r\n").unwrap();
            assert!(head.starts_with(&format!("HTTP/1.1 {status}\r\n")), "{head}");
            for header in [
                "content-type: application/json",
                "x-request-id: ",
                "x-content-type-options: nosniff",
                "connection: close",
                date,
            ] {
                assert!(head.contains(header), "{header} missing from {head}");
            }
            assert!(head.contains(&format!("content-length: {}\r\n", body.len())), "{head}");
            let body: serde_json::Value = serde_json::from_str(body).unwrap();
            assert_eq!(body["error"]["code"], code, "{body}");
        }
    }

    #[test]
    fn every_other_response_passes_through() {
        for written in [
            // Ours: JSON, a request id.
            "HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\nx-request-id: 1\r\ncontent-length: 2\r\n\r\n{}",
            "HTTP/1.1 414 URI Too Long\r\ncontent-type: application/json\r\ncontent-length: 70\r\n\r\n",
            // Other statuses, a body, a second message, part of a head.
            "HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n",
            "HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\nx",
            "HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\nHTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n",
            "HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n",
            "HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 3\r\n\r\n",
            "abc",
            "",
        ] {
            assert_eq!(answer(written), None, "{written:?}");
        }
    }
}
