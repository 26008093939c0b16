//! Rebuilds the embedded migrations when a file in this directory changes: `sqlx::migrate!`
//! reads the directory at compile time, and without this an incremental build would not
//! notice a newly added migration.

fn main() {
    println!("cargo::rerun-if-changed=.");
}
