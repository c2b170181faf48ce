//! Messages as the REST API returns them and the pages render them. Times carry the
//! deployment's UTC offset (SPEC: "responses use the deployment's offset").

use crate::domain::deadline::{Deadline, DeadlineRule, Outcome, Responsible};
use crate::domain::ids::{DepartmentId, MessageId, TopicId, UserId};
use crate::domain::moderation::Flags;
use crate::domain::network::Network;
use crate::domain::workflow::{ActionKind, AnswerKind, MessageState};
use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A time with the deployment's offset, serialised as RFC 3339.
pub type Time = DateTime<FixedOffset>;

/// A user named in a message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UserRef {
    /// Id.
    pub id: UserId,
    /// Full name.
    pub name: String,
}

/// A department named in a message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DepartmentRef {
    /// Id.
    pub id: DepartmentId,
    /// Name.
    pub name: String,
}

/// The latest deadline of one rule (the `deadlines` object of SPEC).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DeadlineDto {
    /// When the clock started.
    pub started_at: DateTime<FixedOffset>,
    /// When it is due.
    pub due: DateTime<FixedOffset>,
    /// When it closed: its task done, or cancelled, or superseded (`null` while running).
    pub done_at: Option<DateTime<FixedOffset>>,
    /// Done in time: `true` for `met`, `false` for `breached`; `null` while running and
    /// for `cancelled` or `superseded` deadlines (neither met nor breached).
    pub met: Option<bool>,
    /// How it ended: `met`, `breached`, `cancelled` (the message was returned or
    /// rejected) or `superseded` (replaced by a new deadline when the urgency changed);
    /// `null` while running. Recorded once when it closed, never recomputed.
    pub outcome: Option<Outcome>,
    /// For `met` and `breached`: how many working seconds after `due` the task was done
    /// (0 when met), computed once with the calendar of that moment; otherwise `null`.
    pub late_by_seconds: Option<i64>,
    /// Who was responsible when it started (§13): the assigned executor, or the
    /// coordinators while nobody was; `null` if not recorded (deadlines of earlier versions).
    pub responsible_at_start: Option<Responsible>,
    /// Who was responsible when it closed; `null` while running.
    pub responsible_at_end: Option<Responsible>,
}

impl DeadlineDto {
    /// The recorded deadline `d`, with times in `tz`.
    pub fn of(d: &Deadline, tz: chrono_tz::Tz) -> Self {
        let local = |t: chrono::DateTime<chrono::Utc>| t.with_timezone(&tz).fixed_offset();
        Self {
            started_at: local(d.started_at),
            due: local(d.due_at),
            done_at: d.done_at.map(local),
            met: d.met(),
            outcome: d.outcome,
            late_by_seconds: d.late_by_secs,
            responsible_at_start: d.responsible_at_start,
            responsible_at_end: d.responsible_at_end,
        }
    }

    /// The deadline of rule `rule` back as the domain's record (no row id).
    pub fn to_deadline(&self, rule: DeadlineRule) -> Deadline {
        let utc = |t: &DateTime<FixedOffset>| t.with_timezone(&chrono::Utc);
        Deadline {
            id: None,
            rule,
            started_at: utc(&self.started_at),
            due_at: utc(&self.due),
            done_at: self.done_at.as_ref().map(utc),
            outcome: self.outcome,
            late_by_secs: self.late_by_seconds,
            responsible_at_start: self.responsible_at_start,
            responsible_at_end: self.responsible_at_end,
        }
    }
}

/// A message with its current deadlines.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MessageDto {
    /// Otklik's id.
    pub id: MessageId,
    /// The regional system's id.
    pub external_id: String,
    /// The state (SPEC state names).
    pub status: MessageState,
    /// The network.
    pub network: Network,
    /// Link to the post.
    pub url: String,
    /// The author's name.
    pub author: String,
    /// Link to the author's page.
    pub author_url: Option<String>,
    /// The text.
    pub text: String,
    /// Topic: the catalogue's name, or the text received when it is not in the catalogue.
    pub topic: Option<String>,
    /// The catalogue's entry (`null`: none chosen yet).
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<i64>))]
    pub topic_id: Option<TopicId>,
    /// A topic was received that is not an active entry of the catalogue: the
    /// coordinator chooses one.
    #[serde(default)]
    pub topic_unknown: bool,
    /// Marked urgent (shorter `answer_by`).
    pub urgent: bool,
    /// When the authority detected it.
    pub detected_at: DateTime<FixedOffset>,
    /// When Otklik received it.
    pub received_at: DateTime<FixedOffset>,
    /// The assigned executor.
    pub assignee: Option<UserRef>,
    /// The responsible department.
    pub department: Option<DepartmentRef>,
    /// The code of the administration the message belongs to (`main` in a district
    /// deployment).
    pub administration: String,
    /// §12 words and phrases found in the text, for the coordinator.
    pub flags: Flags,
    /// Optimistic-concurrency version: send it back with an action.
    pub version: i64,
    /// The started deadlines by rule id (`return_by`, `draft_by`, ...), the latest of each.
    #[cfg_attr(feature = "ssr", schema(value_type = BTreeMap<String, DeadlineDto>))]
    pub deadlines: BTreeMap<String, DeadlineDto>,
    /// The case it belongs to (posts about one problem), `null` when it is in none.
    #[serde(default)]
    pub case: Option<CaseDto>,
}

/// A case: the lead message, where the draft and the approval happen once, and the posts
/// linked to it, each published on its own.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CaseDto {
    /// The lead message's id.
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub lead: MessageId,
    /// The linked posts' ids (the lead not included), in order.
    #[cfg_attr(feature = "ssr", schema(value_type = Vec<i64>))]
    pub posts: Vec<MessageId>,
}

/// An uploaded file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AttachmentDto {
    /// Id (send it with `submit_draft` to attach it to the draft).
    pub id: i64,
    /// The content type found by content.
    pub mime: String,
    /// Size in bytes.
    pub size: i64,
    /// The uploader's file name (a label only).
    pub name: String,
    /// Where to download it (signed-in users and API tokens only).
    pub url: String,
    /// The draft it belongs to, by number (`null`: not attached to a draft).
    pub draft: Option<i64>,
}

/// One version of the answer draft.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DraftDto {
    /// 1, 2, ... per message.
    pub number: i64,
    /// Final answer, intermediate answer or clarification request.
    pub kind: AnswerKind,
    /// The text.
    pub text: String,
    /// When it was sent for approval.
    pub submitted_at: DateTime<FixedOffset>,
    /// Who sent it.
    pub submitted_by: Option<String>,
    /// `approved`, `returned`, or `null` while on approval.
    pub decision: Option<String>,
    /// The authority's remarks when returned.
    pub remarks: Option<String>,
    /// Who decided.
    pub decided_by: Option<String>,
    /// When.
    pub decided_at: Option<DateTime<FixedOffset>>,
    /// Word diff against the previous version (`null` for the first).
    #[cfg_attr(feature = "ssr", schema(value_type = Option<Vec<Object>>))]
    pub changes: Option<Vec<(crate::domain::diff::Change, String)>>,
}

/// A published answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PublicationDto {
    /// The draft that was published, by number.
    pub draft: i64,
    /// Link to the published reply.
    pub link: String,
    /// When it was published.
    pub published_at: DateTime<FixedOffset>,
    /// Who recorded it.
    pub published_by: Option<String>,
}

/// One journal event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct JournalEntryDto {
    /// Event id (increasing).
    pub id: i64,
    /// When.
    pub at: DateTime<FixedOffset>,
    /// Who (a person's name or "API: token name").
    pub actor: String,
    /// What.
    pub action: ActionKind,
    /// State before (`null` for intake).
    pub from: Option<MessageState>,
    /// State after.
    pub to: MessageState,
    /// Details (assignee, draft number, remarks, link, ...).
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub details: serde_json::Value,
}

/// Every deadline ever started on the message, in order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DeadlineRecordDto {
    /// Rule id.
    pub rule: String,
    /// The deadline.
    #[serde(flatten)]
    pub deadline: DeadlineDto,
}

/// A message with everything about it: drafts, publications, files, journal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MessageDetailDto {
    /// The message.
    #[serde(flatten)]
    pub message: MessageDto,
    /// Draft versions, oldest first.
    pub drafts: Vec<DraftDto>,
    /// Publications, oldest first.
    pub publications: Vec<PublicationDto>,
    /// Files: images of the post and evidence for the answer.
    pub attachments: Vec<AttachmentDto>,
    /// The timeline, oldest first.
    pub journal: Vec<JournalEntryDto>,
    /// Every deadline started, oldest first (the `deadlines` object has the latest of each).
    pub deadline_history: Vec<DeadlineRecordDto>,
    /// What the caller may do now.
    pub actions: Vec<ActionKind>,
    /// Publishing through the network's API: available or why not, the last attempt.
    pub publishing: crate::dto::networks::PublishingDto,
    /// When the caller may link it to a case: open messages of its administration that
    /// look like the same problem, the likeliest first.
    #[serde(default)]
    pub case_candidates: Vec<CandidateDto>,
    /// When the caller may set the topic and none is chosen: the catalogue's topic the
    /// text's words point to, with those words. Never set by itself.
    #[serde(default)]
    pub topic_suggestion: Option<TopicSuggestionDto>,
}

/// A topic suggested from a post's words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TopicSuggestionDto {
    /// The catalogue's entry.
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub id: TopicId,
    /// Its name.
    pub name: String,
    /// The words of the text that point to it.
    pub matched: Vec<String>,
}

/// An entry of the topic catalogue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TopicDto {
    /// Its id.
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub id: TopicId,
    /// Its name.
    pub name: String,
    /// Offered for new choices (an inactive one stays on the messages that have it).
    pub active: bool,
    /// The department that usually handles it.
    pub department: Option<DepartmentRef>,
}

/// A message suggested for linking, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CandidateDto {
    /// Its id.
    #[cfg_attr(feature = "ssr", schema(value_type = i64))]
    pub id: MessageId,
    /// Its network.
    pub network: Network,
    /// Its author.
    pub author: String,
    /// The start of its text.
    pub text: String,
    /// The same topic.
    pub same_topic: bool,
    /// The words both texts share.
    pub words: Vec<String>,
}

/// A page of the dashboard's list, rendered by the server (rows with their countdowns).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardRows {
    /// The table (or the «no messages» note) as HTML; every text in it is escaped.
    pub html: String,
    /// The cursor of the next page (`None`: this is the last).
    pub next: Option<String>,
    /// The messages shown, in order.
    pub ids: Vec<MessageId>,
}

/// Which messages to list (every field optional).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams, utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
pub struct MessageFilter {
    /// One state or several separated by commas (`new,in_work`).
    #[cfg_attr(
        feature = "ssr",
        param(
            pattern = "^ *$|^ *(new|in_work|on_approval|revision|approved|awaiting_final|awaiting_author|answered|returned|rejected) *(, *(new|in_work|on_approval|revision|approved|awaiting_final|awaiting_author|answered|returned|rejected) *)*$"
        )
    )]
    pub status: Option<String>,
    /// Only messages still being worked on.
    pub active: Option<bool>,
    /// Assigned executor.
    pub assignee: Option<UserId>,
    /// Department.
    pub department: Option<DepartmentId>,
    /// Network.
    pub network: Option<Network>,
    /// A topic of the catalogue (its id).
    #[cfg_attr(feature = "ssr", param(value_type = Option<i64>))]
    pub topic: Option<TopicId>,
    /// Urgent only (or not urgent only).
    pub urgent: Option<bool>,
    /// Only messages with a running deadline already past due.
    pub overdue: Option<bool>,
    /// Only messages with a §12 flag.
    pub flagged: Option<bool>,
    /// Only messages with a running deadline overdue or in the last share (25 %) of its
    /// working-time budget (the coordinator's escalation view).
    pub pressing: Option<bool>,
    /// Text search in the author, text, topic and external id (case-insensitive).
    pub q: Option<String>,
    /// At most this many (default and maximum 5,000; more is read as 5,000).
    #[cfg_attr(
        feature = "ssr",
        param(value_type = Option<i64>, minimum = 0, maximum = 4294967295_i64)
    )]
    pub limit: Option<u32>,
    /// Skip this many of the ordered list first (paging; kept for compatibility, prefer
    /// `cursor`).
    #[cfg_attr(
        feature = "ssr",
        param(value_type = Option<i64>, minimum = 0, maximum = 4294967295_i64)
    )]
    pub offset: Option<u32>,
    /// Continue after this row: the `X-Next-Cursor` of the previous page (keyset paging,
    /// stable while messages change).
    #[cfg_attr(feature = "ssr", param(pattern = r"^-?[0-9]{1,18}\.[0-9]{1,18}$"))]
    pub cursor: Option<String>,
    /// `false`: each case once, by its lead (the posts linked to a lead are left out);
    /// default: every message.
    pub posts: Option<bool>,
    /// Detected on or after this day (`YYYY-MM-DD`, in the deployment's time zone); with
    /// `closed=true`: closed on or after it.
    #[cfg_attr(feature = "ssr", param(value_type = Option<String>, format = Date))]
    pub from: Option<NaiveDate>,
    /// Detected on or before this day (inclusive); with `closed=true`: closed on or before it.
    #[cfg_attr(feature = "ssr", param(value_type = Option<String>, format = Date))]
    pub to: Option<NaiveDate>,
    /// «Закрытые за период»: only messages answered, returned or rejected, and `from`/`to`
    /// bound the day they were closed instead of the day they were detected.
    pub closed: Option<bool>,
}

impl MessageFilter {
    /// The filter as the API's query string (without paging: `limit`, `offset`, `cursor`),
    /// e.g. for the list's export links.
    pub fn to_query(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        let mut put = |k: &'static str, v: Option<String>| {
            if let Some(v) = v {
                pairs.push((k, v));
            }
        };
        put("status", self.status.clone());
        put("active", self.active.map(|b| b.to_string()));
        put("assignee", self.assignee.map(|u| u.0.to_string()));
        put("department", self.department.map(|d| d.0.to_string()));
        put("network", self.network.map(|n| n.as_str().to_owned()));
        put("topic", self.topic.map(|t| t.0.to_string()));
        put("urgent", self.urgent.map(|b| b.to_string()));
        put("overdue", self.overdue.map(|b| b.to_string()));
        put("flagged", self.flagged.map(|b| b.to_string()));
        put("pressing", self.pressing.map(|b| b.to_string()));
        put("q", self.q.clone());
        put("posts", self.posts.map(|b| b.to_string()));
        put(
            "from",
            self.from.map(|d| crate::domain::datefmt::iso_date(&d)),
        );
        put("to", self.to.map(|d| crate::domain::datefmt::iso_date(&d)));
        put("closed", self.closed.map(|b| b.to_string()));
        pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", percent_encoded(v)))
            .collect::<Vec<_>>()
            .join("&")
    }
}

/// `s` percent-encoded for a query value (everything but unreserved ASCII).
fn percent_encoded(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// An executor to choose when assigning.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExecutorOption {
    /// The user.
    pub id: UserId,
    /// Full name.
    pub name: String,
    /// Department name.
    pub department: Option<String>,
}

/// The intake form (authority, coordinator): the intake API's fields as text.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntakeForm {
    /// The regional system's id; generated when empty.
    pub external_id: Option<String>,
    /// `vk`, `ok`, `telegram`, `max`, `instagram`, `other`.
    pub network: String,
    /// Link to the post.
    pub url: String,
    /// The author's name.
    pub author: String,
    /// Link to the author's page.
    pub author_url: Option<String>,
    /// The text.
    pub text: String,
    /// Topic.
    pub topic: Option<String>,
    /// When detected (local `YYYY-MM-DDTHH:MM` or RFC 3339); now when empty.
    pub detected_at: Option<String>,
    /// The administration's code (a regional caller of a deployment with several).
    #[serde(default)]
    pub administration: Option<String>,
}

/// An administration a message may be taken into.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdministrationRef {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
}

#[cfg(test)]
mod filter_tests {
    use super::*;

    #[test]
    fn a_filter_becomes_the_apis_query_without_paging() {
        let f = MessageFilter {
            network: Some(Network::Telegram),
            q: Some("яма у дома №5".into()),
            from: NaiveDate::from_ymd_opt(2026, 2, 1),
            closed: Some(true),
            limit: Some(25),
            cursor: Some("1.2".into()),
            ..MessageFilter::default()
        };
        assert_eq!(
            f.to_query(),
            "network=telegram&q=%D1%8F%D0%BC%D0%B0%20%D1%83%20%D0%B4%D0%BE%D0%BC%D0%B0%20%E2%84%965&from=2026-02-01&closed=true"
        );
    }
}
