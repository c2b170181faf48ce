//! The body of a workflow action (`POST /api/v1/messages/{id}/{action}`): the action's own
//! fields under their API names and an optional `version`, read straight into the
//! serde-tagged `domain::workflow::Command` (the action comes from the path). A field of
//! another action, a missing field or a wrong value is a 422 with a Russian message.

use crate::domain::moment::Moment;
use crate::domain::workflow::{ActionKind, Command};
use crate::error::AppError;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde_json::{Map, Value};

/// Reads the body of `action`: the version the caller saw, and the command.
pub fn read_action(
    action: ActionKind,
    mut body: Map<String, Value>,
) -> Result<(Option<i64>, Command), AppError> {
    if action == ActionKind::Intake {
        return Err(AppError::validation(
            "action",
            "Регистрация сообщения — это POST /api/v1/messages, а не действие над сообщением",
        ));
    }
    let version = match body.remove("version") {
        None | Some(Value::Null) => None,
        Some(v) => Some(v.as_i64().ok_or_else(|| {
            AppError::validation("version", "Версия — целое число из ответа сервера")
        })?),
    };
    match body.get("action") {
        None => {}
        Some(Value::String(a)) if a == action.as_str() => {}
        Some(_) => {
            return Err(AppError::validation(
                "action",
                format!(
                    "Поле «action» не совпадает с действием в адресе («{}»)",
                    action.as_str()
                ),
            ))
        }
    }
    body.insert("action".into(), Value::String(action.as_str().into()));
    let cmd = serde_json::from_value::<Command>(Value::Object(body))
        .map_err(|e| explain(&e.to_string(), Some(action)))?;
    Ok((version, cmd))
}

/// Where the `publish` action's answer goes: `"via": "network"` sends it through the
/// network's API (the server records the link and time the network returns).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Via {
    /// Through the network's API (VK, Telegram, MAX) with the administration's connection.
    Network,
}

/// The body of `publish` through the network's API: `{"via": "network"}` and an optional
/// `version`; no `link` or `published_at` (the network gives them).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PublishVia {
    /// `network`.
    pub via: Via,
    /// The version the caller saw (409 when stale).
    pub version: Option<i64>,
}

/// An action's body: the action's fields, or for `publish` `{"via": "network"}`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum ActionBody {
    /// The action's own fields (`publish`: `link`, `published_at`).
    Command(Command),
    /// `publish` through the network's API.
    PublishVia(PublishVia),
}

/// For `publish`: `Some(version)` when the body asks to publish through the network
/// (`"via": "network"`), `None` for a manual publication. A `via` with another value, or
/// with `link` or `published_at`, is a 422.
pub fn read_via(
    action: ActionKind,
    body: &Map<String, Value>,
) -> Result<Option<Option<i64>>, AppError> {
    let Some(via) = body.get("via") else {
        return Ok(None);
    };
    if action != ActionKind::Publish {
        return Err(AppError::validation(
            "via",
            format!("Поле «via» не относится к действию «{}»", action.label()),
        ));
    }
    if via != &Value::String("network".into()) {
        return Err(AppError::validation(
            "via",
            "Поле «via» принимает только значение \"network\": публикация через API сети",
        ));
    }
    if let Some(field) = body
        .keys()
        .find(|k| !matches!(k.as_str(), "via" | "version" | "action"))
    {
        return Err(AppError::validation(
            field,
            format!(
                "При публикации через API сети ссылку и время присылает сеть: уберите поле «{field}»"
            ),
        ));
    }
    let mut rest = body.clone();
    rest.remove("via");
    rest.insert("link".into(), Value::String("https://via.network".into()));
    let (version, _) = read_action(action, rest)?;
    Ok(Some(version))
}

/// What a field is, in Russian, for «Укажите …».
fn what(field: &str, action: Option<ActionKind>) -> &'static str {
    match (field, action) {
        ("executor_id", _) => "исполнителя",
        ("justification", _) => "обоснование возврата",
        ("reason", _) => "причину",
        ("category", _) => "основание (§12)",
        ("text", Some(ActionKind::AuthorReplied)) => "ответ автора",
        ("text", _) => "текст ответа",
        ("remarks", _) => "замечания",
        ("to", _) => "номер сообщения, с которым связать",
        ("link", _) => "ссылку на опубликованный ответ",
        ("urgent", _) => "срочность",
        ("action", _) => "действие",
        _ => "значение поля",
    }
}

/// A deserialization error of an action in Russian, naming the field.
pub fn explain(message: &str, action: Option<ActionKind>) -> AppError {
    explain_known(message, action).unwrap_or_else(|| {
        AppError::validation("body", format!("Неверные данные запроса: {message}"))
    })
}

/// The errors a person can act on, in Russian: a field of another action, a missing
/// field, a value not among the allowed ones; `None` for anything else.
pub fn explain_known(message: &str, action: Option<ActionKind>) -> Option<AppError> {
    // serde names fields and values in backticks: "unknown field `remarks`, expected …".
    let names = |from: &str| -> Vec<String> {
        from.split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_owned)
            .collect()
    };
    let after = |marker: &str| message.split_once(marker).map(|(_, rest)| rest);
    if let Some(field) = after("unknown field `").and_then(|r| r.split('`').next()) {
        let text = match action {
            Some(a) => format!("Поле «{field}» не относится к действию «{}»", a.label()),
            None => format!("Поле «{field}» здесь не принимается"),
        };
        return Some(AppError::validation(field, text));
    }
    if let Some(field) = after("missing field `").and_then(|r| r.split('`').next()) {
        return Some(AppError::validation(
            field,
            format!("Укажите {}", what(field, action)),
        ));
    }
    if let Some(rest) = after("unknown variant ") {
        let all = names(rest);
        let (value, allowed) = all.split_first()?;
        return Some(AppError::validation(
            "body",
            format!(
                "Недопустимое значение «{value}»; допустимы: {}",
                allowed.join(", ")
            ),
        ));
    }
    None
}

/// A moment given as RFC 3339 or as local `YYYY-MM-DDTHH:MM[:SS]` in the deployment's zone.
pub fn parse_moment(field: &str, value: &str, tz: Tz) -> Result<DateTime<Utc>, AppError> {
    Moment::parse(value)
        .and_then(|m| m.resolve(tz))
        .ok_or_else(|| AppError::validation(field, Moment::invalid(value)))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::domain::ids::{FileId, UserId};
    use crate::domain::workflow::AnswerKind;
    use serde_json::json;

    fn read(action: ActionKind, body: Value) -> Result<(Option<i64>, Command), AppError> {
        read_action(action, body.as_object().cloned().unwrap())
    }

    #[test]
    fn publish_via_network_takes_no_link_and_only_network() {
        let body = |v: Value| v.as_object().cloned().unwrap();
        assert_eq!(
            read_via(
                ActionKind::Publish,
                &body(json!({ "via": "network", "version": 4 }))
            )
            .unwrap(),
            Some(Some(4))
        );
        assert_eq!(
            read_via(
                ActionKind::Publish,
                &body(json!({ "link": "https://vk.com/wall-1_2" }))
            )
            .unwrap(),
            None
        );
        let err = read_via(
            ActionKind::Publish,
            &body(json!({ "via": "network", "link": "https://vk.com/wall-1_2" })),
        )
        .unwrap_err();
        assert!(matches!(err, AppError::Validation { ref field, .. } if field == "link"));
        assert!(read_via(ActionKind::Publish, &body(json!({ "via": "mail" }))).is_err());
        assert!(read_via(ActionKind::Approve, &body(json!({ "via": "network" }))).is_err());
        assert!(read_via(
            ActionKind::Publish,
            &body(json!({ "via": "network", "version": "x" }))
        )
        .is_err());
    }

    #[test]
    fn each_action_takes_only_its_fields() {
        let err = read(
            ActionKind::SubmitDraft,
            json!({ "text": "Здравствуйте", "remarks": "лишнее" }),
        )
        .unwrap_err();
        let expected = format!(
            "Поле «remarks» не относится к действию «{}»",
            ActionKind::SubmitDraft.label()
        );
        assert_eq!(err, AppError::validation("remarks", expected));
    }

    #[test]
    fn missing_field_is_named_in_russian() {
        let err = read(ActionKind::Return, json!({})).unwrap_err();
        assert_eq!(
            err,
            AppError::validation("justification", "Укажите обоснование возврата")
        );
        let err = read(ActionKind::AuthorReplied, json!({})).unwrap_err();
        assert_eq!(err, AppError::validation("text", "Укажите ответ автора"));
    }

    #[test]
    fn bodies_read_into_commands_with_defaults_and_the_version() {
        assert_eq!(
            read(
                ActionKind::SubmitDraft,
                json!({ "text": "Ответ", "version": 3 })
            )
            .unwrap(),
            (
                Some(3),
                Command::SubmitDraft {
                    kind: AnswerKind::Final,
                    text: "Ответ".into(),
                    attachments: vec![]
                }
            )
        );
        assert_eq!(
            read(ActionKind::Assign, json!({ "executor_id": "5" }))
                .unwrap()
                .1,
            Command::Assign {
                executor: UserId(5),
                department: None
            }
        );
        assert_eq!(
            read(
                ActionKind::SubmitDraft,
                json!({ "text": "x", "attachments": [1, "2"] })
            )
            .unwrap()
            .1,
            Command::SubmitDraft {
                kind: AnswerKind::Final,
                text: "x".into(),
                attachments: vec![FileId(1), FileId(2)]
            }
        );
        assert_eq!(
            read(ActionKind::Approve, json!({})).unwrap().1,
            Command::Approve
        );
        assert!(read(ActionKind::Approve, json!({ "action": "publish" })).is_err());
        assert!(read(ActionKind::Intake, json!({})).is_err());
        assert!(read(ActionKind::Approve, json!({ "version": "x" })).is_err());
    }

    #[test]
    fn publish_time_local_or_rfc3339_default_none() {
        let at = |v: Value| match read(ActionKind::Publish, v).unwrap().1 {
            Command::Publish { published_at, .. } => {
                published_at.and_then(|m| m.resolve(chrono_tz::Europe::Moscow))
            }
            _ => panic!("not publish"),
        };
        let link = "https://vk.com/wall-1_1?reply=2";
        assert_eq!(at(json!({ "link": link })), None);
        assert_eq!(at(json!({ "link": link, "published_at": "" })), None);
        assert_eq!(
            at(json!({ "link": link, "published_at": "2026-04-06T13:30" })),
            Some("2026-04-06T10:30:00Z".parse().unwrap())
        );
        let bad = read(
            ActionKind::Publish,
            json!({ "link": link, "published_at": "вчера" }),
        )
        .unwrap_err();
        assert!(bad.to_string().contains("Неверное время «вчера»"), "{bad}");
    }

    #[test]
    fn an_unknown_ground_names_the_allowed_ones() {
        let err = read(ActionKind::Reject, json!({ "category": "spam" })).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("«spam»"), "{text}");
        assert!(text.contains("threat_family"), "{text}");
    }
}
