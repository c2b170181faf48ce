//! The input of a workflow action: one flat object whose fields depend on the action, used
//! by the REST route `POST /api/v1/messages/{id}/{action}` and by the pages' forms.

use crate::domain::ids::{DepartmentId, UserId};
use crate::domain::workflow::{ActionKind, AnswerKind, Command, RejectCategory};
use crate::error::AppError;
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// Fields of an action; each action takes only its own (others are refused).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ActionInput {
    /// The message version the caller saw; a stale one is refused with 409.
    pub version: Option<i64>,
    /// `assign`: the executor.
    pub executor_id: Option<UserId>,
    /// `assign`: the department (default: the executor's).
    pub department_id: Option<DepartmentId>,
    /// `return`: why the message is not ours (§5).
    pub justification: Option<String>,
    /// `send_back`: why the return is refused; `reject`: details.
    pub reason: Option<String>,
    /// `reject`: `threat`, `obscenity` or `insult` (§12).
    pub category: Option<RejectCategory>,
    /// `submit_draft`: `final`, `intermediate` or `clarification`.
    pub kind: Option<AnswerKind>,
    /// `submit_draft`: the answer; `author_replied`: the author's reply.
    pub text: Option<String>,
    /// `submit_draft`: ids of uploaded files to attach.
    pub attachments: Option<Vec<i64>>,
    /// `request_revision`: the authority's remarks (§8).
    pub remarks: Option<String>,
    /// `publish`: link to the published reply.
    pub link: Option<String>,
    /// `publish`: when it was published (RFC 3339, or local `YYYY-MM-DDTHH:MM`); default now.
    pub published_at: Option<String>,
    /// `set_urgent`: urgent or not.
    pub urgent: Option<bool>,
}

fn need<T>(value: Option<T>, field: &str, what: &str) -> Result<T, AppError> {
    value.ok_or_else(|| AppError::validation(field, format!("Укажите {what}")))
}

/// A moment given as RFC 3339 or as local `YYYY-MM-DDTHH:MM[:SS]` in the deployment's zone.
pub fn parse_moment(field: &str, value: &str, tz: Tz) -> Result<DateTime<Utc>, AppError> {
    let value = value.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(value) {
        return Ok(t.with_timezone(&Utc));
    }
    ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%d.%m.%Y %H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(value, f).ok())
        .and_then(|local| tz.from_local_datetime(&local).earliest())
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| {
            AppError::validation(
                field,
                format!("Неверное время «{value}»: ожидается 2026-04-06T14:05:00+03:00"),
            )
        })
}

impl ActionInput {
    /// Names of the fields that are set, besides `version`.
    fn given(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        let mut mark = |set: bool, name| {
            if set {
                out.push(name);
            }
        };
        mark(self.executor_id.is_some(), "executor_id");
        mark(self.department_id.is_some(), "department_id");
        mark(self.justification.is_some(), "justification");
        mark(self.reason.is_some(), "reason");
        mark(self.category.is_some(), "category");
        mark(self.kind.is_some(), "kind");
        mark(self.text.is_some(), "text");
        mark(self.attachments.is_some(), "attachments");
        mark(self.remarks.is_some(), "remarks");
        mark(self.link.is_some(), "link");
        mark(self.published_at.is_some(), "published_at");
        mark(self.urgent.is_some(), "urgent");
        out
    }

    /// The command for `action`; a missing field or one that belongs to another action is
    /// a validation error. Intake is not an action on a message.
    pub fn into_command(
        self,
        action: ActionKind,
        tz: Tz,
        now: DateTime<Utc>,
    ) -> Result<Command, AppError> {
        let allowed: &[&str] = match action {
            ActionKind::Intake => return Err(intake_is_not_an_action()),
            ActionKind::Assign => &["executor_id", "department_id"],
            ActionKind::Return => &["justification"],
            ActionKind::SendBack => &["reason"],
            ActionKind::Reject => &["category", "reason"],
            ActionKind::SubmitDraft => &["kind", "text", "attachments"],
            ActionKind::Approve => &[],
            ActionKind::RequestRevision => &["remarks"],
            ActionKind::Publish => &["link", "published_at"],
            ActionKind::AuthorReplied => &["text"],
            ActionKind::SetUrgent => &["urgent"],
        };
        if let Some(extra) = self.given().into_iter().find(|f| !allowed.contains(f)) {
            return Err(AppError::validation(
                extra,
                format!(
                    "Поле «{extra}» не относится к действию «{}»",
                    action.label()
                ),
            ));
        }
        Ok(match action {
            ActionKind::Intake => return Err(intake_is_not_an_action()),
            ActionKind::Assign => Command::Assign {
                executor: need(self.executor_id, "executor_id", "исполнителя")?,
                department: self.department_id,
            },
            ActionKind::Return => Command::Return {
                justification: need(self.justification, "justification", "обоснование возврата")?,
            },
            ActionKind::SendBack => Command::SendBack {
                reason: need(self.reason, "reason", "причину")?,
            },
            ActionKind::Reject => Command::Reject {
                category: need(self.category, "category", "категорию (§12)")?,
                reason: self.reason.unwrap_or_default(),
            },
            ActionKind::SubmitDraft => Command::SubmitDraft {
                kind: self.kind.unwrap_or(AnswerKind::Final),
                text: need(self.text, "text", "текст ответа")?,
                attachments: self.attachments.unwrap_or_default(),
            },
            ActionKind::Approve => Command::Approve,
            ActionKind::RequestRevision => Command::RequestRevision {
                remarks: need(self.remarks, "remarks", "замечания")?,
            },
            ActionKind::Publish => Command::Publish {
                link: need(self.link, "link", "ссылку на опубликованный ответ")?,
                published_at: match self.published_at.as_deref().map(str::trim) {
                    None | Some("") => now,
                    Some(t) => parse_moment("published_at", t, tz)?,
                },
            },
            ActionKind::AuthorReplied => Command::AuthorReplied {
                text: need(self.text, "text", "ответ автора")?,
            },
            ActionKind::SetUrgent => Command::SetUrgent {
                urgent: need(self.urgent, "urgent", "срочность")?,
            },
        })
    }
}

fn intake_is_not_an_action() -> AppError {
    AppError::validation(
        "action",
        "Регистрация сообщения — это POST /api/v1/messages, а не действие над сообщением",
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn now() -> DateTime<Utc> {
        "2026-04-06T11:00:00Z".parse().unwrap()
    }

    #[test]
    fn each_action_takes_only_its_fields() {
        let input = ActionInput {
            text: Some("Здравствуйте".into()),
            remarks: Some("лишнее".into()),
            ..Default::default()
        };
        let err = input
            .into_command(ActionKind::SubmitDraft, chrono_tz::Europe::Moscow, now())
            .unwrap_err();
        let expected = format!(
            "Поле «remarks» не относится к действию «{}»",
            ActionKind::SubmitDraft.label()
        );
        assert_eq!(err, AppError::validation("remarks", expected));
    }

    #[test]
    fn missing_field_is_named_in_russian() {
        let err = ActionInput::default()
            .into_command(ActionKind::Return, chrono_tz::Europe::Moscow, now())
            .unwrap_err();
        assert_eq!(
            err,
            AppError::validation("justification", "Укажите обоснование возврата")
        );
    }

    #[test]
    fn publish_time_local_or_rfc3339_default_now() {
        let tz = chrono_tz::Europe::Moscow;
        let cmd = |p: Option<&str>| {
            ActionInput {
                link: Some("https://vk.com/wall-1_1?reply=2".into()),
                published_at: p.map(str::to_owned),
                ..Default::default()
            }
            .into_command(ActionKind::Publish, tz, now())
            .unwrap()
        };
        let at = |c: Command| match c {
            Command::Publish { published_at, .. } => published_at,
            _ => panic!("not publish"),
        };
        assert_eq!(at(cmd(None)), now());
        assert_eq!(
            at(cmd(Some("2026-04-06T13:30"))),
            "2026-04-06T10:30:00Z".parse::<DateTime<Utc>>().unwrap()
        );
        assert_eq!(
            at(cmd(Some("2026-04-06T13:30:00+03:00"))),
            "2026-04-06T10:30:00Z".parse::<DateTime<Utc>>().unwrap()
        );
        let bad = ActionInput {
            link: Some("https://vk.com/x".into()),
            published_at: Some("вчера".into()),
            ..Default::default()
        }
        .into_command(ActionKind::Publish, tz, now());
        assert!(matches!(bad, Err(AppError::Validation { field, .. }) if field == "published_at"));
    }
}
