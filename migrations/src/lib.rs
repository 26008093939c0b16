//! The schema as one embedded [`MIGRATOR`]: the `*.sql` files beside this crate's manifest,
//! applied in order by every role at start-up (concurrent start-ups are serialised by sqlx's
//! migration lock) and by every database test (`#[sqlx::test(migrator = …)]`), so that tests
//! and servers can never run against different schemas.
#![forbid(unsafe_code)]

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

#[cfg(test)]
mod tests {
    #[test]
    fn every_sql_file_is_a_migration_and_nothing_else_is() {
        let files = std::fs::read_dir(env!("CARGO_MANIFEST_DIR"))
            .unwrap()
            .filter(|entry| entry.as_ref().unwrap().path().extension().is_some_and(|ext| ext == "sql"))
            .count();
        assert!(files > 0);
        assert_eq!(super::MIGRATOR.iter().count(), files);
    }
}
