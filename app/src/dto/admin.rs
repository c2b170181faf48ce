//! The shapes of the administration pages and their forms (users, departments, calendar
//! corrections, settings, API tokens, mail), shared by the server functions, the service
//! and the pages.

use crate::domain::calendar::{DayKind, DayMark, Schedule, TimeRange, YearSummary};
use crate::domain::deadline::DeadlineSettings;
use crate::domain::ids::{DepartmentId, UserId};
use crate::domain::network::{AnswerTemplate, Network, NetworkLimit};
use crate::domain::role::Role;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

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
    /// Open messages assigned to them (handed over after deactivation).
    pub open_messages: i64,
    /// This month's share of their final answers on time, whole percent (none without an
    /// answer this month).
    #[cfg_attr(feature = "ssr", sqlx(skip))]
    pub on_time_percent: Option<u32>,
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
    /// The administration's code, chosen by the region's admin (an administration's admin
    /// creates users in their own).
    #[serde(default)]
    pub administration: Option<String>,
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
    /// Whose calendar this is.
    pub layer: LayerInfo,
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
    /// The method of the monthly rating of departments.
    pub rating: crate::domain::report::rating::RatingMethod,
    /// Whose settings these are.
    pub layer: LayerInfo,
}

/// Whose settings a page shows (issue 19): the region's, or one administration's own
/// over the region's.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LayerInfo {
    /// The deployment has several administrations.
    pub several: bool,
    /// The administration whose settings these are (`None`: the region's).
    pub current: Option<crate::dto::message::AdministrationRef>,
    /// Every administration, for the region's admin to pick one (empty for an
    /// administration's admin).
    pub choices: Vec<crate::dto::message::AdministrationRef>,
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
    /// Whose settings these are.
    pub layer: LayerInfo,
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

/// The form of a new administration with its first admin (the region's admin).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAdministrationForm {
    /// Short code (`luga`).
    pub code: String,
    /// Name (`Лужский муниципальный район`).
    pub name: String,
    /// The first admin's login.
    pub admin_login: String,
    /// The first admin's full name.
    pub admin_name: String,
    /// The first admin's password.
    pub admin_password: String,
}

/// The admin's form for one entry of the topic catalogue, as the page posts it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicForm {
    /// The entry to change (empty: a new one).
    #[serde(default)]
    pub id: String,
    /// Its name.
    #[serde(default)]
    pub name: String,
    /// Offered for new choices: a checkbox, present when on.
    #[serde(default)]
    pub active: Option<String>,
    /// The department that usually handles it (empty: none).
    #[serde(default)]
    pub department_id: String,
    /// The word stems that suggest it, comma-separated.
    #[serde(default)]
    pub keywords: String,
}

/// An entry of the topic catalogue as the admin edits it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicEntry {
    /// The topic.
    pub topic: crate::dto::message::TopicDto,
    /// The word stems that suggest it, comma-separated: its own, or the built-in ones.
    pub keywords: String,
    /// Whether `keywords` are the built-in ones (none stored).
    pub builtin: bool,
}
