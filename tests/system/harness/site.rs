//! A website on a free local port, serving what a test tells it to: the sites whose domains
//! support chat verifies (a good token, a wrong one, a redirect loop, an endless body, a server
//! that never answers). Plain HTTP/1.1 over a `TcpListener`, one response per connection, so
//! that what goes over the wire is exactly what the test wrote.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// What the site answers on one path.
#[derive(Clone, Debug)]
pub enum Page {
    /// `200` with this content type and body.
    Ok { content_type: &'static str, body: String },
    /// A `302` to this location.
    Redirect(String),
    /// `200 text/plain` with bytes that never end (until the client hangs up).
    Endless,
    /// Accepts the request and never answers.
    Silent,
}

impl Page {
    pub fn text(body: impl Into<String>) -> Self {
        Page::Ok { content_type: "text/plain; charset=utf-8", body: body.into() }
    }

    pub fn html(body: impl Into<String>) -> Self {
        Page::Ok { content_type: "text/html; charset=utf-8", body: body.into() }
    }
}

type Pages = Arc<Mutex<HashMap<&'static str, Page>>>;

/// A running site; stops when dropped. Paths it was not given answer `404`.
pub struct Site {
    pub port: u16,
    pages: Pages,
    requests: Arc<AtomicUsize>,
    task: JoinHandle<()>,
}

impl Site {
    pub async fn serve(pages: impl IntoIterator<Item = (&'static str, Page)>) -> Self {
        let pages: Pages = Arc::new(Mutex::new(pages.into_iter().collect()));
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free local port");
        let port = listener.local_addr().expect("the site's address").port();
        let (serving, requests) = (pages.clone(), Arc::new(AtomicUsize::new(0)));
        let counting = requests.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(answer(stream, serving.clone(), counting.clone()));
            }
        });
        Self { port, pages, requests, task }
    }

    /// How many requests the site has been sent (whole heads read).
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    /// Serves `page` at `path` from now on (a site publishes a token it learnt after starting).
    pub fn set(&self, path: &'static str, page: Page) {
        self.pages.lock().unwrap().insert(path, page);
    }

    /// `127.0.0.1:<port>`: the site's domain as a website owner lists it.
    pub fn domain(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn answer(mut stream: TcpStream, pages: Pages, requests: Arc<AtomicUsize>) {
    let mut head = Vec::new();
    let mut buffer = [0; 1024];
    while !head.windows(4).any(|window| window == b"\r\n\r\n") {
        match stream.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buffer[..n]),
        }
        // A TLS handshake (a client trying https first): hang up, as a plain HTTP server does.
        if head.first() == Some(&0x16) {
            return;
        }
    }
    requests.fetch_add(1, Ordering::SeqCst);
    let head = String::from_utf8_lossy(&head);
    let path = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
    let page = pages.lock().unwrap().get(path.as_str()).cloned();
    let response = match page {
        None => "HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n".to_owned(),
        Some(Page::Ok { content_type, body }) => format!(
            "HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        ),
        Some(Page::Redirect(location)) => {
            format!("HTTP/1.1 302 Found\r\nlocation: {location}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
        }
        Some(Page::Endless) => {
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\n").await;
            let chunk = vec![b'x'; 64 * 1024];
            while stream.write_all(&chunk).await.is_ok() {}
            return;
        }
        Some(Page::Silent) => {
            // Hold the connection open until the client gives up.
            let _ = stream.read(&mut buffer).await;
            return;
        }
    };
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}
