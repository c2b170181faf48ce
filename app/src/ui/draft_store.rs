//! The answer draft kept in the browser while it is typed (issue 22): its text, kind and
//! attached files in `localStorage`, one entry per user and message, so that a reload, a
//! crash, a closed phone tab or a lost connection does not lose it. Only the browser reads
//! and writes it; the server never sees it.
//!
//! The rules are plain functions (tested on the server build); [`browser`] is the storage.

use crate::domain::ids::{MessageId, UserId};
use crate::domain::workflow::AnswerKind;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// What the editor holds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftState {
    /// The answer's text.
    pub text: String,
    /// The chosen kind.
    pub kind: AnswerKind,
    /// The ids of the uploaded files attached to it.
    pub files: Vec<i64>,
}

/// A kept draft: the editor's state and when it was kept.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeptDraft {
    /// The state.
    pub state: DraftState,
    /// When it was kept (the app's clock).
    pub saved_at: DateTime<Utc>,
}

/// The storage key of `user`'s draft of `message`: another user's or another message's
/// draft is under another key.
pub fn key(user: UserId, message: MessageId) -> String {
    format!("otklik.draft.{}.{}", user.0, message.0)
}

/// Whether a kept draft is worth bringing back into an editor that holds the server's
/// `server_text` (the last version's text, or empty): only a text that differs and is not
/// blank. A kept text equal to the server's has been submitted.
pub fn restorable(kept: &KeptDraft, server_text: &str) -> bool {
    !kept.state.text.trim().is_empty() && kept.state.text != server_text
}

/// «Восстановлен несохранённый текст от 14:05», the time it was kept in the deployment's
/// zone (as every time the app shows).
pub fn notice(saved_at: DateTime<Utc>, tz: Tz) -> String {
    format!(
        "Восстановлен несохранённый текст от {}",
        crate::domain::datefmt::hm(&saved_at.with_timezone(&tz))
    )
}

/// Reads a kept draft; `None` if it is not one (another version's format, edited by hand).
pub fn decode(raw: &str) -> Option<KeptDraft> {
    serde_json::from_slice(raw.as_bytes()).ok()
}

/// The stored form of a kept draft.
pub fn encode(kept: &KeptDraft) -> String {
    serde_json::to_string(kept).unwrap_or_default()
}

/// `localStorage`: unavailable storage (private mode, quota, disabled) only means the
/// draft is not kept.
#[cfg(feature = "hydrate")]
pub mod browser {
    use super::{decode, encode, KeptDraft};

    fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok().flatten()
    }

    /// The draft kept under `key`.
    pub fn read(key: &str) -> Option<KeptDraft> {
        decode(&storage()?.get_item(key).ok().flatten()?)
    }

    /// Keeps `kept` under `key`.
    pub fn write(key: &str, kept: &KeptDraft) {
        if let Some(s) = storage() {
            let _ = s.set_item(key, &encode(kept));
        }
    }

    /// Forgets the draft under `key`.
    pub fn remove(key: &str) {
        if let Some(s) = storage() {
            let _ = s.remove_item(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn kept(text: &str) -> KeptDraft {
        KeptDraft {
            state: DraftState {
                text: text.to_owned(),
                kind: AnswerKind::Intermediate,
                files: vec![3, 5],
            },
            saved_at: Utc.with_ymd_and_hms(2026, 3, 16, 11, 5, 0).unwrap(),
        }
    }

    #[test]
    fn one_key_per_user_and_message() {
        assert_eq!(key(UserId(3), MessageId(42)), "otklik.draft.3.42");
        assert_ne!(key(UserId(3), MessageId(42)), key(UserId(4), MessageId(42)));
        assert_ne!(key(UserId(3), MessageId(42)), key(UserId(3), MessageId(43)));
    }

    #[test]
    fn only_a_text_unlike_the_servers_comes_back() {
        assert!(restorable(&kept("Здравствуйте!"), ""));
        assert!(restorable(&kept("Здравствуйте, Мария!"), "Здравствуйте!"));
        assert!(!restorable(&kept("Здравствуйте!"), "Здравствуйте!"));
        assert!(!restorable(&kept("  \n"), ""));
    }

    #[test]
    fn the_notice_tells_the_local_time() {
        assert_eq!(
            notice(kept("x").saved_at, chrono_tz::Europe::Moscow),
            "Восстановлен несохранённый текст от 14:05"
        );
    }

    #[test]
    fn kept_drafts_round_trip_and_junk_is_ignored() {
        let k = kept("Текст «в кавычках»\nи строка");
        assert_eq!(decode(&encode(&k)), Some(k));
        assert_eq!(decode("not json"), None);
        assert_eq!(decode(r#"{"text":"x"}"#), None);
    }
}
