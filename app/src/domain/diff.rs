//! Word diff of two draft versions, so the authority sees what changed. The diff is
//! computed on the server (`words`, ssr only: the diff crate would triple the browser
//! bundle) and sent with the draft; the browser only renders the pieces.

use serde::{Deserialize, Serialize};

/// What happened to a piece of text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Change {
    /// In both versions.
    Same,
    /// Only in the new version.
    Added,
    /// Only in the old version.
    Removed,
}

/// The pieces of `new` and `old` in order, adjacent pieces of one kind merged.
#[cfg(feature = "ssr")]
pub fn words(old: &str, new: &str) -> Vec<(Change, String)> {
    let diff = similar::TextDiff::from_words(old, new);
    let mut out: Vec<(Change, String)> = Vec::new();
    for change in diff.iter_all_changes() {
        let kind = match change.tag() {
            similar::ChangeTag::Equal => Change::Same,
            similar::ChangeTag::Insert => Change::Added,
            similar::ChangeTag::Delete => Change::Removed,
        };
        match out.last_mut() {
            Some((k, text)) if *k == kind => text.push_str(change.value()),
            _ => out.push((kind, change.value().to_owned())),
        }
    }
    out
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn marks_added_and_removed_words() {
        let d = words(
            "Здравствуйте! Яму заделаем.",
            "Здравствуйте, Мария! Яму заделаем до пятницы.",
        );
        let added: String = d
            .iter()
            .filter(|(k, _)| *k == Change::Added)
            .map(|(_, t)| t.as_str())
            .collect();
        let removed: String = d
            .iter()
            .filter(|(k, _)| *k == Change::Removed)
            .map(|(_, t)| t.as_str())
            .collect();
        assert!(added.contains("Мария"), "{d:?}");
        assert!(added.contains("пятницы"), "{d:?}");
        assert!(removed.contains("заделаем."), "{d:?}");
        // Old text = same + removed pieces; new text = same + added pieces.
        let old: String = d
            .iter()
            .filter(|(k, _)| *k != Change::Added)
            .map(|(_, t)| t.as_str())
            .collect();
        let new: String = d
            .iter()
            .filter(|(k, _)| *k != Change::Removed)
            .map(|(_, t)| t.as_str())
            .collect();
        assert_eq!(old, "Здравствуйте! Яму заделаем.");
        assert_eq!(new, "Здравствуйте, Мария! Яму заделаем до пятницы.");
    }

    #[test]
    fn equal_texts_are_one_piece() {
        assert_eq!(
            words("Ответ", "Ответ"),
            vec![(Change::Same, "Ответ".to_owned())]
        );
    }
}
