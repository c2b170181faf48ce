//! §12 flagging of obscene or threatening text.
//!
//! §12 of the regulation says that messages containing threats, obscene
//! language or insults are not processed. Deciding that is a person's job:
//! SPEC: "The system flags incoming text that looks obscene or threatening;
//! a person decides." This module therefore only *flags*: [`check`] reports
//! what it found, with the words exactly as written, so the coordinator can
//! see why, and nothing is ever rejected automatically. A word list cannot
//! understand context (quotations, reports of a threat by its victim), and
//! determined writers find new spellings, so both false alarms and misses
//! are expected and tolerated.
//!
//! Matching works on normalised words (see `normalize`): lowercase, `ё` as
//! `е`, Latin look-alikes and digits read as the Cyrillic letters they
//! imitate, separators inside a word dropped (`х.у.й`), spaced-out letters
//! joined (`х у й`), repeated letters collapsed (`бляяять`), masked letters
//! (`*`, `#`, `%`) read as "any letter". The obscenity patterns come from
//! the MIT-licensed `bad-words-next` package (see
//! `app/data/lexicon/LICENSE-bad-words-next`), curated, plus clean-stem
//! exceptions (`страхуй`, `колебать`) and our own list of threat phrases.
//!
//! Pure: no I/O, no clock; compiles for the server and for wasm.

mod lexicon;
mod normalize;
mod threat;

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

use lexicon::Lexicon;
use threat::Threats;

/// What [`check`] found in a text. Empty means nothing to flag.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Flags {
    /// Obscene words («нецензурные выражения»), as they appear in the text, each once,
    /// in order of first appearance.
    #[serde(default)]
    pub obscene: Vec<String>,
    /// Insults («оскорбительные выражения»), as they appear in the text, each once, in
    /// order of first appearance. (Stored before this was kept apart: in `obscene`.)
    #[serde(default)]
    pub insult: Vec<String>,
    /// Threat phrases, as they appear in the text, each once, in order of
    /// first appearance.
    #[serde(default)]
    pub threat: Vec<String>,
}

impl Flags {
    /// Whether anything was found: the coordinator should look at the text.
    pub fn is_flagged(&self) -> bool {
        !self.obscene.is_empty() || !self.insult.is_empty() || !self.threat.is_empty()
    }

    /// What was found, in Russian: «нецензурные выражения: …; оскорбления: …; угрозы: …».
    pub fn summary(&self) -> String {
        [
            ("нецензурные выражения", &self.obscene),
            ("оскорбления", &self.insult),
            ("угрозы", &self.threat),
        ]
        .into_iter()
        .filter(|(_, words)| !words.is_empty())
        .map(|(what, words)| format!("{what}: {}", words.join(", ")))
        .collect::<Vec<_>>()
        .join("; ")
    }
}

fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(Lexicon::embedded)
}

fn insults() -> &'static Lexicon {
    static INSULTS: OnceLock<Lexicon> = OnceLock::new();
    INSULTS.get_or_init(Lexicon::insults)
}

fn threats() -> &'static Threats {
    static THREATS: OnceLock<Threats> = OnceLock::new();
    THREATS.get_or_init(Threats::embedded)
}

fn push_unique(list: &mut Vec<String>, item: &str) {
    if !list.iter().any(|x| x == item) {
        list.push(item.to_owned());
    }
}

/// Checks a text for obscene language, insults and threats (§12), each reported apart.
///
/// The result is a flag for a person, never a decision.
pub fn check(text: &str) -> Flags {
    let lexicon = lexicon();
    let words = normalize::words(text);
    let spaced = normalize::spaced_letters(text, &words);

    let found = |lexicon: &Lexicon| {
        let mut hits: Vec<(usize, usize)> = words
            .iter()
            .chain(&spaced)
            .filter(|t| t.forms.iter().any(|f| lexicon.matches(f)))
            .map(|t| (t.start, t.end))
            .collect();
        hits.sort_unstable();
        let mut list = Vec::new();
        for (start, end) in hits {
            if let Some(word) = text.get(start..end) {
                push_unique(&mut list, word);
            }
        }
        list
    };

    let mut flags = Flags {
        obscene: found(lexicon),
        ..Flags::default()
    };
    // A word that is obscene is reported once, as obscene.
    flags.insult = found(insults())
        .into_iter()
        .filter(|w| !flags.obscene.contains(w))
        .collect();
    for (first, last) in threats().find(&words) {
        let span = words
            .get(first)
            .zip(words.get(last))
            .and_then(|(a, b)| text.get(a.start..b.end));
        if let Some(phrase) = span {
            push_unique(&mut flags.threat, phrase);
        }
    }
    flags
}
