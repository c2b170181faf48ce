//! Administration server functions (admin only): users, departments, calendar
//! corrections, settings, API tokens. Every function refuses any other role with 403
//! before it reads its input (SPEC "Roles": `admin`); the rules live in
//! `service::admin`, these are the doors and the data shapes the pages use.

use crate::domain::calendar::{DayKind, DayMark, Schedule, TimeRange, YearSummary};
use crate::domain::deadline::DeadlineSettings;
use crate::domain::ids::{DepartmentId, UserId};
use crate::domain::network::{AnswerTemplate, Network, NetworkLimit};
use crate::domain::role::Role;
use crate::error::AppError;
use chrono::NaiveDate;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The refusal every administration function gives to other roles.
pub const ADMIN_ONLY: &str = "Раздел доступен только администратору";

/// A user as the administration lists them (inactive users included).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct AdminUser {
    /// Id.
    pub id: UserId,
    /// Login.
    pub login: String,
    /// Full name.
    pub full_name: String,
    /// Role.
    pub role: Role,
    /// Department name, if any.
    pub department: Option<String>,
    /// Whether the user may sign in.
    pub active: bool,
}

/// A department with the number of its active users.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct DepartmentRow {
    /// Id.
    pub id: DepartmentId,
    /// Name.
    pub name: String,
    /// Active users in it.
    pub users: i64,
}

/// The users page: everyone, the departments, and who is looking (not to be deactivated).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsersPage {
    /// The signed-in admin.
    pub me: UserId,
    /// Every user, active first, by name.
    pub users: Vec<AdminUser>,
    /// Every department, by name.
    pub departments: Vec<DepartmentRow>,
}

/// The new-user form (`input[...]`); texts are checked by the server.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NewUserForm {
    /// Login.
    pub login: String,
    /// Full name.
    pub full_name: String,
    /// Role name (`admin`, `coordinator`, …).
    pub role: String,
    /// Department name; created if missing, empty for none.
    pub department: String,
    /// Password (at least 8 characters).
    pub password: String,
}

/// What a date of the calendar page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarCell {
    /// The date.
    pub date: NaiveDate,
    /// Working, shortened or non-working for this deployment.
    pub kind: DayKind,
    /// Whether the weekday is a day off by the weekly schedule (so a working kind means
    /// a working weekend).
    pub weekend: bool,
    /// Whether the deployment corrected this date.
    pub corrected: bool,
}

impl CalendarCell {
    /// The legend entry of the cell: `working`, `shortened`, `non_working` or
    /// `working_weekend`.
    pub fn legend(&self) -> &'static str {
        match (self.kind, self.weekend) {
            (DayKind::NonWorking, _) => "non_working",
            (_, true) => "working_weekend",
            (DayKind::Shortened, false) => "shortened",
            (DayKind::Working, false) => "working",
        }
    }

    /// Russian label of [`Self::legend`].
    pub fn legend_ru(&self) -> &'static str {
        legend_ru(self.legend())
    }
}

/// Russian label of a legend entry.
pub fn legend_ru(legend: &str) -> &'static str {
    match legend {
        "working" => "рабочий день",
        "shortened" => "сокращённый день",
        "working_weekend" => "рабочий выходной",
        _ => "нерабочий день",
    }
}

/// One correction of the production calendar made in this deployment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Correction {
    /// The date.
    pub date: NaiveDate,
    /// The mark (`None`: the ordinary weekday rule).
    pub mark: Option<DayMark>,
    /// Why (decree, order).
    pub note: String,
    /// When, `dd.mm.yyyy hh:mm` in the deployment's zone.
    pub updated: String,
    /// Who.
    pub updated_by: Option<String>,
}

/// The calendar page of one year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarYear {
    /// The year.
    pub year: i32,
    /// The first and last year the calendar can be shown and corrected for.
    pub first_year: i32,
    /// See `first_year`.
    pub last_year: i32,
    /// Totals (working days, hours) and whether official data is loaded.
    pub summary: YearSummary,
    /// Every date of the year.
    pub days: Vec<CalendarCell>,
    /// The deployment's corrections in the year.
    pub corrections: Vec<Correction>,
}

/// Russian name of a correction mark choice; `None` is «как обычно».
pub fn mark_ru(mark: Option<DayMark>) -> &'static str {
    match mark {
        Some(DayMark::Working) => "рабочий",
        Some(DayMark::Shortened) => "сокращённый",
        Some(DayMark::NonWorking) => "нерабочий",
        None => "как обычно",
    }
}

/// One weekday of the schedule form: `HH:MM` texts; both ends empty is a day off, both
/// lunch fields empty is no lunch break.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DayHoursForm {
    /// Start of the working day.
    pub start: String,
    /// End of the working day.
    pub end: String,
    /// Start of the lunch break.
    pub lunch_start: String,
    /// End of the lunch break.
    pub lunch_end: String,
}

impl DayHoursForm {
    /// The form of a day's intervals: the first start, the last end, and the gap between
    /// the first two intervals as the lunch break.
    pub fn from_intervals(intervals: &[TimeRange]) -> Self {
        let hm = |t: chrono::NaiveTime| crate::domain::datefmt::hm(&t);
        let (Some(first), Some(last)) = (intervals.first(), intervals.last()) else {
            return Self::default();
        };
        let (lunch_start, lunch_end) = match intervals.get(1) {
            Some(second) => (hm(first.1), hm(second.0)),
            None => (String::new(), String::new()),
        };
        Self {
            start: hm(first.0),
            end: hm(last.1),
            lunch_start,
            lunch_end,
        }
    }
}

/// The weekly schedule form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ScheduleForm {
    /// IANA time zone, e.g. `Europe/Moscow`.
    pub tz: String,
    /// Whose hours a working weekend day uses: `mon` … `sun`.
    pub weekend_as: String,
    /// Monday.
    pub mon: DayHoursForm,
    /// Tuesday.
    pub tue: DayHoursForm,
    /// Wednesday.
    pub wed: DayHoursForm,
    /// Thursday.
    pub thu: DayHoursForm,
    /// Friday.
    pub fri: DayHoursForm,
    /// Saturday.
    pub sat: DayHoursForm,
    /// Sunday.
    pub sun: DayHoursForm,
}

/// The deadline lengths form: minutes of working time, and working days for §10.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DeadlinesForm {
    /// §5, minutes.
    pub return_by: String,
    /// §7, minutes.
    pub draft_by: String,
    /// §6, minutes.
    pub answer_by: String,
    /// §6 for an urgent message, minutes.
    pub answer_by_urgent: String,
    /// §7 for an urgent message, minutes (empty: the default).
    pub draft_by_urgent: String,
    /// §8, minutes.
    pub revision_by: String,
    /// §9, minutes.
    pub publish_by: String,
    /// §10, working days.
    pub final_draft_days: String,
}

/// One network's limits in the form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LimitForm {
    /// Maximum answer length, characters.
    pub max_chars: String,
    /// Maximum photos/videos in one answer.
    pub max_media: String,
    /// Maximum caption length with photos/videos (empty: the network's default; left out:
    /// unchanged).
    pub caption_chars: Option<String>,
    /// Hosts a published answer's link may point to, separated by commas (empty: any
    /// `https` address; left out: unchanged).
    pub hosts: Option<String>,
}

/// One row of the templates form; `remove` set (a checked box) drops it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TemplateForm {
    /// Name on the editor's button.
    pub name: String,
    /// Text with `{автор}` and `{дата}`.
    pub text: String,
    /// Present when the row is to be removed.
    pub remove: Option<String>,
}

/// Every settings group as the settings page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsPage {
    /// The weekly schedule.
    pub schedule: Schedule,
    /// Deadline lengths.
    pub deadlines: DeadlineSettings,
    /// Limits and link hosts of every network, in the order of [`Network::ALL`].
    pub networks: Vec<NetworkSettings>,
    /// Upload limits, whole megabytes.
    pub uploads: UploadsMb,
    /// Answer templates.
    pub templates: Vec<AnswerTemplate>,
}

/// One network's settings on the settings page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkSettings {
    /// The network.
    pub network: Network,
    /// Its answer limits (§11).
    pub limit: NetworkLimit,
    /// The hosts a published answer's link may point to (§9; empty: any).
    pub hosts: Vec<String>,
}

/// Upload limits in whole megabytes (MiB).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadsMb {
    /// The largest photo.
    pub image_mb: u32,
    /// The largest video.
    pub video_mb: u32,
}

/// An API token as listed (never the token itself).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRow {
    /// Id.
    pub id: i64,
    /// Name (which system uses it).
    pub name: String,
    /// The role it acts in.
    pub role: Role,
    /// Issued, `dd.mm.yyyy hh:mm`.
    pub created: String,
    /// Revoked, if it was.
    pub revoked: Option<String>,
}

/// A token just issued: shown once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedToken {
    /// Name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// The secret; only its hash is stored.
    pub token: String,
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::ADMIN_ONLY;
    use crate::api::ssr::caller;
    use crate::domain::ids::UserId;
    use crate::domain::role::Role;
    use crate::error::AppError;
    use crate::service::state::AppState;

    /// The signed-in admin's id, or 401/403.
    pub async fn admin(state: &AppState) -> Result<UserId, AppError> {
        let caller = caller(state).await?;
        match (caller.role, caller.user) {
            (Role::Admin, Some(id)) => Ok(id),
            _ => Err(AppError::Forbidden(ADMIN_ONLY.to_owned())),
        }
    }
}

/// Every user and department.
#[server(prefix = "/serverfn", endpoint = "admin/users")]
pub async fn admin_users() -> Result<UsersPage, AppError> {
    use crate::api::ssr::{finish, state};
    finish(
        async {
            let state = state()?;
            let me = ssr::admin(&state).await?;
            crate::service::admin::users_page(&state.pool, me).await
        }
        .await,
    )
}

/// Creates a user (department created if missing); returns the new id.
#[server(prefix = "/serverfn", endpoint = "admin/create_user")]
pub async fn admin_create_user(input: NewUserForm) -> Result<UserId, AppError> {
    use crate::api::ssr::{finish, state};
    finish(
        async {
            let state = state()?;
            ssr::admin(&state).await?;
            crate::service::admin::create_user(&state.pool, &input, state.clock.now()).await
        }
        .await,
    )
}

/// Deactivates (`active = false`) or reactivates a user other than the caller.
#[server(prefix = "/serverfn", endpoint = "admin/set_user_active")]
pub async fn admin_set_user_active(id: UserId, active: bool) -> Result<(), AppError> {
    use crate::api::ssr::{finish, state};
    finish(
        async {
            let state = state()?;
            let me = ssr::admin(&state).await?;
            crate::service::admin::set_user_active(&state.pool, me, id, active).await
        }
        .await,
    )
}

/// Creates a department; returns its id.
#[server(prefix = "/serverfn", endpoint = "admin/create_department")]
pub async fn admin_create_department(name: String) -> Result<DepartmentId, AppError> {
    use crate::api::ssr::{finish, state};
    finish(
        async {
            let state = state()?;
            ssr::admin(&state).await?;
            crate::service::admin::create_department(&state.pool, &name).await
        }
        .await,
    )
}

/// The production calendar of `year` (default: the current year) with totals.
#[server(prefix = "/serverfn", endpoint = "admin/calendar")]
pub async fn admin_calendar(year: Option<i32>) -> Result<CalendarYear, AppError> {
    use crate::api::ssr::{finish, state};
    finish(
        async {
            let state = state()?;
            ssr::admin(&state).await?;
            crate::service::admin::calendar_year(&state.pool, year, state.clock.now()).await
        }
        .await,
    )
}

/// Corrects one date: `mark` is `working`, `shortened`, `non_working`, or `usual` (the
/// correction is removed and the shipped calendar applies again).
#[server(prefix = "/serverfn", endpoint = "admin/set_day")]
pub async fn admin_set_day(
    date: String,
    mark: String,
    #[server(default)] note: String,
) -> Result<(), AppError> {
    use crate::api::ssr::{finish, state};
    finish(
        async {
            let state = state()?;
            let me = ssr::admin(&state).await?;
            let now = state.clock.now();
            crate::service::admin::set_day(&state.pool, me, &date, &mark, &note, now).await
        }
        .await,
    )
}

/// Every settings group.
#[server(prefix = "/serverfn", endpoint = "admin/settings")]
pub async fn admin_settings() -> Result<SettingsPage, AppError> {
    use crate::api::ssr::{finish, state};
    finish(
        async {
            let state = state()?;
            ssr::admin(&state).await?;
            crate::service::admin::settings_page(&state.pool).await
        }
        .await,
    )
}

/// Stores the weekly schedule; returns it as stored.
#[server(prefix = "/serverfn", endpoint = "admin/save_schedule")]
pub async fn admin_save_schedule(input: ScheduleForm) -> Result<Schedule, AppError> {
    use crate::api::ssr::{finish, state};
    use crate::service::admin::{parse_schedule, save_schedule};
    finish(
        async {
            let state = state()?;
            let me = ssr::admin(&state).await?;
            let schedule = parse_schedule(&input)?;
            save_schedule(&state.pool, &schedule, me, state.clock.now()).await?;
            Ok(schedule)
        }
        .await,
    )
}

/// Stores the deadline lengths; returns them as stored.
#[server(prefix = "/serverfn", endpoint = "admin/save_deadlines")]
pub async fn admin_save_deadlines(input: DeadlinesForm) -> Result<DeadlineSettings, AppError> {
    use crate::api::ssr::{finish, state};
    use crate::service::admin::{parse_deadlines, save};
    use crate::service::calendar::DEADLINES_KEY;
    finish(
        async {
            let state = state()?;
            let me = ssr::admin(&state).await?;
            let deadlines = parse_deadlines(&input)?;
            save(
                &state.pool,
                DEADLINES_KEY,
                &deadlines,
                me,
                state.clock.now(),
            )
            .await?;
            Ok(deadlines)
        }
        .await,
    )
}

/// Stores the per-network limits (`limits[telegram][max_chars]`, …; a network left out
/// keeps its current limits); returns every network's limits.
#[server(prefix = "/serverfn", endpoint = "admin/save_networks")]
pub async fn admin_save_networks(
    #[server(default)] limits: BTreeMap<String, LimitForm>,
) -> Result<Vec<NetworkSettings>, AppError> {
    use crate::api::ssr::{finish, state};
    finish(
        async {
            let state = state()?;
            let me = ssr::admin(&state).await?;
            crate::service::admin::save_networks(&state.pool, &limits, me, state.clock.now()).await
        }
        .await,
    )
}

/// Stores the upload limits in megabytes.
#[server(prefix = "/serverfn", endpoint = "admin/save_uploads")]
pub async fn admin_save_uploads(image_mb: String, video_mb: String) -> Result<UploadsMb, AppError> {
    use crate::api::ssr::{finish, state};
    use crate::service::admin::{parse_uploads, save};
    use crate::service::attachments::UPLOADS_KEY;
    finish(
        async {
            let state = state()?;
            let me = ssr::admin(&state).await?;
            let (limits, mb) = parse_uploads(&image_mb, &video_mb)?;
            save(&state.pool, UPLOADS_KEY, &limits, me, state.clock.now()).await?;
            Ok(mb)
        }
        .await,
    )
}

/// Stores the answer templates (rows marked `remove` and blank rows dropped); returns them.
#[server(prefix = "/serverfn", endpoint = "admin/save_templates")]
pub async fn admin_save_templates(
    #[server(default)] templates: Vec<TemplateForm>,
) -> Result<Vec<AnswerTemplate>, AppError> {
    use crate::api::ssr::{finish, state};
    use crate::service::admin::{parse_templates, save};
    use crate::service::settings::TEMPLATES_KEY;
    finish(
        async {
            let state = state()?;
            let me = ssr::admin(&state).await?;
            let templates = parse_templates(&templates)?;
            save(
                &state.pool,
                TEMPLATES_KEY,
                &templates,
                me,
                state.clock.now(),
            )
            .await?;
            Ok(templates.0)
        }
        .await,
    )
}

/// Every API token, active first.
#[server(prefix = "/serverfn", endpoint = "admin/tokens")]
pub async fn admin_tokens() -> Result<Vec<TokenRow>, AppError> {
    use crate::api::ssr::{finish, state};
    finish(
        async {
            let state = state()?;
            ssr::admin(&state).await?;
            crate::service::admin::tokens(&state.pool).await
        }
        .await,
    )
}

/// Issues an API token; the answer is the only time the token is shown.
#[server(prefix = "/serverfn", endpoint = "admin/issue_token")]
pub async fn admin_issue_token(name: String, role: String) -> Result<IssuedToken, AppError> {
    use crate::api::ssr::{finish, state};
    finish(
        async {
            let state = state()?;
            ssr::admin(&state).await?;
            let role = crate::service::admin::parse_role(&role)?;
            let token =
                crate::service::auth::issue_token(&state.pool, &name, role, state.clock.now())
                    .await?;
            Ok(IssuedToken {
                name: name.trim().to_owned(),
                role,
                token,
            })
        }
        .await,
    )
}

/// Revokes an API token: from now on it gets 401.
#[server(prefix = "/serverfn", endpoint = "admin/revoke_token")]
pub async fn admin_revoke_token(id: i64) -> Result<(), AppError> {
    use crate::api::ssr::{finish, state};
    finish(
        async {
            let state = state()?;
            ssr::admin(&state).await?;
            crate::service::admin::revoke_token(&state.pool, id, state.clock.now()).await
        }
        .await,
    )
}

/// The «Почта и уведомления» page: SMTP (password blanked), the due-soon threshold and
/// the newest e-mails of the outbox.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailPage {
    /// SMTP settings (`password` empty, `password_set` tells whether one is stored).
    pub smtp: crate::dto::mail::SmtpSettings,
    /// A deadline is due soon in the last this many percent of its budget.
    pub due_soon_percent: u8,
    /// The newest 50 e-mails.
    pub outbox: Vec<crate::dto::mail::OutboxEntry>,
}

/// The SMTP form as the page sends it (text fields, checkboxes present when on).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmtpForm {
    /// Checkbox: e-mail alerts on.
    #[serde(default)]
    pub enabled: Option<String>,
    /// Host.
    #[serde(default)]
    pub host: String,
    /// Port as typed.
    #[serde(default)]
    pub port: String,
    /// Checkbox: STARTTLS.
    #[serde(default)]
    pub starttls: Option<String>,
    /// User name.
    #[serde(default)]
    pub username: String,
    /// Password (empty: keep the stored one).
    #[serde(default)]
    pub password: String,
    /// Sender address.
    #[serde(default)]
    pub from: String,
    /// Otklik's address for links.
    #[serde(default)]
    pub base_url: String,
}

/// Reads the mail page.
#[server(prefix = "/serverfn", endpoint = "admin/mail")]
pub async fn admin_mail() -> Result<MailPage, AppError> {
    use crate::api::ssr::{finish, state};
    finish(
        async {
            let state = state()?;
            ssr::admin(&state).await?;
            let alerts: crate::service::alerts::AlertSettings =
                crate::service::settings::get(&state.pool, crate::service::alerts::ALERTS_KEY)
                    .await?;
            Ok(MailPage {
                smtp: crate::service::mail::settings_for_page(&state.pool).await?,
                due_soon_percent: alerts.due_soon_percent,
                outbox: crate::service::mail::outbox(&state.pool, 50).await?,
            })
        }
        .await,
    )
}

/// Stores the SMTP settings.
#[server(prefix = "/serverfn", endpoint = "admin/save_smtp")]
pub async fn admin_save_smtp(input: SmtpForm) -> Result<(), AppError> {
    use crate::api::ssr::{finish, state};
    finish(
        async {
            let state = state()?;
            let me = ssr::admin(&state).await?;
            let on = |v: &Option<String>| v.as_deref().is_some_and(|v| v == "on" || v == "true");
            let port = input
                .port
                .trim()
                .parse::<u16>()
                .map_err(|_| AppError::validation("port", "Порт — число от 1 до 65535"))?;
            let smtp = crate::dto::mail::SmtpSettings {
                enabled: on(&input.enabled),
                host: input.host,
                port,
                starttls: on(&input.starttls),
                username: input.username,
                password: input.password,
                password_set: false,
                from: input.from,
                base_url: input.base_url,
            };
            crate::service::mail::save_settings(&state.pool, smtp, Some(me), state.clock.now())
                .await
        }
        .await,
    )
}

/// Stores the due-soon threshold of alerts (percent of a deadline's budget).
#[server(prefix = "/serverfn", endpoint = "admin/save_alerts")]
pub async fn admin_save_alerts(due_soon_percent: String) -> Result<(), AppError> {
    use crate::api::ssr::{finish, state};
    finish(
        async {
            let state = state()?;
            let me = ssr::admin(&state).await?;
            let percent = due_soon_percent
                .trim()
                .parse::<u8>()
                .ok()
                .filter(|p| (1..=90).contains(p))
                .ok_or_else(|| {
                    AppError::validation("due_soon_percent", "Порог — целое число от 1 до 90 (%)")
                })?;
            crate::service::alerts::save_settings(
                &state.pool,
                &crate::service::alerts::AlertSettings {
                    due_soon_percent: percent,
                },
                me,
                state.clock.now(),
            )
            .await
        }
        .await,
    )
}
