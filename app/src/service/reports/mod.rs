//! Reports (issue 18): the facts of every message detected in a period, read in four
//! queries (messages, deadlines, journal, publications) and grouped by
//! `domain::report`. Figures come from what was recorded (deadline outcomes, journal
//! actions, publication instants), never from a recomputation of the rules; only the
//! working time to the first publication is measured, on the deployment's calendar.

use crate::domain::administration::Scope;
use crate::domain::deadline::{DeadlineRule, Outcome};
use crate::domain::ids::AdministrationId;
use crate::domain::network::Network;
use crate::domain::report::charts::charts;
use crate::domain::report::rating::{rating, Rated, RatingMethod};
use crate::domain::report::{aggregate, row, Grouping, MessageFacts};
use crate::domain::role::Role;
use crate::domain::workflow::{ActionKind, AnswerKind, MessageState};
use crate::dto::report::{MyFigures, PeriodPreset, RatingDto, ReportDto, ReportPage, ReportQuery};
use crate::error::AppError;
use crate::on_db;
use crate::service::ctx::Ctx;
use crate::service::db::dialect::json_rows;
use crate::service::messages::Caller;
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde::de::DeserializeOwned;
use std::collections::{BTreeMap, HashMap};

pub mod export;

/// The longest period a report covers: five years.
const MAX_DAYS: i64 = 5 * 366;

/// Who may read reports: the head of the administration, coordinators, admins and the
/// regional authority (read-only everywhere).
pub fn may_read(role: Role) -> bool {
    matches!(
        role,
        Role::Observer | Role::RegionalObserver | Role::Coordinator | Role::Admin | Role::Authority
    )
}

/// A checked report query: inclusive days and the grouping.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    /// The first day.
    pub from: NaiveDate,
    /// The last day.
    pub to: NaiveDate,
    /// The grouping.
    pub by: Grouping,
}

/// The years a report may cover (the calendar's and the product's range, with margin).
const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

fn parse_day(field: &str, s: &str) -> Result<NaiveDate, AppError> {
    let day = NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
        AppError::validation(
            field,
            format!("Дата «{}» не в формате ГГГГ-ММ-ДД", s.trim()),
        )
    })?;
    if !YEARS.contains(&day.year()) {
        return Err(AppError::validation(
            field,
            format!(
                "Дата «{}» вне {}–{} годов",
                s.trim(),
                YEARS.start(),
                YEARS.end()
            ),
        ));
    }
    Ok(day)
}

impl Period {
    /// Reads `q`; `today` (in the deployment's zone) fills the defaults: from the first
    /// of this month to today, no grouping.
    pub fn parse(q: &ReportQuery, today: NaiveDate) -> Result<Self, AppError> {
        let first = today.with_day(1).unwrap_or(today);
        let from = match q.from.as_deref() {
            Some(s) => parse_day("from", s)?,
            None => first,
        };
        let to = match q.to.as_deref() {
            Some(s) => parse_day("to", s)?,
            None => today.max(from),
        };
        if to < from {
            return Err(AppError::validation(
                "to",
                "Конец периода раньше его начала",
            ));
        }
        if (to - from).num_days() >= MAX_DAYS {
            return Err(AppError::validation(
                "to",
                "Период отчёта — не больше пяти лет",
            ));
        }
        let by = match q.by.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Grouping::None,
            Some(s) => Grouping::from_name(s).ok_or_else(|| {
                AppError::validation(
                    "by",
                    format!(
                        "Неизвестная группировка «{s}»: department, executor, topic, network или none"
                    ),
                )
            })?,
        };
        Ok(Self { from, to, by })
    }
}

/// One message's row, read from a JSON array in field order.
#[derive(serde::Deserialize)]
struct MessageFactsRow {
    id: i64,
    department_id: Option<i64>,
    department_name: Option<String>,
    assignee_id: Option<i64>,
    assignee_name: Option<String>,
    topic: Option<String>,
    network: Network,
    detected_at: DateTime<Utc>,
    state: MessageState,
    overdue_after: Option<i64>,
    administration_id: i64,
    administration_name: String,
}

/// The start of local day `d` as a UTC instant.
fn day_start(ctx: &Ctx, d: NaiveDate) -> DateTime<Utc> {
    let tz = ctx.tz();
    let midnight = d.and_hms_opt(0, 0, 0).unwrap_or_default();
    tz.from_local_datetime(&midnight)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&midnight))
}

/// The messages detected in `[start, end)` (`$1`, `$2`) with their department `d` and
/// executor `u`.
const MESSAGES_IN_PERIOD: &str =
    "FROM messages m LEFT JOIN departments d ON d.id = m.department_id \
     LEFT JOIN users u ON u.id = m.assignee_id JOIN administrations a ON a.id = m.administration_id \
     LEFT JOIN topics tp ON tp.id = m.topic_id \
     WHERE m.detected_at >= $1 AND m.detected_at < $2 \
     AND ($3 IS NULL OR m.administration_id = $3)";

/// The instants bounding a report's messages, `[start, end)`, and the one administration
/// they are of (`None`: every one, for the regional roles).
#[derive(Clone, Copy, Debug)]
pub struct Span {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    within: Option<AdministrationId>,
}

/// The rows `items` of `from` (whose `$1`, `$2` are the span's bounds and `$3` its
/// administration or NULL) in `order` (any without one), read
/// as one JSON value built by the database (`dialect::json_rows`): a year holds hundreds
/// of thousands of deadlines and journal rows.
async fn rows_in_period<T: DeserializeOwned>(
    ctx: &Ctx,
    items: &str,
    order: Option<&str>,
    from: &str,
    span: &Span,
) -> Result<Vec<T>, AppError> {
    let sql = format!("SELECT {} {from}", json_rows(&ctx.pool, items, order));
    let json: Option<String> = on_db!(&ctx.pool, p => sqlx::query_scalar(&sql)
        .bind(span.start)
        .bind(span.end)
        .bind(span.within)
        .fetch_one(p)
        .await)?;
    match json {
        None => Ok(Vec::new()),
        Some(json) => serde_json::from_str(&json).map_err(|e| {
            tracing::error!(error = %e, "report rows are not the expected JSON");
            AppError::Internal
        }),
    }
}

/// Every deadline of the messages detected in `[start, end)`, in the order they were
/// started: (message id, rule, due, recorded outcome).
async fn deadlines_in_period(
    ctx: &Ctx,
    span: &Span,
) -> Result<Vec<(i64, String, DateTime<Utc>, Option<String>)>, AppError> {
    rows_in_period(
        ctx,
        "dl.message_id, dl.rule, dl.due_at, dl.outcome",
        Some("dl.id"),
        "FROM deadlines dl JOIN messages m ON m.id = dl.message_id \
         WHERE m.detected_at >= $1 AND m.detected_at < $2 \
     AND ($3 IS NULL OR m.administration_id = $3)",
        span,
    )
    .await
}

/// The facts of every message detected in `[start, end)` (in no particular order).
pub async fn facts(ctx: &Ctx, span: &Span) -> Result<Vec<MessageFacts>, AppError> {
    let now = ctx.now.timestamp();
    let rows = rows_in_period::<MessageFactsRow>(
        ctx,
        "m.id, m.department_id, d.name, m.assignee_id, u.full_name, COALESCE(tp.name, m.topic), m.network, \
         m.detected_at, m.state, m.overdue_after, m.administration_id, a.name",
        None,
        MESSAGES_IN_PERIOD,
        span,
    );
    // Only what the figures read: every answer_by (the last one counts) and the breaches.
    let deadlines_from = format!(
        "FROM deadlines dl JOIN messages m ON m.id = dl.message_id \
             WHERE m.detected_at >= $1 AND m.detected_at < $2 \
     AND ($3 IS NULL OR m.administration_id = $3) \
               AND (dl.rule = '{}' OR dl.outcome = '{}')",
        DeadlineRule::AnswerBy.as_str(),
        Outcome::Breached.as_str()
    );
    let deadlines = rows_in_period::<(i64, i64, String, Option<String>)>(
        ctx,
        "dl.id, dl.message_id, dl.rule, dl.outcome",
        None,
        &deadlines_from,
        span,
    );
    let journal_from = format!(
        "FROM journal j JOIN messages m ON m.id = j.message_id \
             WHERE m.detected_at >= $1 AND m.detected_at < $2 \
     AND ($3 IS NULL OR m.administration_id = $3) \
               AND (j.action IN ('{}', '{}', '{}') OR j.to_state = '{}')",
        ActionKind::Return.as_str(),
        ActionKind::RequestRevision.as_str(),
        ActionKind::Reject.as_str(),
        MessageState::Answered.as_str()
    );
    let journal = rows_in_period::<(i64, String, String)>(
        ctx,
        "j.message_id, j.action, j.to_state",
        None,
        &journal_from,
        span,
    );
    let publications = rows_in_period::<(i64, String, DateTime<Utc>)>(
        ctx,
        "p.message_id, dr.kind, p.published_at",
        None,
        "FROM publications p JOIN drafts dr ON dr.id = p.draft_id \
         JOIN messages m ON m.id = p.message_id \
         WHERE m.detected_at >= $1 AND m.detected_at < $2 \
     AND ($3 IS NULL OR m.administration_id = $3)",
        span,
    );
    // Four reads at once, on separate connections: the database works on them in
    // parallel (a year's report is bound by the database's time).
    let (rows, deadlines, journal, publications) =
        tokio::try_join!(rows, deadlines, journal, publications)?;

    let tz = ctx.tz();
    let mut index: HashMap<i64, usize> = HashMap::with_capacity(rows.len());
    let mut detected: Vec<DateTime<Utc>> = Vec::with_capacity(rows.len());
    let mut first_pub: Vec<Option<DateTime<Utc>>> = vec![None; rows.len()];
    let mut out: Vec<MessageFacts> = Vec::with_capacity(rows.len());
    for (i, r) in rows.into_iter().enumerate() {
        index.insert(r.id, i);
        detected.push(r.detected_at);
        out.push(MessageFacts {
            department: r.department_id.zip(r.department_name),
            executor: r.assignee_id.zip(r.assignee_name),
            topic: r.topic,
            network: Some(r.network),
            administration: Some((r.administration_id, r.administration_name)),
            overdue_now: r.state.is_active() && r.overdue_after.is_some_and(|t| t < now),
            ..MessageFacts::default()
        });
    }
    let mut last_answer_by: Vec<i64> = vec![0; out.len()];
    for (deadline, id, rule, outcome) in deadlines {
        let (Some(&i), Ok(rule)) = (index.get(&id), rule.parse::<DeadlineRule>()) else {
            continue;
        };
        let outcome = outcome.as_deref().and_then(Outcome::from_name);
        let f = &mut out[i];
        if rule == DeadlineRule::AnswerBy && deadline > last_answer_by[i] {
            // The last answer_by (the highest id) is the one that counts.
            last_answer_by[i] = deadline;
            f.answer_by = outcome;
        }
        if outcome == Some(Outcome::Breached) {
            *f.breaches.entry(rule).or_default() += 1;
        }
    }
    for (id, action, to_state) in journal {
        let Some(&i) = index.get(&id) else { continue };
        let f = &mut out[i];
        match ActionKind::from_name(&action) {
            Some(ActionKind::Return) => f.returns += 1,
            Some(ActionKind::RequestRevision) => f.revisions += 1,
            Some(ActionKind::Reject) => f.rejections += 1,
            _ => {}
        }
        if to_state == MessageState::Answered.as_str() {
            f.answered = true;
        }
    }
    for (id, kind, at) in publications {
        let Some(&i) = index.get(&id) else { continue };
        let kind = AnswerKind::from_name(&kind);
        match kind {
            Some(AnswerKind::Intermediate) => out[i].intermediate += 1,
            Some(AnswerKind::Clarification) => out[i].clarifications += 1,
            _ => {}
        }
        if kind == Some(AnswerKind::Final) {
            out[i].answered_on = Some(at.with_timezone(&tz).date_naive());
        }
        if kind != Some(AnswerKind::Clarification) && first_pub[i].is_none_or(|t| at < t) {
            first_pub[i] = Some(at);
        }
    }
    for (i, f) in out.iter_mut().enumerate() {
        // Working time by the message's administration's calendar.
        let cal = match &f.administration {
            Some((a, _)) => &ctx.config.of(AdministrationId(*a)).cal,
            None => &ctx.cal,
        };
        f.answer_secs = first_pub[i].map(|t| cal.between(detected[i], t));
    }
    Ok(out)
}

/// A message of the period as the export's second sheet lists it (local times, Russian
/// labels).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeriodMessage {
    /// Id.
    pub id: i64,
    /// The authority's id of the post.
    pub external_id: String,
    /// The network's name.
    pub network: String,
    /// The author.
    pub author: String,
    /// The topic (empty if none).
    pub topic: String,
    /// The department (empty if none).
    pub department: String,
    /// The executor (empty if none).
    pub executor: String,
    /// When the authority detected the post.
    pub detected_at: NaiveDateTime,
    /// The state's label.
    pub state: String,
    /// The last deadline of each rule: due (local) and its outcome (or «идёт»).
    pub deadlines: BTreeMap<DeadlineRule, (NaiveDateTime, String)>,
}

/// One message's row, read from a JSON array in field order.
#[derive(serde::Deserialize)]
struct PeriodMessageRow {
    id: i64,
    external_id: String,
    network: Network,
    author: String,
    topic: Option<String>,
    department_name: Option<String>,
    assignee_name: Option<String>,
    detected_at: DateTime<Utc>,
    state: MessageState,
}

/// Every message detected in `[start, end)` with its deadlines, in id order.
pub async fn period_messages(ctx: &Ctx, span: &Span) -> Result<Vec<PeriodMessage>, AppError> {
    let tz = ctx.tz();
    let local = |t: DateTime<Utc>| t.with_timezone(&tz).naive_local();
    let rows: Vec<PeriodMessageRow> = rows_in_period(
        ctx,
        "m.id, m.external_id, m.network, m.author, COALESCE(tp.name, m.topic), d.name, u.full_name, \
         m.detected_at, m.state",
        Some("m.id"),
        MESSAGES_IN_PERIOD,
        span,
    )
    .await?;
    let deadlines = deadlines_in_period(ctx, span).await?;
    let mut out: Vec<PeriodMessage> = rows
        .into_iter()
        .map(|r| PeriodMessage {
            id: r.id,
            external_id: r.external_id,
            network: r.network.label().to_owned(),
            author: r.author,
            topic: r.topic.unwrap_or_default(),
            department: r.department_name.unwrap_or_default(),
            executor: r.assignee_name.unwrap_or_default(),
            detected_at: local(r.detected_at),
            state: r.state.label().to_owned(),
            deadlines: BTreeMap::new(),
        })
        .collect();
    let index: HashMap<i64, usize> = out.iter().enumerate().map(|(i, m)| (m.id, i)).collect();
    for (id, rule, due, outcome) in deadlines {
        let (Some(&i), Ok(rule)) = (index.get(&id), rule.parse::<DeadlineRule>()) else {
            continue;
        };
        let outcome = outcome
            .as_deref()
            .and_then(Outcome::from_name)
            .map_or("идёт", Outcome::label);
        out[i]
            .deadlines
            .insert(rule, (local(due), outcome.to_owned()));
    }
    Ok(out)
}

/// The period's days in the deployment's zone, `[start, end)`, within `scope` (none in
/// a deployment of one administration: everything is its own).
fn bounds(ctx: &Ctx, period: &Period, scope: Scope) -> Span {
    Span {
        start: day_start(ctx, period.from),
        end: day_start(ctx, period.to + Duration::days(1)),
        within: scope
            .only()
            .filter(|_| ctx.settings.administrations.len() > 1),
    }
}

/// Checks the caller's role and reads the query.
fn open(ctx: &Ctx, caller: &Caller, q: &ReportQuery) -> Result<Period, AppError> {
    if !may_read(caller.role) {
        return Err(AppError::Forbidden(format!(
            "Роль «{}» не может читать отчёты",
            caller.role.label()
        )));
    }
    let today = ctx.now.with_timezone(&ctx.tz()).date_naive();
    Period::parse(q, today)
}

/// The report of `period` over its messages' `facts`.
fn report_of(ctx: &Ctx, period: &Period, facts: &[MessageFacts]) -> ReportDto {
    let (rows, total) = aggregate(facts, period.by);
    ReportDto {
        from: period.from,
        to: period.to,
        by: period.by.as_str().to_owned(),
        generated_at: ctx.now.with_timezone(&ctx.tz()).fixed_offset(),
        rows,
        total,
    }
}

async fn build(ctx: &Ctx, period: &Period, scope: Scope) -> Result<ReportDto, AppError> {
    let span = bounds(ctx, period, scope);
    Ok(report_of(ctx, period, &facts(ctx, &span).await?))
}

/// The report for `q` as `caller` may read it.
pub async fn report(ctx: &Ctx, caller: &Caller, q: &ReportQuery) -> Result<ReportDto, AppError> {
    let period = open(ctx, caller, q)?;
    build(ctx, &period, caller.scope()).await
}

/// Settings key of the rating's method (JSON of [`RatingMethod`]).
pub const RATING_KEY: &str = "rating";

/// The rating's method as the admin set it (defaults: 8 working hours, 2 messages).
pub async fn rating_method(ctx: &Ctx) -> Result<RatingMethod, AppError> {
    crate::service::settings::get(
        &ctx.pool,
        crate::service::settings::Layer::Region,
        RATING_KEY,
    )
    .await
}

/// The first and last day of the month of `day`.
fn month_of(day: NaiveDate) -> (NaiveDate, NaiveDate) {
    let first = day.with_day(1).unwrap_or(day);
    let next = first
        .checked_add_months(chrono::Months::new(1))
        .unwrap_or(first);
    (first, next.pred_opt().unwrap_or(first))
}

/// The period presets relative to `today`: this month, last month, this quarter, this
/// year.
fn presets(today: NaiveDate) -> Vec<PeriodPreset> {
    let (month, _) = month_of(today);
    let (last_month, last_month_end) = month_of(month.pred_opt().unwrap_or(month));
    let quarter =
        NaiveDate::from_ymd_opt(today.year(), (today.month0() / 3) * 3 + 1, 1).unwrap_or(month);
    let year = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(month);
    [
        ("Этот месяц", month, today),
        ("Прошлый месяц", last_month, last_month_end),
        ("Квартал", quarter, today),
        ("Год", year, today),
    ]
    .into_iter()
    .map(|(label, from, to)| PeriodPreset {
        label: label.to_owned(),
        from,
        to,
    })
    .collect()
}

/// Who the caller rates: the region's roles rate the administrations of a deployment
/// with several; everyone else the departments.
fn rated(ctx: &Ctx, caller: &Caller) -> Rated {
    if caller.scope() == Scope::Region && ctx.settings.administrations.len() > 1 {
        Rated::Administrations
    } else {
        Rated::Departments
    }
}

/// The rating of the month of `period`'s last day (up to today), over `period_facts`
/// when they are that month's.
async fn month_rating(
    ctx: &Ctx,
    caller: &Caller,
    period: &Period,
    period_facts: Option<&[MessageFacts]>,
) -> Result<RatingDto, AppError> {
    let today = ctx.now.with_timezone(&ctx.tz()).date_naive();
    let (month, month_end) = month_of(period.to);
    let month_period = Period {
        from: month,
        to: month_end.min(today).max(month),
        by: Grouping::Department,
    };
    let read;
    let month_facts = match period_facts {
        Some(f) if (month_period.from, month_period.to) == (period.from, period.to) => f,
        _ => {
            read = facts(ctx, &bounds(ctx, &month_period, caller.scope())).await?;
            &read
        }
    };
    let method = rating_method(ctx).await?;
    let who = rated(ctx, caller);
    Ok(RatingDto {
        month,
        method,
        statement: method.statement(),
        rows: rating(month_facts, &method, who),
        administrations: who == Rated::Administrations,
    })
}

/// The report page for `q`: the report, its charts, the rating of departments (of
/// administrations, for the region) for the month of the period's last day (up to
/// today), and the presets.
pub async fn page(ctx: &Ctx, caller: &Caller, q: &ReportQuery) -> Result<ReportPage, AppError> {
    let period = open(ctx, caller, q)?;
    let all = facts(ctx, &bounds(ctx, &period, caller.scope())).await?;
    let today = ctx.now.with_timezone(&ctx.tz()).date_naive();
    Ok(ReportPage {
        charts: charts(&all, period.from, period.to),
        rating: month_rating(ctx, caller, &period, Some(&all)).await?,
        report: report_of(ctx, &period, &all),
        presets: presets(today),
    })
}

/// The month's rating for `q` (the month of its period's last day) as an XLSX workbook,
/// with its file name.
pub async fn rating_xlsx(
    ctx: &Ctx,
    caller: &Caller,
    q: &ReportQuery,
) -> Result<(String, Vec<u8>), AppError> {
    let period = open(ctx, caller, q)?;
    let rating = month_rating(ctx, caller, &period, None).await?;
    let name = format!("otklik-rating-{}.xlsx", rating.month.format("%Y-%m"));
    Ok((name, export::rating_xlsx(&rating)?))
}

/// This month's facts (from the first to today) of the messages assigned to each person.
async fn this_month(
    ctx: &Ctx,
    scope: Scope,
) -> Result<(NaiveDate, NaiveDate, Vec<MessageFacts>), AppError> {
    let today = ctx.now.with_timezone(&ctx.tz()).date_naive();
    let period = Period {
        from: month_of(today).0,
        to: today,
        by: Grouping::Executor,
    };
    let span = bounds(ctx, &period, scope);
    Ok((period.from, period.to, facts(ctx, &span).await?))
}

/// The caller's own figures for this month: the messages assigned to them that were
/// detected in it («Мои показатели»). Any signed-in person may read their own.
pub async fn mine(ctx: &Ctx, caller: &Caller) -> Result<MyFigures, AppError> {
    let me = caller.user.ok_or(AppError::Unauthorized)?;
    let (from, to, all) = this_month(ctx, caller.scope()).await?;
    let own: Vec<&MessageFacts> = all
        .iter()
        .filter(|f| f.executor.as_ref().is_some_and(|(id, _)| *id == me.0))
        .collect();
    Ok(MyFigures {
        from,
        to,
        row: row("mine".to_owned(), "Мои показатели".to_owned(), &own),
    })
}

/// Each executor's share on time this month (the figure of the report's executor row),
/// by user id, within `scope`; none for those without a final answer.
pub async fn shares_on_time(ctx: &Ctx, scope: Scope) -> Result<HashMap<i64, f64>, AppError> {
    let (_, _, all) = this_month(ctx, scope).await?;
    let mut per: HashMap<i64, Vec<&MessageFacts>> = HashMap::new();
    for f in &all {
        if let Some((id, _)) = &f.executor {
            per.entry(*id).or_default().push(f);
        }
    }
    Ok(per
        .into_iter()
        .filter_map(|(id, fs)| {
            row(String::new(), String::new(), &fs)
                .share_on_time
                .map(|s| (id, s))
        })
        .collect())
}

/// The report for `q` as an XLSX workbook, with its file name.
pub async fn xlsx(
    ctx: &Ctx,
    caller: &Caller,
    q: &ReportQuery,
) -> Result<(String, Vec<u8>), AppError> {
    let period = open(ctx, caller, q)?;
    let report = build(ctx, &period, caller.scope()).await?;
    let messages = period_messages(ctx, &bounds(ctx, &period, caller.scope())).await?;
    Ok((
        file_name(&period, "xlsx"),
        export::xlsx(&report, &messages)?,
    ))
}

/// The report for `q` as CSV, with its file name.
pub async fn csv(
    ctx: &Ctx,
    caller: &Caller,
    q: &ReportQuery,
) -> Result<(String, Vec<u8>), AppError> {
    let period = open(ctx, caller, q)?;
    let report = build(ctx, &period, caller.scope()).await?;
    Ok((file_name(&period, "csv"), export::csv(&report)?))
}

/// `otklik-report-2026-03-01-2026-03-31.xlsx`.
fn file_name(period: &Period, ext: &str) -> String {
    format!("otklik-report-{}-{}.{ext}", period.from, period.to)
}
