//! An instant as a person or a regional system writes it: RFC 3339 with an offset
//! (`2026-04-06T14:05:00+03:00`), or a local time in the deployment's zone
//! (`2026-04-06T14:05`, `2026-04-06T14:05:00`, `06.04.2026 14:05`), resolved with the zone.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A given instant, absolute or local.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Moment {
    /// With an offset: absolute.
    At(DateTime<Utc>),
    /// Without one: in the deployment's zone.
    Local(NaiveDateTime),
}

/// The local shapes accepted.
const LOCAL_FORMATS: [&str; 3] = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%d.%m.%Y %H:%M"];

impl Moment {
    /// Reads `value`; `None` if it is none of the accepted shapes.
    pub fn parse(value: &str) -> Option<Self> {
        let value = value.trim();
        if let Ok(t) = DateTime::parse_from_rfc3339(value) {
            return Some(Moment::At(t.with_timezone(&Utc)));
        }
        LOCAL_FORMATS
            .iter()
            .find_map(|f| NaiveDateTime::parse_from_str(value, f).ok())
            .map(Moment::Local)
    }

    /// The instant, a local time read in `tz` (the earlier one when the clock was put
    /// back; `None` for a local time the clock skipped).
    pub fn resolve(self, tz: Tz) -> Option<DateTime<Utc>> {
        match self {
            Moment::At(t) => Some(t),
            Moment::Local(local) => tz
                .from_local_datetime(&local)
                .earliest()
                .map(|t| t.with_timezone(&Utc)),
        }
    }

    /// The Russian message for a value that is not a moment.
    pub fn invalid(value: &str) -> String {
        format!(
            "Неверное время «{}»: ожидается 2026-04-06T14:05:00+03:00",
            value.trim()
        )
    }
}

impl Serialize for Moment {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Moment::At(t) => s.serialize_str(&t.to_rfc3339()),
            Moment::Local(t) => s.serialize_str(&t.format("%Y-%m-%dT%H:%M:%S").to_string()),
        }
    }
}

impl<'de> Deserialize<'de> for Moment {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Moment::parse(&s).ok_or_else(|| serde::de::Error::custom(Moment::invalid(&s)))
    }
}

/// An optional moment where an empty string (an empty form field) means none.
pub fn optional<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Moment>, D::Error> {
    let s: Option<String> = Option::deserialize(d)?;
    match s.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => Moment::parse(v)
            .map(Some)
            .ok_or_else(|| serde::de::Error::custom(Moment::invalid(v))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Europe::Moscow;

    #[test]
    fn absolute_and_local_shapes() {
        let utc = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        let at = |s| Moment::parse(s).and_then(|m| m.resolve(Moscow));
        assert_eq!(at("2026-04-06T13:30"), Some(utc("2026-04-06T10:30:00Z")));
        assert_eq!(at("2026-04-06T13:30:15"), Some(utc("2026-04-06T10:30:15Z")));
        assert_eq!(at("06.04.2026 13:30"), Some(utc("2026-04-06T10:30:00Z")));
        assert_eq!(
            at("2026-04-06T13:30:00+03:00"),
            Some(utc("2026-04-06T10:30:00Z"))
        );
        assert_eq!(Moment::parse("вчера"), None);
        let json: Moment = serde_json::from_str("\"2026-04-06T13:30\"").unwrap();
        assert_eq!(json, Moment::parse("2026-04-06T13:30").unwrap());
        let err = serde_json::from_str::<Moment>("\"вчера\"").unwrap_err();
        assert!(err.to_string().contains("Неверное время «вчера»"), "{err}");
    }
}
