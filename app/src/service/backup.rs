//! Backups of a deployment: a consistent copy of the database and the uploaded files it
//! refers to, with a manifest of every file's size and SHA-256; and the restore, which
//! verifies all of them before it writes anything and checks the result.
//!
//! Layout of a backup directory (the same as a data directory, plus the manifest):
//! `otklik.db`, `files/<2 hex>/<sha256>`, `manifest.json`.

use crate::on_db;
use crate::service::attachments::file_path;
use crate::service::db::Db;
use crate::service::db::{database_path, DbError};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};

/// The manifest's file name inside a backup directory.
pub const MANIFEST: &str = "manifest.json";
/// The manifest format this version writes and reads.
pub const FORMAT: u32 = 1;
/// The database's name inside a backup directory (as in a data directory).
const DATABASE: &str = "otklik.db";

/// What a backup holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// [`FORMAT`].
    pub format: u32,
    /// When the backup was taken.
    pub created_at: DateTime<Utc>,
    /// Every file of the backup but the manifest, the database first.
    pub files: Vec<ManifestEntry>,
}

/// One file of a backup.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestEntry {
    /// Relative path with `/` separators: `otklik.db` or `files/ab/ab…`.
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256, lowercase hex.
    pub sha256: String,
}

impl Manifest {
    /// Total bytes of the files.
    pub fn bytes(&self) -> u64 {
        self.files.iter().map(|f| f.size).sum()
    }
}

/// Why a backup or a restore failed (English: the command line prints it).
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The target exists and is not an empty directory.
    #[error("{0} is not empty; choose a new directory")]
    NotEmpty(PathBuf),
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The database refused a statement.
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    /// The restored database could not be opened or migrated.
    #[error(transparent)]
    Open(#[from] DbError),
    /// `pg_dump` is not installed, or it failed.
    #[error("{0}")]
    PgDump(String),
    /// The manifest is missing or not ours.
    #[error("manifest {path}: {reason}")]
    Manifest {
        /// The manifest file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A file does not have the size or hash the manifest (or its name) says.
    #[error("{path}: {what}")]
    Mismatch {
        /// The file.
        path: PathBuf,
        /// What differs.
        what: String,
    },
    /// The restored database failed its checks.
    #[error("restored database: {0}")]
    Check(String),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BackupError + '_ {
    move |source| BackupError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Creates `dir` if missing; refuses one that has anything in it.
fn empty_dir(dir: &Path) -> Result<(), BackupError> {
    if dir.exists() {
        let mut entries = std::fs::read_dir(dir).map_err(io(dir))?;
        if entries.next().is_some() {
            return Err(BackupError::NotEmpty(dir.to_path_buf()));
        }
    }
    std::fs::create_dir_all(dir).map_err(io(dir))
}

/// Copies `from` to `to` (a new file), returning size and SHA-256 of what was copied,
/// and syncs the copy to the disk.
fn copy_hashing(from: &Path, to: &Path) -> Result<(u64, String), BackupError> {
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent).map_err(io(parent))?;
    }
    let mut src = std::fs::File::open(from).map_err(io(from))?;
    let mut dst = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(to)
        .map_err(io(to))?;
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = src.read(&mut buf).map_err(io(from))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        dst.write_all(&buf[..n]).map_err(io(to))?;
        size += n as u64;
    }
    dst.sync_all().map_err(io(to))?;
    Ok((size, hex::encode(hasher.finalize())))
}

/// Size and SHA-256 of a file.
fn hash_file(path: &Path) -> Result<(u64, String), BackupError> {
    let mut file = std::fs::File::open(path).map_err(io(path))?;
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf).map_err(io(path))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        size += n as u64;
    }
    Ok((size, hex::encode(hasher.finalize())))
}

/// Syncs a directory, so that the names of the files just written in it survive a power
/// loss too.
fn sync_dir(dir: &Path) -> Result<(), BackupError> {
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io(dir))
}

/// The relative path of an attachment's file (`files/ab/ab…`).
fn attachment_entry_path(sha256: &str) -> String {
    format!("files/{}/{sha256}", &sha256[..2])
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, BackupError> + Send + 'static,
) -> Result<T, BackupError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| BackupError::Io {
            path: PathBuf::new(),
            source: std::io::Error::other(e.to_string()),
        })?
}

/// Writes a backup of the deployment in `data_dir` (whose database `pool` is) into `to`,
/// a new or empty directory, while the server may be running: the database through
/// `VACUUM INTO` (one read transaction: a consistent copy), then every uploaded file the
/// database refers to, checked against its hash, then the manifest. Files are listed
/// after the copy and nothing is ever deleted, so every file the copy refers to is in.
pub async fn backup(
    pool: &Db,
    data_dir: &Path,
    to: &Path,
    now: DateTime<Utc>,
) -> Result<Manifest, BackupError> {
    empty_dir(to)?;
    let db_copy = to.join(DATABASE);
    on_db!(pool, p => sqlx::query("VACUUM INTO ?")
        .bind(db_copy.display().to_string())
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
    let shas: Vec<String> = on_db!(pool, p => sqlx::query_scalar("SELECT DISTINCT sha256 FROM attachments ORDER BY sha256")
            .fetch_all(p)
            .await)?;
    let mut sources = Vec::with_capacity(shas.len());
    for sha in shas {
        let src = file_path(data_dir, &sha).map_err(|_| BackupError::Mismatch {
            path: PathBuf::from(&sha),
            what: "not a SHA-256 file name in the database".to_owned(),
        })?;
        sources.push((sha, src));
    }
    let to = to.to_path_buf();
    blocking(move || {
        let (size, sha256) = hash_file(&db_copy)?;
        std::fs::File::open(&db_copy)
            .and_then(|f| f.sync_all())
            .map_err(io(&db_copy))?;
        let mut files = vec![ManifestEntry {
            path: DATABASE.to_owned(),
            size,
            sha256,
        }];
        for (sha, src) in sources {
            let rel = attachment_entry_path(&sha);
            let (size, got) = copy_hashing(&src, &to.join(&rel))?;
            if got != sha {
                return Err(BackupError::Mismatch {
                    path: src,
                    what: format!("content hash is {got}, its name says {sha}"),
                });
            }
            files.push(ManifestEntry {
                path: rel,
                size,
                sha256: sha,
            });
        }
        let manifest = Manifest {
            format: FORMAT,
            created_at: now,
            files,
        };
        let path = to.join(MANIFEST);
        let tmp = to.join(".manifest.json.tmp");
        let json = serde_json::to_vec_pretty(&manifest).map_err(|e| BackupError::Manifest {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        let mut file = std::fs::File::create(&tmp).map_err(io(&tmp))?;
        file.write_all(&json).map_err(io(&tmp))?;
        file.sync_all().map_err(io(&tmp))?;
        std::fs::rename(&tmp, &path).map_err(io(&path))?;
        for dir in walk_dirs(&to)? {
            sync_dir(&dir)?;
        }
        Ok(manifest)
    })
    .await
}

/// `dir` and every directory below it.
fn walk_dirs(dir: &Path) -> Result<Vec<PathBuf>, BackupError> {
    let mut out = vec![dir.to_path_buf()];
    let mut i = 0;
    while i < out.len() {
        let current = out[i].clone();
        for entry in std::fs::read_dir(&current).map_err(io(&current))? {
            let path = entry.map_err(io(&current))?.path();
            if path.is_dir() {
                out.push(path);
            }
        }
        i += 1;
    }
    Ok(out)
}

/// Reads and checks the manifest of the backup in `from`.
pub fn read_manifest(from: &Path) -> Result<Manifest, BackupError> {
    let path = from.join(MANIFEST);
    let bad = |reason: String| BackupError::Manifest {
        path: path.clone(),
        reason,
    };
    let bytes = std::fs::read(&path).map_err(io(&path))?;
    let manifest: Manifest = serde_json::from_slice(&bytes).map_err(|e| bad(e.to_string()))?;
    if manifest.format != FORMAT {
        return Err(bad(format!(
            "format {} (this version reads {FORMAT})",
            manifest.format
        )));
    }
    if manifest.files.first().map(|f| f.path.as_str()) != Some(DATABASE) {
        return Err(bad(format!("the first entry must be {DATABASE}")));
    }
    for entry in &manifest.files {
        let valid_name = entry.path == DATABASE
            || (file_path(Path::new(""), &entry.sha256).is_ok()
                && entry.path == attachment_entry_path(&entry.sha256));
        let plain = Path::new(&entry.path)
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
        if !valid_name || !plain {
            return Err(bad(format!("unexpected entry {:?}", entry.path)));
        }
    }
    Ok(manifest)
}

/// What a restore did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Restored {
    /// The manifest restored.
    pub manifest: Manifest,
    /// Attachments recorded in the restored database.
    pub attachments: i64,
}

/// Restores the backup in `from` into `data_dir`, a new or empty directory: verifies
/// every file of the manifest (size and SHA-256) before anything is written, copies them
/// (hashing again while copying), then opens the database (migrating a backup of an
/// older version), runs `PRAGMA integrity_check` and checks that every attachment the
/// database records has its file.
pub async fn restore(from: &Path, data_dir: &Path) -> Result<Restored, BackupError> {
    let manifest = read_manifest(from)?;
    {
        let (from, data_dir, manifest) =
            (from.to_path_buf(), data_dir.to_path_buf(), manifest.clone());
        blocking(move || {
            for entry in &manifest.files {
                let path = from.join(&entry.path);
                let (size, sha256) = hash_file(&path)?;
                if size != entry.size || sha256 != entry.sha256 {
                    return Err(BackupError::Mismatch {
                        path,
                        what: format!(
                            "{size} bytes with SHA-256 {sha256}; the manifest says {} bytes with {}",
                            entry.size, entry.sha256
                        ),
                    });
                }
            }
            empty_dir(&data_dir)?;
            for entry in &manifest.files {
                let src = from.join(&entry.path);
                let dst = if entry.path == DATABASE {
                    database_path(&data_dir)
                } else {
                    data_dir.join(&entry.path)
                };
                let (size, sha256) = copy_hashing(&src, &dst)?;
                if size != entry.size || sha256 != entry.sha256 {
                    return Err(BackupError::Mismatch {
                        path: src,
                        what: "changed while it was being restored".to_owned(),
                    });
                }
            }
            for dir in walk_dirs(&data_dir)? {
                sync_dir(&dir)?;
            }
            Ok(())
        })
        .await?;
    }
    let pool = crate::service::db::open(data_dir).await?;
    let checked = check_restored(&pool, data_dir).await;
    pool.close().await;
    let attachments = checked?;
    Ok(Restored {
        manifest,
        attachments,
    })
}

/// `PRAGMA integrity_check`, and every attachment row's file present with its size.
async fn check_restored(pool: &Db, data_dir: &Path) -> Result<i64, BackupError> {
    let integrity: Vec<String> = on_db!(pool, p => sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(p)
        .await)?;
    if integrity != ["ok"] {
        return Err(BackupError::Check(format!(
            "integrity_check: {}",
            integrity.join("; ")
        )));
    }
    let rows: Vec<(i64, String, i64)> = on_db!(pool, p => sqlx::query_as("SELECT id, sha256, size FROM attachments ORDER BY id")
            .fetch_all(p)
            .await)?;
    for (id, sha, size) in &rows {
        let path = file_path(data_dir, sha)
            .map_err(|_| BackupError::Check(format!("attachment {id} has no valid file name")))?;
        let on_disk = std::fs::metadata(&path).map(|m| m.len()).ok();
        if on_disk != u64::try_from(*size).ok() {
            return Err(BackupError::Check(format!(
                "attachment {id}: file {} missing or of another size",
                path.display()
            )));
        }
    }
    Ok(rows.len() as i64)
}

/// What to do to restore a PostgreSQL deployment (printed by `otklik restore` with a
/// PostgreSQL URL: its backups are `pg_dump` archives).
pub const PG_RESTORE_HINT: &str = "a PostgreSQL deployment is restored with pg_restore: \
    createdb NEW && pg_restore --no-owner --dbname=NEW FILE, then copy the files volume back \
    (see the README, \"Region deployment\")";

/// The parts of a PostgreSQL URL `pg_dump` gets: the URL without its password (argument)
/// and the password (environment, so it never shows in the process list).
fn split_password(url: &str) -> Result<(String, Option<String>), BackupError> {
    let mut parsed =
        url::Url::parse(url).map_err(|e| BackupError::PgDump(format!("database URL: {e}")))?;
    let password = parsed.password().map(|p| {
        percent_encoding::percent_decode_str(p)
            .decode_utf8_lossy()
            .into_owned()
    });
    parsed
        .set_password(None)
        .map_err(|()| BackupError::PgDump("database URL: no host".into()))?;
    Ok((parsed.to_string(), password))
}

/// The command a PostgreSQL backup runs, for the message when `pg_dump` is missing.
fn pg_dump_hint(to: &Path, files: &Path) -> String {
    format!(
        "pg_dump is not installed here; on a machine with PostgreSQL's client tools run: \
         pg_dump --format=custom --file {} \"$OTKLIK_DATABASE_URL\", and copy {} (the \
         uploaded files) beside it",
        to.display(),
        files.display()
    )
}

/// Backs up a PostgreSQL deployment with `pg_dump --format=custom` into the new file `to`
/// (a consistent snapshot, safe while the instances run). Says what to run when
/// `pg_dump` is not installed. Returns a line to print.
pub fn pg_dump(url: &str, data_dir: &Path, to: &Path) -> Result<String, BackupError> {
    let files = data_dir.join("files");
    if to.exists() {
        return Err(BackupError::NotEmpty(to.to_path_buf()));
    }
    let (url, password) = split_password(url)?;
    let mut cmd = std::process::Command::new("pg_dump");
    cmd.arg("--format=custom")
        .arg("--no-owner")
        .arg("--file")
        .arg(to)
        .arg("--dbname")
        .arg(&url);
    if let Some(p) = password {
        cmd.env("PGPASSWORD", p);
    }
    let out = match cmd.output() {
        Ok(out) => out,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(BackupError::PgDump(pg_dump_hint(to, &files)))
        }
        Err(e) => return Err(BackupError::PgDump(format!("pg_dump: {e}"))),
    };
    if !out.status.success() {
        let _ = std::fs::remove_file(to);
        return Err(BackupError::PgDump(format!(
            "pg_dump failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    let size = std::fs::metadata(to).map(|m| m.len()).unwrap_or(0);
    Ok(format!(
        "backup written to {} by pg_dump --format=custom ({size} bytes); the uploaded files \
         are in {}: back up that volume too",
        to.display(),
        files.display()
    ))
}

#[cfg(test)]
mod pg_tests {
    use super::*;

    #[test]
    fn the_password_goes_to_the_environment_not_the_arguments() {
        let (url, pw) =
            split_password("postgres://otklik:s%40cret@db.local:5433/region").unwrap_or_default();
        assert_eq!(url, "postgres://otklik@db.local:5433/region");
        assert_eq!(pw.as_deref(), Some("s@cret"));
        let (url, pw) = split_password("postgres://db.local/region").unwrap_or_default();
        assert_eq!(url, "postgres://db.local/region");
        assert_eq!(pw, None);
    }
}
