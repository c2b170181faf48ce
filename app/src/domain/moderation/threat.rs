//! Threat phrases, embedded from `app/data/lexicon/ru-threats.txt`.

use super::lexicon::data_lines;
use super::normalize::{normalise_word, Sym, Token};

const THREATS: &str = include_str!("../../../data/lexicon/ru-threats.txt");

/// Most other words allowed between two consecutive groups of a phrase.
const MAX_GAP: usize = 2;

/// One word of a phrase: exact, or a stem (trailing `*`).
#[derive(Debug, Clone, PartialEq, Eq)]
struct WordPattern {
    chars: Vec<char>,
    stem: bool,
}

impl WordPattern {
    fn matches(&self, word: &[Sym]) -> bool {
        let fits = if self.stem {
            word.len() >= self.chars.len()
        } else {
            word.len() == self.chars.len()
        };
        fits && word.iter().zip(&self.chars).all(|(s, c)| *s == Sym::L(*c))
    }
}

/// A phrase: groups of alternative words, in order.
type Phrase = Vec<Vec<WordPattern>>;

/// The parsed threat phrases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Threats {
    phrases: Vec<Phrase>,
}

impl Threats {
    /// The embedded phrase list.
    pub(crate) fn embedded() -> Self {
        Self::parse(THREATS)
    }

    pub(crate) fn parse(data: &str) -> Self {
        let phrases = data_lines(data)
            .map(|line| {
                line.split_whitespace()
                    .map(|group| {
                        group
                            .split('|')
                            .map(|w| WordPattern {
                                chars: normalise_word(w.trim_end_matches('*')),
                                stem: w.ends_with('*'),
                            })
                            .filter(|w| !w.chars.is_empty())
                            .collect::<Vec<_>>()
                    })
                    .filter(|g| !g.is_empty())
                    .collect::<Phrase>()
            })
            .filter(|p| !p.is_empty())
            .collect();
        Self { phrases }
    }

    /// Spans (token index ranges, inclusive) of the threat phrases found in
    /// `tokens`, in text order, overlapping spans merged.
    pub(crate) fn find(&self, tokens: &[Token]) -> Vec<(usize, usize)> {
        let mut spans: Vec<(usize, usize)> = Vec::new();
        for start in 0..tokens.len() {
            for phrase in &self.phrases {
                if let Some(end) = match_from(phrase, tokens, start) {
                    spans.push((start, end));
                }
            }
        }
        spans.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::new();
        for (s, e) in spans {
            match merged.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => merged.push((s, e)),
            }
        }
        merged
    }
}

fn group_matches(group: &[WordPattern], token: &Token) -> bool {
    token
        .forms
        .first()
        .is_some_and(|f| group.iter().any(|w| w.matches(f)))
}

/// If `phrase` matches with its first group at token `at`, the index of the
/// token matched by its last group.
fn match_from(phrase: &[Vec<WordPattern>], tokens: &[Token], at: usize) -> Option<usize> {
    let (first, rest) = phrase.split_first()?;
    if !group_matches(first, tokens.get(at)?) {
        return None;
    }
    if rest.is_empty() {
        return Some(at);
    }
    let last = (at + 1 + MAX_GAP).min(tokens.len().saturating_sub(1));
    (at + 1..=last).find_map(|next| match_from(rest, tokens, next))
}
