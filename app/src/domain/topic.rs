//! Topics (issue 21): the default catalogue, names compared as people write them, and a
//! small keyword rule set that suggests a topic from a post's text, with the words that
//! matched. A suggestion is never applied by itself: the coordinator decides.

use serde::{Deserialize, Serialize};

/// The catalogue a deployment starts with.
pub const DEFAULT_TOPICS: [&str; 10] = [
    "ЖКХ",
    "дороги",
    "благоустройство",
    "транспорт",
    "вывоз мусора (ТКО)",
    "образование",
    "здравоохранение",
    "социальная поддержка",
    "безопасность",
    "другое",
];

/// A topic's name as compared: trimmed, inner spaces collapsed, lowercase, «ё» as «е».
pub fn normalized(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
        .replace('ё', "е")
}

/// One rule: a topic and the word stems that point to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeywordRule {
    /// The topic's name in the catalogue.
    pub topic: String,
    /// Word beginnings (lowercase): «дорог» matches «дорога», «дорогу», «дорожн» …
    pub stems: Vec<String>,
}

/// The admin-editable rule set (settings key `topic_rules`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct KeywordRules(pub Vec<KeywordRule>);

impl Default for KeywordRules {
    fn default() -> Self {
        let rule = |topic: &str, stems: &[&str]| KeywordRule {
            topic: topic.to_owned(),
            stems: stems.iter().map(|s| (*s).to_owned()).collect(),
        };
        Self(vec![
            rule(
                "ЖКХ",
                &[
                    "отоплен",
                    "батаре",
                    "водоснаб",
                    "вода",
                    "воды",
                    "канализац",
                    "труб",
                    "подъезд",
                    "крыш",
                    "жкх",
                    "управляющ",
                    "лифт",
                ],
            ),
            rule(
                "дороги",
                &[
                    "дорог",
                    "ям",
                    "асфальт",
                    "тротуар",
                    "обочин",
                    "гололед",
                    "гололёд",
                ],
            ),
            rule(
                "благоустройство",
                &[
                    "двор",
                    "площадк",
                    "скамейк",
                    "освещен",
                    "фонар",
                    "газон",
                    "парк",
                    "снег",
                ],
            ),
            rule(
                "транспорт",
                &["автобус", "маршрут", "остановк", "электричк", "расписан"],
            ),
            rule(
                "вывоз мусора (ТКО)",
                &["мусор", "контейнер", "тко", "свалк", "отход"],
            ),
            rule(
                "образование",
                &["школ", "детсад", "детский сад", "садик", "учител", "кружк"],
            ),
            rule(
                "здравоохранение",
                &["поликлиник", "больниц", "врач", "фельдшер", "скор", "аптек"],
            ),
            rule(
                "социальная поддержка",
                &[
                    "пенси",
                    "пособи",
                    "льгот",
                    "многодет",
                    "инвалид",
                    "соцзащит",
                ],
            ),
            rule(
                "безопасность",
                &["пожар", "собак", "бездомн", "драк", "хулиган", "опасн"],
            ),
        ])
    }
}

impl KeywordRules {
    /// The built-in stems of the topic named `name` (as compared), if it has any.
    pub fn stems_of(&self, name: &str) -> Option<&[String]> {
        let key = normalized(name);
        self.0
            .iter()
            .find(|r| normalized(&r.topic) == key)
            .map(|r| r.stems.as_slice())
    }

    /// The rules of a catalogue: each active topic `(name, keywords)` with its own
    /// comma-separated stems, or the built-in ones for its name when it has none stored.
    pub fn of_catalogue<'a>(topics: impl IntoIterator<Item = (&'a str, Option<&'a str>)>) -> Self {
        let builtin = Self::default();
        Self(
            topics
                .into_iter()
                .map(|(name, keywords)| KeywordRule {
                    topic: name.to_owned(),
                    stems: match keywords {
                        Some(k) => parse_keywords(k),
                        None => builtin
                            .stems_of(name)
                            .map(<[String]>::to_vec)
                            .unwrap_or_default(),
                    },
                })
                .collect(),
        )
    }
}

/// Stems as an admin writes them: separated by commas or new lines, trimmed, lowercase
/// with «ё» as «е», empty ones dropped, each once.
pub fn parse_keywords(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in text.split([',', '\n', ';']).map(normalized) {
        if !s.is_empty() && !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

/// Checks a topic's name as an admin writes it: 1 to 100 characters after trimming.
pub fn check_name(name: &str) -> Result<String, &'static str> {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    match name.chars().count() {
        0 => Err("Укажите название темы"),
        n if n > 100 => Err("Название темы длиннее 100 символов"),
        _ => Ok(name),
    }
}

/// A topic suggested for a text, with the words of the text that matched.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    /// The topic.
    pub topic: String,
    /// The text's words that matched its stems, in order of appearance, each once.
    pub matched: Vec<String>,
}

/// The words of `text`, lowercase with «ё» as «е» (letters and digits; the rest splits).
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(normalized)
        .collect()
}

impl KeywordRules {
    /// The topic whose stems match most words of `text` (the earlier rule on a tie), or
    /// `None` when nothing matches.
    pub fn suggest(&self, text: &str) -> Option<Suggestion> {
        let words = words(text);
        let mut best: Option<Suggestion> = None;
        for rule in &self.0 {
            let stems: Vec<String> = rule
                .stems
                .iter()
                .map(|s| normalized(s))
                .filter(|s| !s.is_empty())
                .collect();
            let mut matched: Vec<String> = Vec::new();
            for w in &words {
                // A short stem («ям») only as a whole word or its plain endings, else it
                // would match «ямщик»; a longer one as a beginning.
                let hit = stems.iter().any(|s| {
                    if s.contains(' ') {
                        false
                    } else if s.chars().count() <= 3 {
                        w == s
                            || (w.starts_with(s.as_str())
                                && w.chars().count() <= s.chars().count() + 2)
                    } else {
                        w.starts_with(s.as_str())
                    }
                });
                if hit && !matched.contains(w) {
                    matched.push(w.clone());
                }
            }
            // Phrases («детский сад») against the text as a whole.
            let flat = words.join(" ");
            for s in stems.iter().filter(|s| s.contains(' ')) {
                if flat.contains(s.as_str()) && !matched.contains(s) {
                    matched.push(s.clone());
                }
            }
            if !matched.is_empty()
                && best
                    .as_ref()
                    .is_none_or(|b| matched.len() > b.matched.len())
            {
                best = Some(Suggestion {
                    topic: rule.topic.clone(),
                    matched,
                });
            }
        }
        best
    }
}

#[cfg(test)]
mod catalogue_tests {
    use super::*;

    #[test]
    fn a_catalogue_uses_its_own_keywords_or_the_built_in_ones() {
        let rules = KeywordRules::of_catalogue([
            ("ЖКХ", None),
            ("Дороги", Some("асфальт, Ёлки;\n  ,")),
            ("Новая тема", None),
        ]);
        assert!(rules.0[0].stems.contains(&"труб".to_owned()));
        assert_eq!(rules.0[1].stems, vec!["асфальт", "елки"]);
        assert!(rules.0[2].stems.is_empty());
        let s = rules.suggest("Прорвало трубу у дома").unwrap();
        assert_eq!(
            (s.topic.as_str(), s.matched),
            ("ЖКХ", vec!["трубу".to_owned()])
        );
        // «дорога» is no longer a stem of «Дороги» here: only what the admin wrote.
        assert_eq!(rules.suggest("Разбитая дорога"), None);
        assert_eq!(rules.suggest("Новый асфальт").unwrap().topic, "Дороги");
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(
            check_name("  вывоз   мусора "),
            Ok("вывоз мусора".to_owned())
        );
        assert_eq!(check_name("   "), Err("Укажите название темы"));
        assert!(check_name(&"я".repeat(101)).is_err());
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn names_compare_as_people_write_them() {
        assert_eq!(normalized("  Вывоз   мусора (ТКО) "), "вывоз мусора (тко)");
        assert_eq!(normalized("Гололёд"), normalized("гололед"));
        assert_eq!(DEFAULT_TOPICS.len(), 10);
    }

    #[test]
    fn a_topic_is_suggested_with_the_words_that_matched() {
        let rules = KeywordRules::default();
        let s = rules
            .suggest("Когда починят ДОРОГУ на Заречной? Одни ямы, асфальта нет.")
            .unwrap();
        assert_eq!(s.topic, "дороги");
        assert_eq!(s.matched, ["дорогу", "ямы", "асфальта"]);
        let s = rules
            .suggest("Третий день нет отопления, батареи холодные")
            .unwrap();
        assert_eq!(s.topic, "ЖКХ");
        assert_eq!(s.matched, ["отопления", "батареи"]);
        let s = rules.suggest("Запишите ребёнка в детский сад").unwrap();
        assert_eq!(s.topic, "образование");
        assert!(s.matched.contains(&"детский сад".to_owned()), "{s:?}");
    }

    #[test]
    fn nothing_is_suggested_without_a_match_and_short_stems_are_whole_words() {
        let rules = KeywordRules::default();
        assert_eq!(rules.suggest("Спасибо за праздник!"), None);
        assert_eq!(rules.suggest("Ямщик, не гони лошадей"), None);
        assert_eq!(rules.suggest(""), None);
    }

    #[test]
    fn the_rule_with_more_matches_wins_and_the_earlier_on_a_tie() {
        let rules = KeywordRules::default();
        let s = rules.suggest("Мусор у контейнеров во дворе").unwrap();
        assert_eq!(s.topic, "вывоз мусора (ТКО)");
        let tie = KeywordRules(vec![
            KeywordRule {
                topic: "А".into(),
                stems: vec!["двор".into()],
            },
            KeywordRule {
                topic: "Б".into(),
                stems: vec!["двор".into()],
            },
        ]);
        assert_eq!(tie.suggest("во дворе").unwrap().topic, "А");
    }
}
