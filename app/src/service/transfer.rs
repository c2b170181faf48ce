//! Moving a district up to the regional database: `otklik transfer --to postgres://…`
//! copies every table of a SQLite deployment into an empty PostgreSQL database in one
//! transaction, keeping ids (so links, the journal and the deadlines still meet), then
//! checks each table's count. Sessions are not copied: users sign in again.

use crate::service::db::{connect, Db, DbError, Target};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{Postgres, QueryBuilder, Row};

/// The tables, parents before children (the foreign keys hold at every insert).
pub const TABLES: &[&str] = &[
    "administrations",
    "departments",
    "users",
    "api_tokens",
    "account_events",
    "signin_pairs",
    "signin_addresses",
    "settings",
    "calendar_overrides",
    "topics",
    "messages",
    "drafts",
    "publications",
    "attachments",
    "deadlines",
    "journal",
    "deadline_alerts",
    "alerts",
    "email_outbox",
    "network_connections",
    "publish_outbox",
];

/// Rows per `INSERT` (PostgreSQL takes at most 65,535 bound values per statement).
const BATCH: usize = 500;

/// Why a transfer stopped. Nothing is written to the target unless everything is.
#[derive(Debug, thiserror::Error)]
pub enum TransferError {
    /// The source is not SQLite, or the target is not PostgreSQL.
    #[error("{0}")]
    Backends(&'static str),
    /// The target already holds a deployment.
    #[error("the target database is not empty ({table} has {rows} rows); transfer only into a new, empty database")]
    NotEmpty {
        /// The first table found with rows.
        table: &'static str,
        /// Its rows.
        rows: i64,
    },
    /// A table's count differs after the copy (the transaction was rolled back).
    #[error("{table}: {source_rows} rows in the source, {target_rows} in the target; nothing was committed")]
    Count {
        /// The table.
        table: &'static str,
        /// Rows in SQLite.
        source_rows: i64,
        /// Rows in PostgreSQL.
        target_rows: i64,
    },
    /// A column type this copy does not know (a schema change without a transfer update).
    #[error("{table}.{column}: unsupported column type {kind}")]
    ColumnType {
        /// The table.
        table: &'static str,
        /// The column.
        column: String,
        /// PostgreSQL's `data_type`.
        kind: String,
    },
    /// A database could not be opened.
    #[error(transparent)]
    Open(#[from] DbError),
    /// A statement failed.
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
}

/// One table's copy, for progress and the summary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Copied {
    /// The table.
    pub table: &'static str,
    /// Rows copied (and counted equal on both sides).
    pub rows: i64,
}

#[derive(Clone, Copy)]
enum Kind {
    Int,
    Text,
    Bool,
    Time,
    Date,
}

enum Value {
    Int(Option<i64>),
    Text(Option<String>),
    Bool(Option<bool>),
    Time(Option<DateTime<Utc>>),
    Date(Option<NaiveDate>),
}

/// Copies the SQLite deployment of `from` into the empty PostgreSQL database `to_url`.
/// `progress` is told each table when it is done.
pub async fn transfer(
    from: &Target,
    to_url: &str,
    mut progress: impl FnMut(&Copied),
) -> Result<Vec<Copied>, TransferError> {
    let source =
        match connect(from).await? {
            Db::Sqlite(p) => p,
            Db::Postgres(_) => return Err(TransferError::Backends(
                "the source must be a SQLite deployment (--data-dir or --database-url sqlite://…)",
            )),
        };
    let target = Target {
        url: Some(to_url.to_owned()),
        ..from.clone()
    };
    let pg = match connect(&target).await? {
        Db::Postgres(p) => p,
        Db::Sqlite(_) => {
            return Err(TransferError::Backends(
                "the target must be PostgreSQL (--to postgres://…)",
            ))
        }
    };
    let mut tx = pg.begin().await?;
    for &table in TABLES {
        let rows: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&mut *tx)
            .await?;
        // A new database holds the administration its migration creates, and nothing
        // else: that one is replaced by the source's.
        let fresh = match table {
            "administrations" => 1,
            // Its default topic catalogue.
            "topics" => crate::domain::topic::DEFAULT_TOPICS.len() as i64,
            _ => 0,
        };
        if rows > fresh {
            return Err(TransferError::NotEmpty { table, rows });
        }
    }
    sqlx::query("DELETE FROM topics").execute(&mut *tx).await?;
    sqlx::query("DELETE FROM administrations")
        .execute(&mut *tx)
        .await?;
    // The journal is append-only for the application; a transfer only appends too.
    let mut done = Vec::with_capacity(TABLES.len());
    for &table in TABLES {
        let columns = columns(&mut tx, table).await?;
        let names = columns
            .iter()
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let select = format!("SELECT {names} FROM {table} ORDER BY rowid");
        let mut rows = sqlx::query(&select).fetch_all(&source).await?.into_iter();
        loop {
            let batch: Vec<_> = rows.by_ref().take(BATCH).collect();
            if batch.is_empty() {
                break;
            }
            let mut q: QueryBuilder<Postgres> =
                QueryBuilder::new(format!("INSERT INTO {table} ({names}) "));
            let mut values = Vec::with_capacity(batch.len());
            for row in &batch {
                let mut one = Vec::with_capacity(columns.len());
                for (i, (_, kind)) in columns.iter().enumerate() {
                    one.push(match kind {
                        Kind::Int => Value::Int(row.try_get(i)?),
                        Kind::Text => Value::Text(row.try_get(i)?),
                        Kind::Bool => Value::Bool(row.try_get(i)?),
                        Kind::Time => Value::Time(row.try_get(i)?),
                        Kind::Date => Value::Date(row.try_get(i)?),
                    });
                }
                values.push(one);
            }
            q.push_values(values, |mut b, row| {
                for v in row {
                    match v {
                        Value::Int(v) => b.push_bind(v),
                        Value::Text(v) => b.push_bind(v),
                        Value::Bool(v) => b.push_bind(v),
                        Value::Time(v) => b.push_bind(v),
                        Value::Date(v) => b.push_bind(v),
                    };
                }
            });
            q.build().execute(&mut *tx).await?;
        }
        if columns.iter().any(|(n, _)| n == "id") {
            // The identity continues after the copied ids.
            sqlx::query(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                 COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            ))
            .execute(&mut *tx)
            .await?;
        }
        let count = format!("SELECT COUNT(*) FROM {table}");
        let source_rows: i64 = sqlx::query_scalar(&count).fetch_one(&source).await?;
        let target_rows: i64 = sqlx::query_scalar(&count).fetch_one(&mut *tx).await?;
        if source_rows != target_rows {
            return Err(TransferError::Count {
                table,
                source_rows,
                target_rows,
            });
        }
        let copied = Copied {
            table,
            rows: target_rows,
        };
        progress(&copied);
        done.push(copied);
    }
    tx.commit().await?;
    source.close().await;
    pg.close().await;
    Ok(done)
}

/// The target table's stored columns (not the generated search vector) and their kinds.
async fn columns(
    tx: &mut sqlx::PgConnection,
    table: &'static str,
) -> Result<Vec<(String, Kind)>, TransferError> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT column_name::text, data_type::text FROM information_schema.columns \
         WHERE table_schema = current_schema() AND table_name = $1 AND is_generated = 'NEVER' \
         ORDER BY ordinal_position",
    )
    .bind(table)
    .fetch_all(&mut *tx)
    .await?;
    rows.into_iter()
        .map(|(column, kind)| {
            let k = match kind.as_str() {
                "bigint" | "integer" => Kind::Int,
                "text" => Kind::Text,
                "boolean" => Kind::Bool,
                "timestamp with time zone" => Kind::Time,
                "date" => Kind::Date,
                _ => {
                    return Err(TransferError::ColumnType {
                        table,
                        column,
                        kind,
                    })
                }
            };
            Ok((column, k))
        })
        .collect()
}
