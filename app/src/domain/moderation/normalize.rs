//! Splitting text into words and normalising them against evasion.
//!
//! A word is turned into a sequence of [`Sym`]: lowercase Cyrillic letters
//! (Latin look-alikes, digits and `@`/`$` mapped to the letters they imitate,
//! `ё` read as `е`, repeated letters collapsed, separators inside the word
//! dropped) and wildcards for masked letters (`*`, `#`, `%`).

/// One normalised position of a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sym {
    /// A letter, in normalised form.
    L(char),
    /// A masked letter: stands for any one letter.
    Any,
}

/// A word of the original text with its normalised forms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    /// Byte offset of the first character in the original text.
    pub start: usize,
    /// Byte offset just past the last character in the original text.
    pub end: usize,
    /// Normalised forms; the first reads Latin letters by shape, a second
    /// one (only for words mixing Cyrillic and Latin) reads them by sound.
    pub forms: Vec<Vec<Sym>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Letter,
    Digit,
    Mask,
    Sign,
    Joiner,
    Break,
}

fn class(c: char) -> Class {
    match c {
        '*' | '#' | '%' => Class::Mask,
        '@' | '$' => Class::Sign,
        '.' | '-' | '_' | '\'' | '`' | '~' | '|' | '+' | '/' | '\\' | '‐' | '‑' | '’' | '·' => {
            Class::Joiner
        }
        c if c.is_ascii_digit() => Class::Digit,
        c if c.is_alphabetic() => Class::Letter,
        _ => Class::Break,
    }
}

fn is_cyrillic(c: char) -> bool {
    ('\u{0400}'..='\u{04FF}').contains(&c)
}

/// Latin letters read by their shape (`x` looks like `х`); `B` is handled
/// by the caller because its shape differs by case.
fn latin_by_shape(c: char) -> Option<char> {
    Some(match c {
        'a' => 'а',
        'b' => 'ь',
        'c' => 'с',
        'e' => 'е',
        'h' => 'н',
        'k' => 'к',
        'm' => 'м',
        'n' => 'п',
        'o' => 'о',
        'p' => 'р',
        'r' => 'г',
        't' => 'т',
        'u' => 'и',
        'w' => 'ш',
        'x' => 'х',
        'y' => 'у',
        _ => return None,
    })
}

/// Latin letters read by their sound (`pizdа` -> `пизда`).
fn latin_by_sound(c: char) -> Option<char> {
    Some(match c {
        'a' => 'а',
        'b' => 'б',
        'c' => 'с',
        'd' => 'д',
        'e' => 'е',
        'f' => 'ф',
        'g' => 'г',
        'h' => 'х',
        'i' => 'и',
        'j' => 'й',
        'k' => 'к',
        'l' => 'л',
        'm' => 'м',
        'n' => 'н',
        'o' => 'о',
        'p' => 'п',
        'r' => 'р',
        's' => 'с',
        't' => 'т',
        'u' => 'у',
        'v' => 'в',
        'w' => 'в',
        'x' => 'х',
        'y' => 'у',
        'z' => 'з',
        _ => return None,
    })
}

fn digit_or_sign(c: char) -> Option<Sym> {
    match c {
        '0' => Some(Sym::L('о')),
        '3' => Some(Sym::L('з')),
        '4' => Some(Sym::L('ч')),
        '6' => Some(Sym::L('б')),
        '@' => Some(Sym::L('а')),
        '$' => Some(Sym::L('с')),
        c if c.is_ascii_digit() => Some(Sym::Any),
        _ => None,
    }
}

/// Normalises the characters of one word. `by_sound` selects the reading
/// of Latin letters.
fn normalise_chars(word: &str, by_sound: bool) -> Vec<Sym> {
    let mut out: Vec<Sym> = Vec::with_capacity(word.len());
    for c in word.chars() {
        let sym = match class(c) {
            Class::Joiner | Class::Break => None,
            Class::Mask => Some(Sym::Any),
            Class::Digit | Class::Sign => digit_or_sign(c),
            Class::Letter if c.is_ascii_alphabetic() => {
                if c == 'B' && !by_sound {
                    Some(Sym::L('в'))
                } else {
                    let lc = c.to_ascii_lowercase();
                    let mapped = if by_sound {
                        latin_by_sound(lc)
                    } else {
                        latin_by_shape(lc)
                    };
                    Some(Sym::L(mapped.unwrap_or(lc)))
                }
            }
            Class::Letter => c.to_lowercase().next().map(|l| match l {
                'ё' => Sym::L('е'),
                l => Sym::L(l),
            }),
        };
        if let Some(sym) = sym {
            push_collapsed(&mut out, sym);
        }
    }
    out
}

fn push_collapsed(out: &mut Vec<Sym>, sym: Sym) {
    if matches!(sym, Sym::L(_)) && out.last() == Some(&sym) {
        return;
    }
    out.push(sym);
}

/// Normalises a word of a data file (pattern, exception, threat word).
pub(crate) fn normalise_word(word: &str) -> Vec<char> {
    normalise_chars(word, false)
        .into_iter()
        .filter_map(|s| match s {
            Sym::L(c) => Some(c),
            Sym::Any => None,
        })
        .collect()
}

fn forms_of(word: &str) -> Vec<Vec<Sym>> {
    let shape = normalise_chars(word, false);
    let mixed = word.chars().any(is_cyrillic) && word.chars().any(|c| c.is_ascii_alphabetic());
    if mixed {
        let sound = normalise_chars(word, true);
        if sound != shape {
            return vec![shape, sound];
        }
    }
    vec![shape]
}

/// Splits `text` into words. Separators between letters (`х.у.й`, `х-у-й`)
/// keep a word together; masks, separators and `@` at the edges of a word
/// are not part of it. Words without any letter (numbers) are skipped.
pub(crate) fn words(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut run_start: Option<usize> = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        let is_break = i == text.len() || class(c) == Class::Break;
        match (is_break, run_start) {
            (false, None) => run_start = Some(i),
            (true, Some(s)) => {
                run_start = None;
                if let Some(tok) = token(text, s, i) {
                    tokens.push(tok);
                }
            }
            _ => {}
        }
    }
    tokens
}

fn token(text: &str, start: usize, end: usize) -> Option<Token> {
    let raw = text.get(start..end)?;
    let lead = |c: char| matches!(class(c), Class::Joiner | Class::Mask) || c == '@';
    let trail = |c: char| matches!(class(c), Class::Joiner | Class::Mask | Class::Sign);
    let trimmed_start = raw.trim_start_matches(lead);
    let start = start + (raw.len() - trimmed_start.len());
    let word = trimmed_start.trim_end_matches(trail);
    if !word.chars().any(char::is_alphabetic) {
        return None;
    }
    Some(Token {
        start,
        end: start + word.len(),
        forms: forms_of(word),
    })
}

/// Joins runs of at least three one-letter words separated only by spaces
/// or separators (`х у й`, `х. у. й.`) into one word each.
pub(crate) fn spaced_letters(text: &str, tokens: &[Token]) -> Vec<Token> {
    let single = |t: &Token| t.forms.first().is_some_and(|f| f.len() == 1);
    let gap_ok = |a: &Token, b: &Token| {
        text.get(a.end..b.start).is_some_and(|g| {
            g.chars()
                .all(|c| c.is_whitespace() || class(c) == Class::Joiner)
        })
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let mut j = i;
        if single(&tokens[i]) {
            while j + 1 < tokens.len()
                && single(&tokens[j + 1])
                && gap_ok(&tokens[j], &tokens[j + 1])
            {
                j += 1;
            }
        }
        if j >= i + 2 {
            let mut form = Vec::new();
            for t in &tokens[i..=j] {
                for &s in t.forms.first().into_iter().flatten() {
                    push_collapsed(&mut form, s);
                }
            }
            out.push(Token {
                start: tokens[i].start,
                end: tokens[j].end,
                forms: vec![form],
            });
        }
        i = j + 1;
    }
    out
}
