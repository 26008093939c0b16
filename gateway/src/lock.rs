//! Locking the gateway's shared maps. They are only ever held for a few map operations that
//! cannot panic half-way, so a poisoned lock (a panic elsewhere while it was held) still
//! guards consistent data: take it rather than spread the panic to every connection.

use std::sync::{Mutex, MutexGuard};

pub(crate) fn locked<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
