//! Reading messages: who may see which, one message with everything about it, and the
//! filtered list the dashboard and `GET /api/v1/messages` show.

use super::Caller;
use crate::domain::case::{Candidate, Membership};
use crate::domain::deadline::{Deadline, DeadlineRule};
use crate::domain::ids::{AdministrationId, DepartmentId, MessageId, TopicId, UserId};
use crate::domain::listing::{search_words, Cursor, Visibility, SORT_CLOSED};
use crate::domain::moderation::Flags;
use crate::domain::network::Network;
use crate::domain::workflow::{
    available_actions, ActionKind, Actor, AnswerKind, MessageState, MessageView,
};
use crate::dto::message::{
    AttachmentDto, CandidateDto, CaseDto, DeadlineDto, DeadlineRecordDto, DepartmentRef, DraftDto,
    JournalEntryDto, MessageDetailDto, MessageDto, MessageFilter, PublicationDto, Time, UserRef,
};
use crate::error::AppError;
use crate::on_db;
use crate::service::ctx::Ctx;
use crate::service::db::dialect::{json_rows, search_plan, Search, SearchPlan};
use crate::service::db::Db;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use std::collections::{BTreeMap, HashMap};

/// Most messages one list returns.
pub const MAX_LIST: u32 = 5000;

/// The states in which nobody has to act any more (`MessageState::is_active` false), as an
/// SQL list.
pub(crate) const CLOSED_STATES: &str = "('answered', 'returned', 'rejected')";

/// Whether `caller` may read a message of this administration with this assignee and
/// department (`domain::administration::Scope`, `domain::listing::Visibility`).
pub fn can_read(
    caller: &Caller,
    administration: AdministrationId,
    assignee: Option<UserId>,
    department: Option<DepartmentId>,
) -> bool {
    caller.scope().allows(administration) && caller.visibility().allows(assignee, department)
}

fn local(t: DateTime<Utc>, tz: Tz) -> Time {
    t.with_timezone(&tz).fixed_offset()
}

#[derive(sqlx::FromRow)]
struct MessageRow {
    id: MessageId,
    external_id: String,
    network: Network,
    url: String,
    author: String,
    author_url: Option<String>,
    text: String,
    topic: Option<String>,
    urgent: bool,
    state: MessageState,
    detected_at: DateTime<Utc>,
    received_at: DateTime<Utc>,
    assignee_id: Option<UserId>,
    assignee_name: Option<String>,
    assignee_active: bool,
    department_id: Option<DepartmentId>,
    department_name: Option<String>,
    administration_id: AdministrationId,
    administration: String,
    flags: String,
    version: i64,
    sort_key: Option<i64>,
    case_lead_id: Option<MessageId>,
    case_posts: i64,
    topic_id: Option<TopicId>,
    received_topic: Option<String>,
}

const MESSAGE_COLUMNS: &str = "SELECT m.id, m.external_id, m.network, m.url, m.author, m.author_url, m.text, \
            COALESCE(tp.name, m.topic) AS topic, m.topic_id, m.topic AS received_topic, \
            m.urgent, m.state, m.detected_at, m.received_at, m.assignee_id, u.full_name AS assignee_name, \
            COALESCE(u.active, TRUE) AS assignee_active, m.department_id, d.name AS department_name, m.administration_id, a.code AS administration, \
            m.flags, m.version, m.sort_key, m.case_lead_id, m.case_posts \
     FROM messages m LEFT JOIN users u ON u.id = m.assignee_id LEFT JOIN departments d ON d.id = m.department_id \
     JOIN administrations a ON a.id = m.administration_id LEFT JOIN topics tp ON tp.id = m.topic_id";

impl MessageRow {
    /// The lead of its case, if it is in one.
    fn lead(&self) -> Option<MessageId> {
        self.case_lead_id
            .or((self.case_posts > 0).then_some(self.id))
    }

    fn dto(self, deadlines: &[Deadline], cases: &Cases, tz: Tz) -> MessageDto {
        let case = self.lead().map(|lead| CaseDto {
            lead,
            posts: cases.get(&lead).cloned().unwrap_or_default(),
        });
        // Later rows of a rule replace earlier ones: the object shows the latest.
        let deadlines = deadlines
            .iter()
            .map(|d| (d.rule.as_str().to_owned(), DeadlineDto::of(d, tz)))
            .collect::<BTreeMap<_, _>>();
        let flags = serde_json::from_str::<Flags>(&self.flags).unwrap_or_else(|e| {
            tracing::warn!(error = %e, id = %self.id, "stored §12 flags unreadable");
            Flags::default()
        });
        MessageDto {
            id: self.id,
            external_id: self.external_id,
            status: self.state,
            network: self.network,
            url: self.url,
            author: self.author,
            author_url: self.author_url,
            text: self.text,
            topic: self.topic,
            topic_id: self.topic_id,
            // Received, but not in the catalogue: the coordinator chooses.
            topic_unknown: self.topic_id.is_none()
                && self.received_topic.is_some_and(|t| !t.trim().is_empty()),
            urgent: self.urgent,
            detected_at: local(self.detected_at, tz),
            received_at: local(self.received_at, tz),
            assignee: self
                .assignee_id
                .zip(self.assignee_name)
                .map(|(id, name)| UserRef { id, name }),
            department: self
                .department_id
                .zip(self.department_name)
                .map(|(id, name)| DepartmentRef { id, name }),
            administration: self.administration,
            flags,
            version: self.version,
            deadlines,
            case,
        }
    }
}

/// The messages `ids` (none for none), in `order`.
async fn rows_with_ids(
    pool: &Db,
    ids: &[MessageId],
    order: &str,
) -> Result<Vec<MessageRow>, AppError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(on_db!(pool, p, DB => {
        let mut q = sqlx::QueryBuilder::<DB>::new(MESSAGE_COLUMNS);
        q.push(" WHERE m.id IN (");
        let mut list = q.separated(", ");
        for id in ids {
            list.push_bind(*id);
        }
        list.push_unseparated(") ORDER BY ");
        q.push(order);
        q.build_query_as().fetch_all(p).await
    })?)
}

/// The posts of each case's lead.
type Cases = HashMap<MessageId, Vec<MessageId>>;

/// The posts of the cases `rows` belong to: one query, only when a row is in a case.
async fn cases_of(pool: &Db, rows: &[MessageRow]) -> Result<Cases, AppError> {
    let mut leads: Vec<MessageId> = rows.iter().filter_map(MessageRow::lead).collect();
    if leads.is_empty() {
        return Ok(Cases::new());
    }
    leads.sort_unstable();
    leads.dedup();
    let found: Vec<(MessageId, MessageId)> = on_db!(pool, p, DB => {
        let mut q = sqlx::QueryBuilder::<DB>::new(
            "SELECT case_lead_id, id FROM messages WHERE case_lead_id IN (",
        );
        let mut list = q.separated(", ");
        for l in &leads {
            list.push_bind(*l);
        }
        list.push_unseparated(") ORDER BY id");
        q.build_query_as().fetch_all(p).await
    })?;
    let mut cases = Cases::new();
    for (lead, post) in found {
        cases.entry(lead).or_default().push(post);
    }
    Ok(cases)
}

/// Message `id` if it is of an administration the caller reads: another's is "not found",
/// never its content.
async fn load_row(pool: &Db, caller: &Caller, id: MessageId) -> Result<MessageRow, AppError> {
    on_db!(pool, p => sqlx::query_as(&format!(
        "{MESSAGE_COLUMNS} WHERE m.id = $1 AND ($2 IS NULL OR m.administration_id = $2)"
    ))
        .bind(id)
        .bind(caller.scope().only())
        .fetch_optional(p)
        .await)?
    .ok_or_else(|| not_found(id))
}

/// The refusal of a message that does not exist or is of another administration.
pub(crate) fn not_found(id: MessageId) -> AppError {
    AppError::NotFound(format!("Сообщение №{id} не найдено"))
}

fn forbidden_to_read() -> AppError {
    AppError::Forbidden("Сообщение относится к другому отделу".into())
}

/// Message `id` if the caller may read it: `NotFound` or `Forbidden` otherwise.
async fn readable_row(pool: &Db, caller: &Caller, id: MessageId) -> Result<MessageRow, AppError> {
    let row = load_row(pool, caller, id).await?;
    if can_read(
        caller,
        row.administration_id,
        row.assignee_id,
        row.department_id,
    ) {
        Ok(row)
    } else {
        Err(forbidden_to_read())
    }
}

/// Whether the caller may read message `id`: `NotFound` or `Forbidden` otherwise.
pub async fn ensure_readable(pool: &Db, caller: &Caller, id: MessageId) -> Result<(), AppError> {
    readable_row(pool, caller, id).await.map(|_| ())
}

/// The message as the caller may see it (without drafts and journal).
pub async fn message(ctx: &Ctx, caller: &Caller, id: MessageId) -> Result<MessageDto, AppError> {
    let (pool, tz) = (&ctx.pool, ctx.tz());
    let row = readable_row(pool, caller, id).await?;
    let deadlines = deadlines_of(pool, id).await?;
    let cases = cases_of(pool, std::slice::from_ref(&row)).await?;
    Ok(row.dto(&deadlines, &cases, tz))
}

#[derive(sqlx::FromRow)]
struct DraftRow {
    id: i64,
    number: i64,
    kind: AnswerKind,
    text: String,
    submitted_at: DateTime<Utc>,
    submitted_by: Option<String>,
    decision: Option<String>,
    remarks: Option<String>,
    decided_by: Option<String>,
    decided_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct JournalRow {
    id: i64,
    at: DateTime<Utc>,
    actor_label: String,
    action: String,
    from_state: Option<MessageState>,
    to_state: MessageState,
    details: String,
}

/// Everything about one message: drafts, publications, files, journal, every deadline,
/// and the actions the caller may take now.
pub async fn detail(
    ctx: &Ctx,
    caller: &Caller,
    id: MessageId,
) -> Result<MessageDetailDto, AppError> {
    let (pool, tz) = (&ctx.pool, ctx.tz());
    let row = readable_row(pool, caller, id).await?;
    let drafts: Vec<DraftRow> = on_db!(pool, p => sqlx::query_as(
        "SELECT d.id, d.number, d.kind, d.text, d.submitted_at, s.full_name AS submitted_by, d.decision, \
                d.remarks, a.full_name AS decided_by, d.decided_at \
         FROM drafts d LEFT JOIN users s ON s.id = d.submitted_by LEFT JOIN users a ON a.id = d.decided_by \
         WHERE d.message_id = $1 ORDER BY d.number",
    )
    .bind(id)
    .fetch_all(p)
    .await)?;
    let number_of: HashMap<i64, i64> = drafts.iter().map(|d| (d.id, d.number)).collect();
    let publications: Vec<(i64, String, DateTime<Utc>, Option<String>)> = on_db!(pool, p => sqlx::query_as(
        "SELECT p.draft_id, p.link, p.published_at, u.full_name FROM publications p \
         LEFT JOIN users u ON u.id = p.published_by WHERE p.message_id = $1 ORDER BY p.id",
    )
    .bind(id)
    .fetch_all(p)
    .await)?;
    let files = crate::service::attachments::for_message(pool, id).await?;
    let journal: Vec<JournalRow> = on_db!(pool, p => sqlx::query_as(
        "SELECT id, at, actor_label, action, from_state, to_state, details FROM journal \
         WHERE message_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(p)
    .await)?;
    let deadlines = deadlines_of(pool, id).await?;
    let cases = cases_of(pool, std::slice::from_ref(&row)).await?;
    let view = MessageView {
        state: row.state,
        network: row.network,
        tz,
        // Which hosts a link may point to matters only to `publish` itself.
        link_hosts: Vec::new(),
        final_draft_started: deadlines
            .iter()
            .any(|d| d.rule == DeadlineRule::FinalDraftBy),
        assignee: row.assignee_id,
        assignee_active: row.assignee_active,
        department: row.department_id,
        urgent: row.urgent,
        draft_kind: drafts.last().map(|d| d.kind),
        approved_at: drafts
            .last()
            .filter(|d| d.decision.as_deref() == Some("approved"))
            .and_then(|d| d.decided_at),
        case: Membership::of(row.case_lead_id, row.case_posts),
    };
    let actions = available_actions(
        &view,
        &Actor {
            user: caller.user,
            role: caller.role,
        },
    );
    let publishing =
        crate::service::publishing::status(ctx, row.administration_id, id, row.network).await?;
    let case_candidates = if actions.contains(&ActionKind::Link) {
        candidates(pool, &row).await?
    } else {
        Vec::new()
    };
    // Suggested, never set by itself: the coordinator decides.
    let topic_suggestion = if actions.contains(&ActionKind::SetTopic) && row.topic_id.is_none() {
        crate::service::topics::suggest(pool, row.administration_id, &row.text).await?
    } else {
        None
    };
    Ok(MessageDetailDto {
        publishing,
        case_candidates,
        topic_suggestion,
        drafts: drafts
            .iter()
            .enumerate()
            .map(|(i, d)| DraftDto {
                changes: i
                    .checked_sub(1)
                    .and_then(|p| drafts.get(p))
                    .map(|prev| crate::domain::diff::words(&prev.text, &d.text)),
                number: d.number,
                kind: d.kind,
                text: d.text.clone(),
                submitted_at: local(d.submitted_at, tz),
                submitted_by: d.submitted_by.clone(),
                decision: d.decision.clone(),
                remarks: d.remarks.clone(),
                decided_by: d.decided_by.clone(),
                decided_at: d.decided_at.map(|t| local(t, tz)),
            })
            .collect(),
        publications: publications
            .into_iter()
            .map(|(draft, link, at, by)| PublicationDto {
                draft: number_of.get(&draft).copied().unwrap_or_default(),
                link,
                published_at: local(at, tz),
                published_by: by,
            })
            .collect(),
        attachments: files
            .into_iter()
            .map(|f| AttachmentDto {
                id: f.id,
                url: format!("/api/v1/attachments/{}", f.id),
                mime: f.mime,
                size: f.size,
                name: f.original_name,
                draft: f.draft_id.and_then(|d| number_of.get(&d).copied()),
            })
            .collect(),
        journal: journal
            .into_iter()
            .filter_map(|j| {
                let action = crate::domain::workflow::ActionKind::from_name(&j.action)?;
                Some(JournalEntryDto {
                    id: j.id,
                    at: local(j.at, tz),
                    actor: j.actor_label,
                    action,
                    from: j.from_state,
                    to: j.to_state,
                    details: serde_json::from_str(&j.details).unwrap_or_default(),
                })
            })
            .collect(),
        deadline_history: deadlines
            .iter()
            .map(|d| DeadlineRecordDto {
                rule: d.rule.as_str().to_owned(),
                deadline: DeadlineDto::of(d, tz),
            })
            .collect(),
        actions,
        message: row.dto(&deadlines, &cases, tz),
    })
}

/// How many candidates for a link the page shows.
const CANDIDATES: usize = 5;
/// How far apart in time (either way) a candidate may have been detected.
const CANDIDATES_WITHIN_DAYS: i64 = 7;
/// The most messages near in time read to choose the candidates from.
const CANDIDATES_READ: i64 = 300;

/// Open messages of `row`'s administration, alone or leading a case, detected within a
/// week of it, ranked by `domain::case::candidates`.
async fn candidates(pool: &Db, row: &MessageRow) -> Result<Vec<CandidateDto>, AppError> {
    let within = chrono::Duration::days(CANDIDATES_WITHIN_DAYS);
    let open: Vec<&str> = MessageState::ALL
        .into_iter()
        .filter(|s| s.is_active())
        .map(MessageState::as_str)
        .collect();
    type Near = (
        MessageId,
        Network,
        String,
        String,
        Option<String>,
        DateTime<Utc>,
    );
    let near: Vec<Near> = on_db!(pool, p, DB => {
        let mut q = sqlx::QueryBuilder::<DB>::new(
            "SELECT id, network, author, text, topic, detected_at FROM messages \
             WHERE case_lead_id IS NULL AND administration_id = ",
        );
        q.push_bind(row.administration_id)
            .push(" AND id <> ")
            .push_bind(row.id)
            .push(" AND detected_at BETWEEN ")
            .push_bind(row.detected_at - within)
            .push(" AND ")
            .push_bind(row.detected_at + within)
            .push(" AND state IN (");
        let mut list = q.separated(", ");
        for s in &open {
            list.push_bind(*s);
        }
        list.push_unseparated(")");
        q.push(" ORDER BY id DESC LIMIT ").push_bind(CANDIDATES_READ);
        q.build_query_as().fetch_all(p).await
    })?;
    let target = Candidate {
        id: row.id,
        topic: row.topic.clone(),
        text: row.text.clone(),
        detected_at: row.detected_at,
    };
    let others: Vec<Candidate> = near
        .iter()
        .map(|(id, _, _, text, topic, at)| Candidate {
            id: *id,
            topic: topic.clone(),
            text: text.clone(),
            detected_at: *at,
        })
        .collect();
    Ok(
        crate::domain::case::candidates(&target, &others, CANDIDATES)
            .into_iter()
            .filter_map(|s| {
                let (_, network, author, text, _, _) = near.iter().find(|n| n.0 == s.id)?;
                Some(CandidateDto {
                    id: s.id,
                    network: *network,
                    author: author.clone(),
                    text: text.chars().take(160).collect(),
                    same_topic: s.same_topic,
                    words: s.words,
                })
            })
            .collect(),
    )
}

/// Parses the `status` filter (`new,in_work`) into state names.
fn states(filter: &MessageFilter) -> Result<Option<Vec<MessageState>>, AppError> {
    let Some(list) = filter.status.as_deref().filter(|s| !s.trim().is_empty()) else {
        return Ok(None);
    };
    list.split(',')
        .map(|s| {
            MessageState::from_name(s.trim()).ok_or_else(|| {
                AppError::validation("status", format!("Неизвестное состояние «{}»", s.trim()))
            })
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

/// A period's bounds: from (inclusive), until (exclusive).
type Period = (Option<DateTime<Utc>>, Option<DateTime<Utc>>);

/// The filter's period as instants: the start of `from` and of the day after `to`, in
/// `tz`; a period that ends before it starts is refused.
fn period(filter: &MessageFilter, tz: chrono_tz::Tz) -> Result<Period, AppError> {
    for (field, day) in [("from", filter.from), ("to", filter.to)] {
        if day.is_some_and(|d| !(2000..=2100).contains(&chrono::Datelike::year(&d))) {
            return Err(AppError::validation(
                field,
                "Дата периода должна быть между 2000 и 2100 годом",
            ));
        }
    }
    if let (Some(from), Some(to)) = (filter.from, filter.to) {
        if from > to {
            return Err(AppError::validation(
                "to",
                "Дата «по» раньше даты «с»: проверьте период",
            ));
        }
    }
    let start = |d: chrono::NaiveDate| {
        use chrono::TimeZone;
        d.and_hms_opt(0, 0, 0)
            .and_then(|t| tz.from_local_datetime(&t).earliest())
            .map(|t| t.with_timezone(&Utc))
    };
    Ok((
        filter.from.and_then(start),
        filter.to.and_then(|d| d.succ_opt()).and_then(start),
    ))
}

/// Every deadline of one message, in the order they were started.
async fn deadlines_of(pool: &Db, id: MessageId) -> Result<Vec<Deadline>, AppError> {
    Ok(super::deadlines::of_messages(pool, &[id])
        .await?
        .remove(&id)
        .unwrap_or_default())
}

/// The most ids one step of a search's walk reads.
const WALK_CHUNK_MAX: i64 = 16_384;

/// The first step of a search's walk: enough rows for `need` matches at the share of all
/// messages the `matches` are (ids grow with the table), and half as many again.
fn walk_chunk(need: i64, matches: &[i64]) -> i64 {
    let (n, last) = (
        matches.len().max(1) as i64,
        matches.last().copied().unwrap_or(1),
    );
    (need.saturating_mul(last.max(n)) / n * 3 / 2).clamp(64, WALK_CHUNK_MAX)
}

/// A page of the list and where the next one starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page {
    /// The messages of the page, in the list's order.
    pub items: Vec<MessageDto>,
    /// The cursor of the next page (`None`: this is the last).
    pub next: Option<Cursor>,
    /// With `posts=false`: the posts of the page's cases (each case shows as its lead's
    /// row), in order of id.
    pub posts: Vec<MessageDto>,
}

/// The messages the caller may see that match `filter`, the most pressing first: by the
/// earliest running deadline, then active messages without one, then closed ones, the
/// newest first on ties. Filtered, sorted and paged in SQL on the keys each message keeps
/// (`domain::listing`); overdue and due soon are comparisons with `now`. Paging by
/// `filter.cursor` (keyset) or `filter.offset`; "is there a next page" reads one row more.
pub async fn list(ctx: &Ctx, caller: &Caller, filter: &MessageFilter) -> Result<Page, AppError> {
    let (pool, tz, now) = (&ctx.pool, ctx.tz(), ctx.now);
    let states = states(filter)?;
    let cursor = filter
        .cursor
        .as_deref()
        .map(str::parse::<Cursor>)
        .transpose()
        .map_err(|e| AppError::validation("cursor", e))?;
    let limit = i64::from(filter.limit.unwrap_or(MAX_LIST).clamp(1, MAX_LIST));
    let now_s = now.timestamp();
    let words = filter.q.as_deref().map(search_words).unwrap_or_default();
    let plan = if words.is_empty() {
        None
    } else {
        Some(search_plan(pool, &ctx.matches, ctx.search_version, &words).await?)
    };
    let offset = i64::from(filter.offset.unwrap_or(0));
    let within = ctx.within(caller);
    let (since, until) = period(filter, tz)?;
    let closed = filter.closed.unwrap_or(false);
    let mut rows: Vec<MessageRow> = on_db!(pool, p, DB => {
    // The list's filters after `select`, from `after` on (search: only when in SQL).
    let filtered = |select: &str, after: Option<Cursor>| {
        let mut q = sqlx::QueryBuilder::<DB>::new(select);
        q.push(" WHERE 1 = 1");
        if let Some(states) = &states {
            q.push(" AND m.state IN (");
            let mut list = q.separated(", ");
            for s in states {
                list.push_bind(*s);
            }
            list.push_unseparated(")");
        }
        if filter.active.unwrap_or(false) {
            // Closed messages sort last: a range of the list's index.
            q.push(" AND m.sort_key < ").push_bind(SORT_CLOSED);
        }
        if let Some(a) = filter.assignee {
            q.push(" AND m.assignee_id = ").push_bind(a);
        }
        if let Some(d) = filter.department {
            q.push(" AND m.department_id = ").push_bind(d);
        }
        if let Some(n) = filter.network {
            q.push(" AND m.network = ").push_bind(n);
        }
        if let Some(t) = filter.topic {
            q.push(" AND m.topic_id = ").push_bind(t);
        }
        if let Some(u) = filter.urgent {
            q.push(" AND m.urgent = ").push_bind(u);
        }
        if filter.posts == Some(false) {
            q.push(" AND m.case_lead_id IS NULL");
        }
        if closed {
            q.push(format!(" AND m.state IN {CLOSED_STATES}"));
        }
        // The period bounds the day of detection, or of closing (the latest closing).
        let at = if closed {
            format!(
                "(SELECT MAX(j.at) FROM journal j WHERE j.message_id = m.id \
                  AND j.to_state IN {CLOSED_STATES})"
            )
        } else {
            "m.detected_at".to_owned()
        };
        if let Some(t) = since {
            q.push(format!(" AND {at} >= ")).push_bind(t);
        }
        if let Some(t) = until {
            q.push(format!(" AND {at} < ")).push_bind(t);
        }
        if filter.flagged.unwrap_or(false) {
            q.push(" AND m.flagged = TRUE");
        }
        if filter.overdue.unwrap_or(false) {
            // An overdue message's next deadline is due before it became overdue, so the
            // list's index can be walked over the range `sort_key < now`, whatever the
            // share of overdue messages (the index on `overdue_after` would sort all of
            // them).
            q.push(" AND m.sort_key < ")
                .push_bind(now_s)
                .push(" AND +m.overdue_after < ")
                .push_bind(now_s);
        }
        if filter.pressing.unwrap_or(false) {
            q.push(" AND m.due_soon_at <= ").push_bind(now_s);
        }
        if let Some(a) = within {
            q.push(" AND m.administration_id = ").push_bind(a);
        }
        if let Some(SearchPlan::InSql) = plan {
            <DB as Search>::push_search(&mut q, &words);
        }
        if let Visibility::Executor { user, department } = caller.visibility() {
            q.push(" AND (");
            match user {
                Some(u) => q.push("m.assignee_id = ").push_bind(u),
                None => q.push("FALSE"),
            };
            if let Some(d) = department {
                q.push(" OR m.department_id = ").push_bind(d);
            }
            q.push(")");
        }
        if let Some(c) = after {
            q.push(" AND (m.sort_key > ")
                .push_bind(c.sort_key)
                .push(" OR (m.sort_key = ")
                .push_bind(c.sort_key)
                .push(" AND m.id < ")
                .push_bind(c.id)
                .push("))");
        }
        q
    };
    match &plan {
        Some(SearchPlan::Walk(matches)) => {
            // Walk the list's order in chunks of ids and keep the matching ones until the
            // page (after the offset, and one row more) is full; then read those rows.
            let need = offset + limit + 1;
            let mut kept: Vec<MessageId> = Vec::new();
            let mut after = cursor;
            let mut chunk = walk_chunk(need, matches);
            loop {
                // The chunk's keys cross as one JSON value: hundreds of rows one by one
                // would cost a hand-off between threads each (`dialect::json_rows`).
                let select = format!(
                    "SELECT {} FROM (SELECT m.id, m.sort_key FROM messages m",
                    json_rows(pool, "id, sort_key", Some("sort_key, id DESC"))
                );
                let mut q = filtered(&select, after);
                q.push(" ORDER BY m.sort_key, m.id DESC LIMIT ").push_bind(chunk).push(")");
                let json: Option<String> = q.build_query_scalar().fetch_one(p).await?;
                let keys: Vec<(i64, Option<i64>)> =
                    serde_json::from_str(json.as_deref().unwrap_or("[]"))
                        .map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
                kept.extend(
                    keys.iter()
                        .filter(|(id, _)| matches.binary_search(id).is_ok())
                        .map(|(id, _)| MessageId(*id)),
                );
                match keys.last() {
                    Some((id, key)) if (keys.len() as i64) == chunk && (kept.len() as i64) < need => {
                        after = Some(Cursor::after(key.unwrap_or(SORT_CLOSED), MessageId(*id)));
                        chunk = (chunk * 2).min(WALK_CHUNK_MAX);
                    }
                    _ => break,
                }
            }
            let page: Vec<MessageId> = kept.into_iter().skip(offset as usize).take(need as usize).collect();
            rows_with_ids(pool, &page, "m.sort_key, m.id DESC").await?
        }
        _ => {
            let mut q = filtered(MESSAGE_COLUMNS, cursor);
            q.push(" ORDER BY m.sort_key, m.id DESC LIMIT ")
                .push_bind(limit + 1)
                .push(" OFFSET ")
                .push_bind(offset);
            q.build_query_as().fetch_all(p).await?
        }
    }
    });
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next = if more {
        rows.last()
            .map(|r| Cursor::after(r.sort_key.unwrap_or(SORT_CLOSED), r.id))
    } else {
        None
    };
    let ids: Vec<MessageId> = rows.iter().map(|r| r.id).collect();
    let cases = cases_of(pool, &rows).await?;
    // Each case once: its posts come with the page for the lead's row.
    let post_ids: Vec<MessageId> = if filter.posts == Some(false) {
        rows.iter()
            .filter_map(|r| cases.get(&r.id))
            .flatten()
            .copied()
            .collect()
    } else {
        Vec::new()
    };
    let post_rows = rows_with_ids(pool, &post_ids, "m.id").await?;
    let all: Vec<MessageId> = ids.iter().chain(&post_ids).copied().collect();
    let mut deadlines = super::deadlines::of_messages(pool, &all).await?;
    let mut dto = |r: MessageRow| {
        let ds = deadlines.remove(&r.id).unwrap_or_default();
        r.dto(&ds, &cases, tz)
    };
    let items = rows.into_iter().map(&mut dto).collect();
    let posts = post_rows.into_iter().map(&mut dto).collect();
    Ok(Page { items, next, posts })
}

#[cfg(test)]
mod closed_states_tests {
    use super::*;

    #[test]
    fn the_sql_list_of_closed_states_is_the_domains() {
        let closed: Vec<String> = MessageState::ALL
            .into_iter()
            .filter(|s| !s.is_active())
            .map(|s| format!("'{}'", s.as_str()))
            .collect();
        assert_eq!(CLOSED_STATES, format!("({})", closed.join(", ")));
    }
}
