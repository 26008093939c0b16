//! Reading pages of the feed ahead of whoever consumes them, on a task of its own: while the
//! consumer works on one page (a rebuild's projector applying it, an export's encoder writing
//! it), the database is already reading the next and this process decoding it.

use std::future::Future;

use tokio::sync::mpsc;

/// Something read a page at a time until it returns `None`.
pub trait Pages: Send + 'static {
    type Page: Send + 'static;

    fn next_page(&mut self) -> impl Future<Output = Result<Option<Self::Page>, sqlx::Error>> + Send;
}

/// Reads `pages` on a task of its own, at most `depth` pages ahead of the receiver. The task
/// stops at the end, at the first error (sent last), or when the receiver is dropped.
pub fn read_ahead<P: Pages>(mut pages: P, depth: usize) -> mpsc::Receiver<Result<P::Page, sqlx::Error>> {
    let (sender, receiver) = mpsc::channel(depth.max(1));
    tokio::spawn(async move {
        loop {
            let Some(page) = pages.next_page().await.transpose() else { return };
            let failed = page.is_err();
            if sender.send(page).await.is_err() || failed {
                return;
            }
        }
    });
    receiver
}
