//! The obscenity and insult lexicons: patterns and clean-stem exceptions, embedded from
//! `app/data/lexicon/` and parsed once.

use super::normalize::{normalise_word, Sym};

const OBSCENE: &str = include_str!("../../../data/lexicon/ru-obscene.txt");
const INSULTS: &str = include_str!("../../../data/lexicon/ru-insults.txt");
const EXCEPTIONS: &str = include_str!("../../../data/lexicon/ru-exceptions.txt");
const PREFIXES: &str = include_str!("../../../data/lexicon/ru-prefixes.txt");

/// Most wildcards a masked word may have and still be matched.
const MAX_WILDCARDS: usize = 3;
/// Fewest real letters a masked word needs to be matched.
const MIN_LETTERS_WITH_WILDCARDS: usize = 2;

/// Where a pattern may start inside a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Start {
    /// Only at the word start (no marker).
    Word,
    /// Anywhere (leading `*`).
    Anywhere,
    /// At the word start or right after a verb prefix (leading `~`).
    AfterPrefix,
}

/// One pattern of the data file, normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Pattern {
    body: Vec<char>,
    start: Start,
    /// The word may continue after the pattern (trailing `*`).
    any_end: bool,
}

/// The parsed lexicon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Lexicon {
    patterns: Vec<Pattern>,
    exceptions: Vec<Vec<char>>,
    prefixes: Vec<Vec<char>>,
}

/// Non-empty, non-comment lines of a data file.
pub(crate) fn data_lines(data: &str) -> impl Iterator<Item = &str> {
    data.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

impl Lexicon {
    /// The embedded obscenity lexicon.
    pub(crate) fn embedded() -> Self {
        Self::parse(OBSCENE, EXCEPTIONS, PREFIXES)
    }

    /// The embedded insult lexicon (same exceptions and prefixes).
    pub(crate) fn insults() -> Self {
        Self::parse(INSULTS, EXCEPTIONS, PREFIXES)
    }

    /// Parses the data files (patterns, exceptions, prefixes).
    pub(crate) fn parse(patterns: &str, exceptions: &str, prefixes: &str) -> Self {
        let patterns = data_lines(patterns)
            .filter_map(|line| {
                let start = if line.starts_with('*') {
                    Start::Anywhere
                } else if line.starts_with('~') {
                    Start::AfterPrefix
                } else {
                    Start::Word
                };
                let any_end = line.ends_with('*');
                let body = normalise_word(line.trim_matches(['*', '~']));
                (!body.is_empty()).then_some(Pattern {
                    body,
                    start,
                    any_end,
                })
            })
            .collect();
        let words = |data| {
            data_lines(data)
                .map(normalise_word)
                .filter(|e: &Vec<char>| !e.is_empty())
                .collect()
        };
        Self {
            patterns,
            exceptions: words(exceptions),
            prefixes: words(prefixes),
        }
    }

    /// For each position of the word: whether it is the word start or
    /// directly follows a verb prefix (where a `~` pattern may start).
    fn prefix_ends(&self, word: &[Sym]) -> Vec<bool> {
        let mut ends = vec![false; word.len() + 1];
        ends[0] = true;
        for p in &self.prefixes {
            let hit = p.len() <= word.len() && word.iter().zip(p).all(|(s, c)| *s == Sym::L(*c));
            if hit {
                ends[p.len()] = true;
            }
        }
        ends
    }

    /// Whether the normalised word contains one of the lexicon's patterns.
    pub(crate) fn matches(&self, word: &[Sym]) -> bool {
        let letters = word.iter().filter(|s| matches!(s, Sym::L(_))).count();
        let wildcards = word.len() - letters;
        if letters == 0 || wildcards > MAX_WILDCARDS {
            return false;
        }
        let masked_ok = letters >= MIN_LETTERS_WITH_WILDCARDS;
        let cleared = self.cleared_starts(word);
        let after_prefix = self.prefix_ends(word);
        self.patterns.iter().any(|p| {
            let len = p.body.len();
            if len > word.len() {
                return false;
            }
            let last = word.len() - len;
            let first = if p.any_end { 0 } else { last };
            let last = match p.start {
                Start::Word => 0,
                Start::Anywhere | Start::AfterPrefix => last,
            };
            (first..=last).any(|i| {
                (p.start != Start::AfterPrefix || after_prefix.get(i).copied().unwrap_or(false))
                    && !cleared.get(i).copied().unwrap_or(false)
                    && window_matches(&word[i..i + len], &p.body, masked_ok)
            })
        })
    }

    /// For each position of the word: whether a match starting there starts
    /// inside a clean stem (an exception) and is therefore ignored.
    fn cleared_starts(&self, word: &[Sym]) -> Vec<bool> {
        let mut cleared = vec![false; word.len()];
        for exc in &self.exceptions {
            if exc.len() > word.len() {
                continue;
            }
            for j in 0..=word.len() - exc.len() {
                let hit = word[j..j + exc.len()]
                    .iter()
                    .zip(exc)
                    .all(|(s, c)| *s == Sym::L(*c));
                if hit {
                    cleared[j..j + exc.len()].iter_mut().for_each(|c| *c = true);
                }
            }
        }
        cleared
    }
}

/// Compares one window of a word with a pattern body. A wildcard matches
/// any letter, but a window with wildcards must begin with a real letter
/// and the word must have enough real letters (`masked_ok`).
fn window_matches(window: &[Sym], body: &[char], masked_ok: bool) -> bool {
    let mut masked = false;
    for (k, (s, c)) in window.iter().zip(body).enumerate() {
        match s {
            Sym::L(l) if l == c => {}
            Sym::L(_) => return false,
            Sym::Any if k == 0 => return false,
            Sym::Any => masked = true,
        }
    }
    !masked || masked_ok
}
