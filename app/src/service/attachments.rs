//! Uploaded files: checked by content, stored by hash under the data directory.
//!
//! The type of a file is decided only by its first bytes (`infer`), never by its name or
//! the browser's `Content-Type`. The name the user gave is kept as a display label and
//! never touches the file system: files live at `DATA_DIR/files/<2 hex>/<sha256>`.

use super::messages::Caller;
use crate::domain::ids::{MessageId, UserId};
use crate::domain::role::Role;
use crate::error::AppError;
use crate::on_db;
use crate::service::db::Db;
use chrono::{DateTime, SubsecRound, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::io::AsyncWriteExt;

/// Settings key of the upload limits (JSON of [`UploadLimits`]).
pub const UPLOADS_KEY: &str = "uploads";

const MIB: u64 = 1024 * 1024;

/// The longest display name kept, in characters.
const MAX_NAME_CHARS: usize = 200;

/// What the file system is told instead of an empty or unusable name.
const FALLBACK_NAME: &str = "файл";

/// Content types accepted, as `infer` names them; everything else is refused.
const IMAGE_TYPES: &[&str] = &["image/jpeg", "image/png", "image/gif", "image/webp"];
const VIDEO_TYPES: &[&str] = &["video/mp4", "video/quicktime", "video/webm"];

/// Upload limits (settings key "uploads", JSON; defaults when absent).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UploadLimits {
    /// The largest photo, in bytes (default 10 MiB).
    pub max_image_bytes: u64,
    /// The largest video, in bytes (default 100 MiB).
    pub max_video_bytes: u64,
}

impl Default for UploadLimits {
    fn default() -> Self {
        Self {
            max_image_bytes: 10 * MIB,
            max_video_bytes: 100 * MIB,
        }
    }
}

/// The deployment's upload limits (defaults until an admin changes them).
pub async fn upload_limits(pool: &Db) -> Result<UploadLimits, AppError> {
    super::settings::get(pool, super::settings::Layer::Region, UPLOADS_KEY).await
}

/// A stored attachment (row of `attachments`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Attachment {
    /// The attachment's id.
    pub id: i64,
    /// The message it belongs to.
    pub message_id: MessageId,
    /// The draft it was attached to, if any.
    pub draft_id: Option<i64>,
    /// SHA-256 of the content, lowercase hex: the file's name on disk.
    pub sha256: String,
    /// The content type found from the content.
    pub mime: String,
    /// Size in bytes.
    pub size: i64,
    /// The name the uploader gave, cleaned: a display label only.
    pub original_name: String,
    /// When it was uploaded.
    pub uploaded_at: DateTime<Utc>,
}

const SELECT_ATTACHMENT: &str = "SELECT id, message_id, draft_id, sha256, mime, size, \
     original_name, uploaded_at FROM attachments";

/// Where the file with this hash lives: `data_dir/files/<first 2 hex>/<sha256>`.
/// Anything but 64 lowercase hex digits is refused, so no input can leave that folder.
pub fn file_path(data_dir: &Path, sha256: &str) -> Result<PathBuf, AppError> {
    let valid = sha256.len() == 64
        && sha256
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if !valid {
        tracing::error!(sha256 = %sha256.escape_debug(), "not a SHA-256 hex digest");
        return Err(AppError::Internal);
    }
    Ok(data_dir.join("files").join(&sha256[..2]).join(sha256))
}

/// One attachment by id.
pub async fn get(pool: &Db, id: i64) -> Result<Attachment, AppError> {
    on_db!(pool, p => sqlx::query_as(&format!("{SELECT_ATTACHMENT} WHERE id = $1"))
        .bind(id)
        .fetch_optional(p)
        .await)?
    .ok_or_else(|| AppError::NotFound(format!("Файл №{id} не найден")))
}

/// The attachments of a message, in upload order.
pub async fn for_message(pool: &Db, message: MessageId) -> Result<Vec<Attachment>, AppError> {
    Ok(on_db!(pool, p => sqlx::query_as(&format!(
        "{SELECT_ATTACHMENT} WHERE message_id = $1 ORDER BY id"
    ))
    .bind(message)
    .fetch_all(p)
    .await)?)
}

/// Photo or video: which limit applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Image,
    Video,
}

/// The content type by magic bytes, if it is one we accept.
fn sniff(bytes: &[u8]) -> Option<(&'static str, Kind)> {
    let mime = infer::get(bytes)?.mime_type();
    if let Some(m) = IMAGE_TYPES.iter().find(|m| **m == mime) {
        // `infer` recognises WebP by bytes 8..12 alone; a real one is a RIFF container.
        if *m == "image/webp" && !bytes.starts_with(b"RIFF") {
            return None;
        }
        return Some((*m, Kind::Image));
    }
    VIDEO_TYPES
        .iter()
        .find(|m| **m == mime)
        .map(|m| (*m, Kind::Video))
}

/// Characters that reorder text (used to disguise `gpj.exe` as `exe.jpg`).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The uploader's file name as a display label: last path component, no control
/// characters, trimmed, at most 200 characters, never empty.
fn display_name(original: &str) -> String {
    let base = original.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = base
        .chars()
        .filter(|c| !c.is_control() && !is_bidi_control(*c))
        .collect();
    let name: String = clean.trim().chars().take(MAX_NAME_CHARS).collect();
    let name = name.trim_end();
    if name.is_empty() {
        FALLBACK_NAME.to_owned()
    } else {
        name.to_owned()
    }
}

/// A byte count as whole megabytes, or with one decimal (Russian comma) when not whole.
fn megabytes(bytes: u64) -> String {
    if bytes.is_multiple_of(MIB) {
        (bytes / MIB).to_string()
    } else {
        format!("{:.1}", bytes as f64 / MIB as f64).replace('.', ",")
    }
}

fn io_error(what: &str, path: &Path, e: &std::io::Error) -> AppError {
    tracing::error!(error = %e, path = %path.display(), "{what}");
    AppError::Internal
}

/// May `caller` attach files to a message assigned to `assignee`?
fn check_may_upload(caller: &Caller, assignee: Option<UserId>) -> Result<(), AppError> {
    match caller.role {
        Role::Coordinator | Role::Authority => Ok(()),
        Role::Executor if caller.user.is_some() && caller.user == assignee => Ok(()),
        Role::Executor => Err(AppError::Forbidden(
            "Файлы к сообщению прикладывает назначенный исполнитель".to_owned(),
        )),
        Role::Admin | Role::Observer | Role::RegionalObserver => Err(AppError::Forbidden(format!(
            "Роль «{}» не может прикладывать файлы",
            caller.role.label()
        ))),
    }
}

/// Refuses an upload to `message` by `caller` before any of it is read: 404 for no such
/// message (or another administration's), 403 for a caller who may not attach files to it.
pub async fn check_upload(pool: &Db, message: MessageId, caller: &Caller) -> Result<(), AppError> {
    let assignee: Option<Option<UserId>> = on_db!(pool, p => sqlx::query_scalar(
        "SELECT assignee_id FROM messages WHERE id = $1 \
         AND ($2 IS NULL OR administration_id = $2)",
    )
    .bind(message)
    .bind(caller.scope().only())
    .fetch_optional(p)
    .await)?;
    let Some(assignee) = assignee else {
        return Err(crate::service::messages::query::not_found(message));
    };
    check_may_upload(caller, assignee)
}

/// Where files being received are written until they are complete.
fn incoming_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("files").join(".incoming")
}

/// Removes what an interrupted process left in the incoming folder (at start-up, before
/// any upload runs).
pub fn clean_incoming(data_dir: &Path) {
    let Ok(entries) = std::fs::read_dir(incoming_dir(data_dir)) else {
        return;
    };
    for entry in entries.flatten() {
        // Best effort: a leftover is only wasted space.
        let _ = std::fs::remove_file(entry.path());
    }
}

/// How much of the start of a file decides its type.
const SNIFF_BYTES: usize = 8192;

/// A file being received: streamed to a temporary file under the data directory (never
/// held in memory) and hashed on the way, its type decided from its first bytes and its
/// size checked against the limit as it grows. Dropped unfinished, the temporary file is
/// removed.
pub struct Incoming {
    name: String,
    limits: UploadLimits,
    path: PathBuf,
    file: Option<tokio::fs::File>,
    hasher: Sha256,
    size: u64,
    head: Vec<u8>,
    kind: Option<(&'static str, Kind)>,
}

impl Incoming {
    /// Starts receiving a file the uploader named `original_name`.
    pub async fn start(
        data_dir: &Path,
        limits: UploadLimits,
        original_name: &str,
    ) -> Result<Self, AppError> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let dir = incoming_dir(data_dir);
        tokio::fs::create_dir_all(&dir)
            .await
            .map_err(|e| io_error("cannot create the incoming folder", &dir, &e))?;
        let path = dir.join(format!(
            "{}-{}.part",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let file = tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .await
            .map_err(|e| io_error("cannot create an incoming file", &path, &e))?;
        Ok(Self {
            name: display_name(original_name),
            limits,
            path,
            file: Some(file),
            hasher: Sha256::new(),
            size: 0,
            head: Vec::new(),
            kind: None,
        })
    }

    fn not_media(&self) -> AppError {
        AppError::validation(
            "file",
            format!(
                "Файл «{}» не является фото или видео \
                 (допустимы JPEG, PNG, GIF, WebP, MP4, MOV, WebM)",
                self.name
            ),
        )
    }

    /// The limit that applies: the kind's once known, the larger one before.
    fn limit(&self) -> u64 {
        match self.kind {
            Some((_, Kind::Image)) => self.limits.max_image_bytes,
            Some((_, Kind::Video)) => self.limits.max_video_bytes,
            None => self.limits.max_image_bytes.max(self.limits.max_video_bytes),
        }
    }

    fn check_size(&self) -> Result<(), AppError> {
        let limit = self.limit();
        if self.size > limit {
            return Err(AppError::validation(
                "file",
                format!(
                    "Файл «{}» больше допустимых {} МБ",
                    self.name,
                    megabytes(limit)
                ),
            ));
        }
        Ok(())
    }

    /// Decides the type from the first bytes; refuses anything but a photo or video.
    fn decide_kind(&mut self) -> Result<(), AppError> {
        if self.kind.is_none() {
            self.kind = Some(sniff(&self.head).ok_or_else(|| self.not_media())?);
        }
        Ok(())
    }

    /// Takes the next piece of the file.
    pub async fn push(&mut self, chunk: &[u8]) -> Result<(), AppError> {
        self.size += chunk.len() as u64;
        if self.head.len() < SNIFF_BYTES {
            let take = (SNIFF_BYTES - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
            if self.head.len() >= SNIFF_BYTES {
                self.decide_kind()?;
            }
        }
        self.check_size()?;
        self.hasher.update(chunk);
        let Some(file) = self.file.as_mut() else {
            return Err(AppError::Internal);
        };
        file.write_all(chunk)
            .await
            .map_err(|e| io_error("cannot write an incoming file", &self.path, &e))
    }

    /// The whole file has arrived: checks it, puts it under its hash (an existing file of
    /// that content stays) and records it for `message`. The caller's right is checked
    /// again: the message may have been reassigned meanwhile.
    pub async fn finish(
        mut self,
        pool: &Db,
        data_dir: &Path,
        message: MessageId,
        caller: &Caller,
        now: DateTime<Utc>,
    ) -> Result<Attachment, AppError> {
        check_upload(pool, message, caller).await?;
        if self.size == 0 {
            return Err(AppError::validation("file", "Файл пустой"));
        }
        self.decide_kind()?;
        self.check_size()?;
        let Some((mime, _)) = self.kind else {
            return Err(self.not_media());
        };
        let size = i64::try_from(self.size).map_err(|_| {
            tracing::error!(size = self.size, "attachment size does not fit i64");
            AppError::Internal
        })?;
        let Some(mut file) = self.file.take() else {
            return Err(AppError::Internal);
        };
        let synced = async {
            file.flush().await?;
            file.sync_all().await
        }
        .await;
        drop(file);
        synced.map_err(|e| io_error("cannot write an incoming file", &self.path, &e))?;
        let sha256 = hex::encode(std::mem::take(&mut self.hasher).finalize());
        let path = file_path(data_dir, &sha256)?;
        put_in_place(&self.path, &path, self.size).await?;

        let uploaded_at = now.trunc_subsecs(0);
        let id: i64 = on_db!(pool, p => sqlx::query_scalar(
            "INSERT INTO attachments (message_id, draft_id, sha256, mime, size, original_name, uploaded_by, uploaded_at) \
             VALUES ($1, NULL, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(message)
        .bind(&sha256)
        .bind(mime)
        .bind(size)
        .bind(&self.name)
        .bind(caller.user)
        .bind(uploaded_at)
        .fetch_one(p)
        .await)?;
        tracing::info!(attachment = id, %message, %sha256, mime, size, "attachment stored");
        Ok(Attachment {
            id,
            message_id: message,
            draft_id: None,
            sha256,
            mime: mime.to_owned(),
            size,
            original_name: std::mem::take(&mut self.name),
            uploaded_at,
        })
    }
}

impl Drop for Incoming {
    fn drop(&mut self) {
        // Finished or not, the temporary file goes (after `finish` it was renamed away).
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Moves a complete temporary file to its place under its hash; when a file of the same
/// content is there already, it stays (same name = same content).
async fn put_in_place(tmp: &Path, path: &Path, size: u64) -> Result<(), AppError> {
    if let Ok(meta) = tokio::fs::metadata(path).await {
        if meta.is_file() && meta.len() == size {
            return Ok(());
        }
    }
    let dir = path.parent().ok_or_else(|| {
        tracing::error!(path = %path.display(), "attachment path has no parent");
        AppError::Internal
    })?;
    tokio::fs::create_dir_all(dir)
        .await
        .map_err(|e| io_error("cannot create attachment folder", dir, &e))?;
    tokio::fs::rename(tmp, path)
        .await
        .map_err(|e| io_error("cannot move an attachment in place", path, &e))
}

/// Stores a photo or video held in memory for `message` (the streaming [`Incoming`] with
/// one piece): checks who uploads, the content type (by magic bytes only) and the size
/// limit. `original_name` is kept only as a label.
pub async fn store(
    pool: &Db,
    data_dir: &Path,
    message: MessageId,
    original_name: &str,
    bytes: &[u8],
    caller: &Caller,
    now: DateTime<Utc>,
) -> Result<Attachment, AppError> {
    check_upload(pool, message, caller).await?;
    let limits = upload_limits(pool).await?;
    let mut incoming = Incoming::start(data_dir, limits, original_name).await?;
    incoming.push(bytes).await?;
    incoming.finish(pool, data_dir, message, caller, now).await
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed setup should panic
mod tests {
    use super::*;
    use crate::domain::network::Network;
    use crate::service::messages::intake::{intake, Intake, NewMessage};
    use chrono::TimeZone;

    /// Monday 16.03.2026 10:00 Moscow.
    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 16, 7, 0, 0).unwrap()
    }

    fn caller(role: Role, user: Option<UserId>) -> Caller {
        Caller {
            user,
            role,
            label: "test".to_owned(),
            department: None,
            administration: Some(crate::domain::ids::AdministrationId(1)),
        }
    }

    /// A PNG signature and an IHDR chunk for a 1×1 image.
    fn png() -> Vec<u8> {
        let mut b = vec![0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        b.extend_from_slice(&[0, 0, 0, 13]);
        b.extend_from_slice(b"IHDR");
        b.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
        b.extend_from_slice(&[0x90, 0x77, 0x53, 0xDE]);
        b
    }

    /// A JPEG start (SOI + JFIF APP0) with some payload.
    fn jpeg(payload: usize) -> Vec<u8> {
        let mut b = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10];
        b.extend_from_slice(b"JFIF\0");
        b.extend(std::iter::repeat_n(0x42, payload));
        b
    }

    /// An MP4 `ftyp` box (brand isom).
    fn mp4() -> Vec<u8> {
        let mut b = vec![0, 0, 0, 0x20];
        b.extend_from_slice(b"ftypisom");
        b.extend_from_slice(&[0, 0, 2, 0]);
        b.extend_from_slice(b"isomiso2avc1mp41");
        b
    }

    struct World {
        _dir: tempfile::TempDir,
        data: PathBuf,
        pool: crate::service::db::Db,
        message: MessageId,
    }

    async fn world() -> World {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().to_path_buf();
        let pool = crate::service::db::open(&data).await.unwrap();
        let ctx = crate::service::ctx::Ctx::load(&pool, &Default::default(), now())
            .await
            .unwrap();
        let msg = NewMessage {
            administration: None,
            external_id: "vk-1".into(),
            network: Network::Vk,
            url: "https://vk.com/wall-1_100".into(),
            author: "Мария Соколова".into(),
            author_url: None,
            text: "Когда починят дорогу?".into(),
            topic: None,
            detected_at: now(),
        };
        let authority = caller(Role::Authority, None);
        let message = match intake(&ctx, msg, &authority).await.unwrap() {
            Intake::Created(id) => id,
            Intake::Existing(_) => panic!("expected a new message"),
        };
        World {
            _dir: dir,
            data,
            pool,
            message,
        }
    }

    impl World {
        async fn store(
            &self,
            name: &str,
            bytes: &[u8],
            who: &Caller,
        ) -> Result<Attachment, AppError> {
            store(
                &self.pool,
                &self.data,
                self.message,
                name,
                bytes,
                who,
                now(),
            )
            .await
        }

        async fn user(&self, login: &str, role: Role) -> UserId {
            UserId(
                on_db!(&self.pool, p => sqlx::query_scalar(
                    "INSERT INTO users (login, full_name, role, password_hash, created_at, \
                                        administration_id) \
                     VALUES ($1, $2, $3, 'x', $4, $5) RETURNING id",
                )
                .bind(login)
                .bind(login)
                .bind(role)
                .bind(now())
                .bind((!role.is_regional()).then_some(crate::domain::ids::AdministrationId(1)))
                .fetch_one(p)
                .await)
                .unwrap(),
            )
        }

        /// Every regular file under `files/`, relative to the data directory.
        fn files_on_disk(&self) -> Vec<PathBuf> {
            fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
                for entry in std::fs::read_dir(dir).unwrap() {
                    let path = entry.unwrap().path();
                    if path.is_dir() {
                        walk(&path, out);
                    } else {
                        out.push(path);
                    }
                }
            }
            let mut out = Vec::new();
            walk(&self.data.join("files"), &mut out);
            out.sort();
            out
        }
    }

    fn validation_message(r: Result<Attachment, AppError>) -> String {
        match r {
            Err(AppError::Validation { field, message }) => {
                assert_eq!(field, "file");
                message
            }
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn png_is_stored_by_hash_and_read_back() {
        let w = world().await;
        let coordinator = caller(Role::Coordinator, None);
        let a = w.store("фото.png", &png(), &coordinator).await.unwrap();
        assert_eq!(a.mime, "image/png");
        assert_eq!(a.size, png().len() as i64);
        assert_eq!(a.original_name, "фото.png");
        assert_eq!(a.message_id, w.message);
        assert_eq!(a.draft_id, None);
        assert_eq!(a.uploaded_at, now());
        assert_eq!(a.sha256, hex::encode(Sha256::digest(png())));
        let path = file_path(&w.data, &a.sha256).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), png());
        assert_eq!(w.files_on_disk(), vec![path]);
        assert_eq!(get(&w.pool, a.id).await.unwrap(), a);
        assert_eq!(for_message(&w.pool, w.message).await.unwrap(), vec![a]);
    }

    #[tokio::test]
    async fn jpeg_and_mp4_are_recognised_by_content_not_name() {
        let w = world().await;
        let authority = caller(Role::Authority, None);
        let a = w
            .store("скриншот.txt", &jpeg(100), &authority)
            .await
            .unwrap();
        assert_eq!(a.mime, "image/jpeg");
        let v = w.store("clip.bin", &mp4(), &authority).await.unwrap();
        assert_eq!(v.mime, "video/mp4");
    }

    #[tokio::test]
    async fn exe_renamed_jpg_text_svg_and_html_are_refused() {
        let w = world().await;
        let coordinator = caller(Role::Coordinator, None);
        let mut exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xFF\xFF".to_vec();
        exe.extend(std::iter::repeat_n(0, 200));
        let cases: [(&str, &[u8]); 4] = [
            ("отчёт.jpg", &exe),
            ("notes.png", "Просто текст, не картинка".as_bytes()),
            (
                "logo.png",
                b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>",
            ),
            ("page.gif", b"<!DOCTYPE html><html><body>hi</body></html>"),
        ];
        for (name, bytes) in cases {
            assert_eq!(
                validation_message(w.store(name, bytes, &coordinator).await),
                format!(
                    "Файл «{name}» не является фото или видео \
                     (допустимы JPEG, PNG, GIF, WebP, MP4, MOV, WebM)"
                )
            );
        }
        // A WebP must be a RIFF container, not just "WEBP" at offset 8.
        let fake_webp = b"XXXXXXXXWEBPVP8 \0\0\0\0".to_vec();
        assert!(matches!(
            w.store("a.webp", &fake_webp, &coordinator).await,
            Err(AppError::Validation { .. })
        ));
        assert!(w.files_on_disk().is_empty());
        assert!(for_message(&w.pool, w.message).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn empty_file_is_refused() {
        let w = world().await;
        let coordinator = caller(Role::Coordinator, None);
        assert_eq!(
            validation_message(w.store("a.png", &[], &coordinator).await),
            "Файл пустой"
        );
    }

    #[tokio::test]
    async fn limits_come_from_settings_and_apply_by_kind() {
        let w = world().await;
        assert_eq!(
            upload_limits(&w.pool).await.unwrap(),
            UploadLimits::default()
        );
        assert_eq!(UploadLimits::default().max_image_bytes, 10 * 1024 * 1024);
        assert_eq!(UploadLimits::default().max_video_bytes, 100 * 1024 * 1024);
        on_db!(&w.pool, p => sqlx::query("INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)")
            .bind(UPLOADS_KEY)
            .bind(r#"{"max_image_bytes": 1048576, "max_video_bytes": 3145728}"#)
            .bind(now())
            .execute(p)
            .await
            .map(|r| r.rows_affected()))
            .unwrap();
        assert_eq!(
            upload_limits(&w.pool).await.unwrap(),
            UploadLimits {
                max_image_bytes: MIB,
                max_video_bytes: 3 * MIB
            }
        );
        let coordinator = caller(Role::Coordinator, None);
        let big = jpeg(MIB as usize);
        assert_eq!(
            validation_message(w.store("big.jpg", &big, &coordinator).await),
            "Файл «big.jpg» больше допустимых 1 МБ"
        );
        // Exactly at the limit is fine; a video of the same size is under its own limit.
        let at_limit = jpeg(MIB as usize - 11);
        assert_eq!(at_limit.len() as u64, MIB);
        w.store("ok.jpg", &at_limit, &coordinator).await.unwrap();
        let mut video = mp4();
        video.resize(2 * MIB as usize, 0);
        w.store("clip.mp4", &video, &coordinator).await.unwrap();
        video.resize(3 * MIB as usize + 1, 0);
        assert_eq!(
            validation_message(w.store("long.mp4", &video, &coordinator).await),
            "Файл «long.mp4» больше допустимых 3 МБ"
        );
        assert_eq!(megabytes(MIB + MIB / 2), "1,5");
    }

    #[tokio::test]
    async fn path_tricks_in_names_are_plain_labels() {
        let w = world().await;
        let coordinator = caller(Role::Coordinator, None);
        let a = w
            .store("../../etc/passwd.jpg", &jpeg(10), &coordinator)
            .await
            .unwrap();
        assert_eq!(a.original_name, "passwd.jpg");
        let b = w
            .store("C:\\x\\..\\evil.png", &png(), &coordinator)
            .await
            .unwrap();
        assert_eq!(b.original_name, "evil.png");
        let c = w
            .store("  ../\u{0}\n\u{202E}gpj.exe ", &jpeg(11), &coordinator)
            .await
            .unwrap();
        assert_eq!(c.original_name, "gpj.exe");
        let d = w.store("dir/", &jpeg(12), &coordinator).await.unwrap();
        assert_eq!(d.original_name, "файл");
        let e = w
            .store(&"я".repeat(300), &jpeg(13), &coordinator)
            .await
            .unwrap();
        assert_eq!(e.original_name.chars().count(), 200);
        let expected: Vec<PathBuf> = {
            let mut v: Vec<PathBuf> = [&a, &b, &c, &d, &e]
                .iter()
                .map(|x| file_path(&w.data, &x.sha256).unwrap())
                .collect();
            v.sort();
            v
        };
        assert_eq!(w.files_on_disk(), expected);
        assert!(!w.data.join("etc").exists());
        assert!(!w.data.join("files").join("evil.png").exists());
    }

    #[tokio::test]
    async fn same_content_twice_is_one_file_and_two_rows() {
        let w = world().await;
        let coordinator = caller(Role::Coordinator, None);
        let a = w.store("one.png", &png(), &coordinator).await.unwrap();
        let b = w.store("two.png", &png(), &coordinator).await.unwrap();
        assert_ne!(a.id, b.id);
        assert_eq!(a.sha256, b.sha256);
        assert_eq!(
            w.files_on_disk(),
            vec![file_path(&w.data, &a.sha256).unwrap()]
        );
        let names: Vec<String> = for_message(&w.pool, w.message)
            .await
            .unwrap()
            .into_iter()
            .map(|x| x.original_name)
            .collect();
        assert_eq!(names, ["one.png", "two.png"]);
    }

    #[tokio::test]
    async fn who_may_upload() {
        let w = world().await;
        let observer = caller(Role::Observer, None);
        assert_eq!(
            w.store("a.png", &png(), &observer).await,
            Err(AppError::Forbidden(
                "Роль «Наблюдатель» не может прикладывать файлы".into()
            ))
        );
        let admin = caller(Role::Admin, None);
        assert!(matches!(
            w.store("a.png", &png(), &admin).await,
            Err(AppError::Forbidden(_))
        ));
        let assigned = w.user("ivanov", Role::Executor).await;
        let other = w.user("petrov", Role::Executor).await;
        let not_yours = Err(AppError::Forbidden(
            "Файлы к сообщению прикладывает назначенный исполнитель".into(),
        ));
        // Nobody is assigned yet.
        let ivanov = caller(Role::Executor, Some(assigned));
        assert_eq!(w.store("a.png", &png(), &ivanov).await, not_yours);
        on_db!(&w.pool, p => sqlx::query("UPDATE messages SET assignee_id = $1 WHERE id = $2")
            .bind(assigned)
            .bind(w.message)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))
        .unwrap();
        let petrov = caller(Role::Executor, Some(other));
        assert_eq!(w.store("a.png", &png(), &petrov).await, not_yours);
        assert_eq!(
            w.store("a.png", &png(), &caller(Role::Executor, None))
                .await,
            not_yours
        );
        assert!(w.files_on_disk().is_empty());
        let a = w.store("a.png", &png(), &ivanov).await.unwrap();
        let by: Option<UserId> =
            on_db!(&w.pool, p => sqlx::query_scalar("SELECT uploaded_by FROM attachments WHERE id = $1")
                .bind(a.id)
                .fetch_one(p)
                .await)
                .unwrap();
        assert_eq!(by, Some(assigned));
    }

    #[tokio::test]
    async fn missing_message_and_attachment_are_not_found() {
        let w = world().await;
        let coordinator = caller(Role::Coordinator, None);
        let r = store(
            &w.pool,
            &w.data,
            MessageId(999),
            "a.png",
            &png(),
            &coordinator,
            now(),
        )
        .await;
        assert_eq!(
            r,
            Err(AppError::NotFound("Сообщение №999 не найдено".into()))
        );
        assert_eq!(
            get(&w.pool, 42).await,
            Err(AppError::NotFound("Файл №42 не найден".into()))
        );
        assert!(for_message(&w.pool, MessageId(999))
            .await
            .unwrap()
            .is_empty());
    }

    #[test]
    fn file_path_accepts_only_lowercase_sha256_hex() {
        let dir = Path::new("/data");
        let sha = "ab".repeat(32);
        assert_eq!(
            file_path(dir, &sha).unwrap(),
            Path::new("/data/files/ab").join(&sha)
        );
        for bad in [
            "../x".to_owned(),
            "".to_owned(),
            "AB".repeat(32),
            "ab".repeat(31),
            format!("../{}", "a".repeat(61)),
            format!("{}/", "a".repeat(63)),
            "g".repeat(64),
        ] {
            assert_eq!(file_path(dir, &bad), Err(AppError::Internal), "{bad}");
        }
    }
}
