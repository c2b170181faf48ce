//! Administration (SPEC "Roles": `admin`): users and departments, corrections of the
//! production calendar, settings groups read from forms, API tokens. Each write is one
//! transaction (or one statement) and records who made it where the table has a column
//! for it (`settings.updated_by`, `calendar_overrides.updated_by`).

use crate::domain::administration::{membership, settings_of, Known, Scope};
use crate::domain::calendar::WorkingDuration;
use crate::domain::calendar::{
    weekday_ru, DayMark, Schedule, TimeRange, WeekHours, FIRST_SUPPORTED_YEAR, LAST_SUPPORTED_YEAR,
};
use crate::domain::countdown::format_datetime;
use crate::domain::deadline::DeadlineSettings;
use crate::domain::ids::{AdministrationId, DepartmentId, UserId};
use crate::domain::network::{
    AnswerTemplate, AnswerTemplates, LinkHosts, Network, NetworkLimit, NetworkLimits,
};
use crate::domain::report::rating::{RatingMethod, FULL_MARKS_HOURS, MIN_MESSAGES};
use crate::domain::role::Role;
use crate::dto::admin::{
    AdminUser, CalendarCell, CalendarYear, Correction, DayHoursForm, DeadlinesForm, DepartmentRow,
    LayerInfo, LimitForm, NetworkSettings, NewAdministrationForm, NewUserForm, ScheduleForm,
    SettingsPage, TemplateForm, TokenRow, UploadsMb, UsersPage,
};
use crate::dto::message::AdministrationRef;
use crate::error::AppError;
use crate::service::attachments::{upload_limits, UploadLimits};
use crate::service::ctx::Ctx;
use crate::service::db::{Db, Tx};
use crate::service::messages::begin_write;
use crate::service::settings::Layer;
use crate::{on_db, on_tx};
use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Utc, Weekday};
use chrono_tz::Tz;
use serde::Serialize;
use std::collections::BTreeMap;

/// A row of `calendar_overrides` with its author's name: date, mark, note, when, who.
type CorrectionRow = (
    NaiveDate,
    Option<String>,
    String,
    DateTime<Utc>,
    Option<String>,
);

/// A row of `api_tokens` without the hash: id, name, role, issued, revoked.
type TokenDbRow = (i64, String, Role, DateTime<Utc>, Option<DateTime<Utc>>);

const MIB: u64 = 1024 * 1024;

/// The users page: every user (inactive too) and every department.
pub async fn users_page(ctx: &Ctx, me: &Admin) -> Result<UsersPage, AppError> {
    let pool = &ctx.pool;
    let shares = crate::service::reports::shares_on_time(ctx, me.scope).await?;
    let sql = format!(
        "SELECT u.id, u.login, u.full_name, u.role, d.name AS department, u.active = TRUE AS active, \
                (SELECT COUNT(*) FROM messages m WHERE m.assignee_id = u.id \
                   AND {}) AS open_messages \
         FROM users u LEFT JOIN departments d ON d.id = u.department_id \
         WHERE ($1 IS NULL OR u.administration_id = $1 OR (u.administration_id IS NULL AND (SELECT COUNT(*) FROM administrations) = 1)) \
         ORDER BY u.active DESC, u.full_name, u.login",
        crate::service::accounts::open_to_hand_over()
    );
    let mut users = on_db!(pool, p => sqlx::query_as::<_, AdminUser>(&sql)
    .bind(me.scope.only())
    .fetch_all(p)
    .await)?;
    for u in &mut users {
        u.on_time_percent = shares.get(&u.id.0).map(|s| (s * 100.0).round() as u32);
    }
    let departments = on_db!(pool, p => sqlx::query_as::<_, DepartmentRow>(
        "SELECT d.id, d.name, \
                (SELECT COUNT(*) FROM users u WHERE u.department_id = d.id AND u.active = TRUE) AS users \
         FROM departments d WHERE $1 IS NULL OR d.administration_id = $1 ORDER BY d.name",
    )
    .bind(me.scope.only())
    .fetch_all(p)
    .await)?;
    Ok(UsersPage {
        me: me.id,
        users,
        departments,
    })
}

/// The admin who calls: their id and the administrations they manage (their own, or every
/// one for the region's admin). An administration's admin also manages the regional
/// roles' users and tokens while the deployment has only that one administration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Admin {
    /// The admin's user id.
    pub id: UserId,
    /// Their administration, or the region.
    pub scope: Scope,
}

impl Admin {
    /// The settings layer this admin edits among the deployment's administrations
    /// (`Ctx::settings`), given the code asked for (`domain::administration::settings_of`).
    pub fn layer(&self, all: &[Known], requested: Option<&str>) -> Result<Layer, AppError> {
        Ok(match settings_of(self.scope, requested, all)? {
            None => Layer::Region,
            Some(a) => Layer::Administration(a),
        })
    }

    /// The administration whose network connections this admin edits: the one asked for,
    /// their own, or the only one; the region's admin of several must choose.
    pub fn connections_of(
        &self,
        all: &[Known],
        requested: Option<&str>,
    ) -> Result<AdministrationId, AppError> {
        self.one_of(all, requested, "Сети подключаются")
    }

    /// The administration whose topic catalogue this admin edits (as [`Self::connections_of`]).
    pub fn topics_of(
        &self,
        all: &[Known],
        requested: Option<&str>,
    ) -> Result<AdministrationId, AppError> {
        self.one_of(all, requested, "Темы ведутся")
    }

    /// The one administration asked for, the admin's own, or the only one; `what` says in
    /// Russian what is kept per administration when the region's admin must choose.
    fn one_of(
        &self,
        all: &[Known],
        requested: Option<&str>,
        what: &str,
    ) -> Result<AdministrationId, AppError> {
        match self.layer(all, requested)? {
            Layer::Administration(a) => Ok(a),
            Layer::Region => match all {
                [only] => Ok(only.id),
                _ => Err(AppError::validation(
                    "administration",
                    format!("{what} для каждой администрации: выберите администрацию"),
                )),
            },
        }
    }
}

/// Settings only the region has (one deployment, one method): upload limits, the rating.
const REGION_ONLY: [&str; 2] = [
    crate::service::attachments::UPLOADS_KEY,
    crate::service::reports::RATING_KEY,
];

/// A role by its name, or a validation error on `field`.
fn role_named(field: &str, name: &str) -> Result<Role, AppError> {
    Role::from_name(name.trim()).ok_or_else(|| AppError::validation(field, "Выберите роль"))
}

/// A role for an API token.
pub fn parse_role(name: &str) -> Result<Role, AppError> {
    role_named("role", name)
}

/// The id of department `name` of `administration` inside `tx`, created if missing.
pub(crate) async fn ensure_department(
    tx: &mut Tx,
    administration: AdministrationId,
    name: &str,
) -> Result<DepartmentId, AppError> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO departments (administration_id, name) VALUES ($1, $2) \
         ON CONFLICT (administration_id, name) DO NOTHING",
    )
    .bind(administration)
    .bind(name)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "SELECT id FROM departments WHERE administration_id = $1 AND name = $2",
    )
    .bind(administration)
    .bind(name)
    .fetch_one(c)
    .await)?)
}

/// The administration a new user or token of `role` joins: the admin's own, or for the
/// region's admin the one `requested` (`domain::administration::membership`). A regional
/// role is the region's admin's to give, or any admin's in a deployment of one
/// administration (a district issues the ЦУР its token).
pub(crate) async fn member_of(
    pool: &Db,
    me: &Admin,
    role: Role,
    requested: Option<&str>,
) -> Result<Option<AdministrationId>, AppError> {
    let all = crate::service::administrations::known(pool).await?;
    let requested = requested.map(str::trim).filter(|c| !c.is_empty());
    match me.scope {
        Scope::One(_) if role.is_regional() && all.len() > 1 => Err(AppError::Forbidden(format!(
            "Роль «{}» региональная: её выдаёт администратор региона",
            role.label()
        ))),
        Scope::One(_) if role.is_regional() => Ok(None),
        Scope::One(own) => Ok(Some(own)),
        Scope::Region => Ok(membership(role, requested, &all)?),
    }
}

/// Checks a department name.
pub(crate) fn department_name(name: &str) -> Result<&str, AppError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(AppError::validation(
            "department",
            "Название отдела: от 1 до 200 символов",
        ));
    }
    Ok(name)
}

/// A full name checked (trimmed).
pub(crate) fn checked_full_name(full_name: &str) -> Result<&str, AppError> {
    let full_name = full_name.trim();
    if full_name.is_empty() || full_name.chars().count() > 200 {
        return Err(AppError::validation(
            "full_name",
            "ФИО: укажите фамилию, имя и отчество (до 200 символов)",
        ));
    }
    Ok(full_name)
}

/// A new user's login, full name and password checked (trimmed login and name; the
/// password by `domain::account::check_password` and the list of common ones).
fn checked_person<'a>(
    login: &'a str,
    full_name: &'a str,
    password: &str,
) -> Result<(&'a str, &'a str), AppError> {
    let login = login.trim();
    crate::service::users::validate_login(login)?;
    let full_name = checked_full_name(full_name)?;
    crate::service::auth::password::chosen(password)?;
    Ok((login, full_name))
}

/// A user checked by [`checked_person`], with the password's hash, for [`insert_user`].
struct Person<'a> {
    login: &'a str,
    full_name: &'a str,
    role: Role,
    department: Option<(AdministrationId, &'a str)>,
    administration: Option<AdministrationId>,
    hash: String,
}

/// Inserts `p` inside `tx` (its department created if missing); a taken login (letter
/// case ignored) is a conflict.
async fn insert_user(tx: &mut Tx, p: Person<'_>, now: DateTime<Utc>) -> Result<UserId, AppError> {
    let login = p.login;
    let taken = || AppError::Conflict(format!("Логин «{login}» уже занят. Выберите другой логин"));
    let exists: Option<i64> = on_tx!(tx, c => sqlx::query_scalar("SELECT id FROM users WHERE lower(login) = lower($1)")
        .bind(login)
        .fetch_optional(c)
        .await)?;
    if exists.is_some() {
        return Err(taken());
    }
    let department_id = match p.department {
        Some((a, d)) => Some(ensure_department(tx, a, d).await?),
        None => None,
    };
    let res: Result<i64, sqlx::Error> = on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO users (login, full_name, role, department_id, password_hash, created_at, \
                            administration_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(login)
    .bind(p.full_name)
    .bind(p.role)
    .bind(department_id)
    .bind(&p.hash)
    .bind(now)
    .bind(p.administration)
    .fetch_one(c)
    .await);
    match res {
        Ok(id) => Ok(UserId(id)),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(taken()),
        Err(e) => Err(e.into()),
    }
}

/// Creates a user and, if named, their department, in one transaction. A taken login
/// (letter case ignored) is a conflict.
pub async fn create_user(
    pool: &Db,
    me: &Admin,
    form: &NewUserForm,
    now: DateTime<Utc>,
) -> Result<UserId, AppError> {
    let (login, full_name) = checked_person(&form.login, &form.full_name, &form.password)?;
    let role = role_named("role", &form.role)?;
    let administration = member_of(pool, me, role, form.administration.as_deref()).await?;
    let department = match form.department.trim() {
        "" => None,
        d => Some(department_name(d)?),
    };
    let department = crate::service::users::department_of(administration, department)?;
    // Hash before taking the write lock: argon2 is deliberately slow.
    let hash = crate::service::auth::hash_password(form.password.clone()).await?;
    let mut tx = begin_write(pool).await?;
    let person = Person {
        login,
        full_name,
        role,
        department,
        administration,
        hash,
    };
    let id = insert_user(&mut tx, person, now).await?;
    crate::service::accounts::record(
        &mut tx,
        now,
        Some(me.id),
        id,
        crate::domain::account::AccountEventKind::Created,
        serde_json::json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Every administration of the deployment for the region's admin's page; none for an
/// administration's admin (the page then says whose work it is).
pub async fn administrations(pool: &Db, me: &Admin) -> Result<Vec<AdministrationRef>, AppError> {
    if me.scope != Scope::Region {
        return Ok(Vec::new());
    }
    Ok(crate::service::administrations::list(pool)
        .await?
        .into_iter()
        .map(|r| AdministrationRef {
            code: r.code,
            name: r.name,
        })
        .collect())
}

const REGION_ADMIN_ONLY: &str = "Администрации создаёт администратор региона";

/// Creates an administration with its first admin, in one transaction (the region's
/// admin only): a taken code, name or login is a conflict and nothing is created.
pub async fn create_administration(
    pool: &Db,
    me: &Admin,
    form: &NewAdministrationForm,
    now: DateTime<Utc>,
) -> Result<AdministrationRef, AppError> {
    use crate::domain::administration::{check_code, check_name};
    if me.scope != Scope::Region {
        return Err(AppError::Forbidden(REGION_ADMIN_ONLY.to_owned()));
    }
    let code = check_code(&form.code)?;
    let name = check_name(&form.name).map_err(|e| AppError::validation("name", e.to_string()))?;
    let (login, full_name) =
        checked_person(&form.admin_login, &form.admin_name, &form.admin_password)?;
    let hash = crate::service::auth::hash_password(form.admin_password.clone()).await?;
    let mut tx = begin_write(pool).await?;
    let res: Result<AdministrationId, sqlx::Error> = on_tx!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO administrations (code, name, created_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(&code)
    .bind(&name)
    .bind(now)
    .fetch_one(c)
    .await);
    let id = match res {
        Ok(id) => id,
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            return Err(AppError::Conflict(format!(
                "Администрация с кодом «{code}» или названием «{name}» уже есть"
            )))
        }
        Err(e) => return Err(e.into()),
    };
    let person = Person {
        login,
        full_name,
        role: Role::Admin,
        department: None,
        administration: Some(id),
        hash,
    };
    insert_user(&mut tx, person, now).await?;
    tx.commit().await?;
    Ok(AdministrationRef { code, name })
}

/// Creates a department; an existing name is a conflict.
pub async fn create_department(
    pool: &Db,
    me: &Admin,
    name: &str,
) -> Result<DepartmentId, AppError> {
    let name = department_name(name)?;
    let Scope::One(administration) = me.scope else {
        return Err(AppError::Forbidden(
            "Отделы заводит администратор администрации".to_owned(),
        ));
    };
    let res: Result<i64, sqlx::Error> = on_db!(pool, p => sqlx::query_scalar(
        "INSERT INTO departments (administration_id, name) VALUES ($1, $2) RETURNING id",
    )
    .bind(administration)
    .bind(name)
    .fetch_one(p)
    .await);
    match res {
        Ok(id) => Ok(DepartmentId(id)),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            Err(AppError::Conflict(format!("Отдел «{name}» уже есть")))
        }
        Err(e) => Err(e.into()),
    }
}

/// The calendar page of `year` (default: the current local year) in `layer`: an
/// administration's own corrections over the region's.
pub async fn calendar_year(
    ctx: &Ctx,
    me: &Admin,
    layer: Layer,
    year: Option<i32>,
) -> Result<CalendarYear, AppError> {
    let (pool, now) = (&ctx.pool, ctx.now);
    let cal = match layer {
        Layer::Region => &ctx.config.region.cal,
        Layer::Administration(a) => &ctx.config.of(a).cal,
    };
    let tz = cal.tz();
    let year = year.unwrap_or_else(|| now.with_timezone(&tz).year());
    if !(FIRST_SUPPORTED_YEAR..=LAST_SUPPORTED_YEAR).contains(&year) {
        return Err(AppError::validation(
            "year",
            format!("Год: от {FIRST_SUPPORTED_YEAR} до {LAST_SUPPORTED_YEAR}"),
        ));
    }
    let (Some(first), Some(last)) = (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) else {
        return Err(AppError::validation("year", "Неверный год"));
    };
    let rows: Vec<CorrectionRow> = on_db!(pool, p => sqlx::query_as(
        "SELECT o.date, o.mark, o.note, o.updated_at, u.full_name \
             FROM calendar_overrides o LEFT JOIN users u ON u.id = o.updated_by \
             WHERE o.date BETWEEN $1 AND $2 AND o.administration_id IN (0, $3) \
             ORDER BY o.date, o.administration_id",
    )
    .bind(first)
    .bind(last)
    .bind(layer.id())
    .fetch_all(p)
    .await)?;
    let mut corrections: Vec<Correction> = Vec::with_capacity(rows.len());
    for (date, mark, note, at, by) in rows {
        // An administration's own correction of a date replaces the region's.
        if corrections.last().is_some_and(|c| c.date == date) {
            corrections.pop();
        }
        corrections.push(Correction {
            date,
            mark: mark.as_deref().and_then(DayMark::from_name),
            note,
            updated: format_datetime(at, tz),
            updated_by: by,
        });
    }
    let schedule = cal.schedule();
    let days = cal
        .days(first, last)
        .map(|(date, info)| CalendarCell {
            date,
            kind: info.kind,
            weekend: schedule.hours(date.weekday()).is_empty(),
            corrected: corrections.iter().any(|c| c.date == date),
        })
        .collect();
    Ok(CalendarYear {
        year,
        first_year: FIRST_SUPPORTED_YEAR,
        last_year: LAST_SUPPORTED_YEAR,
        summary: cal.year_summary(year),
        days,
        corrections,
        layer: layer_info(pool, me, layer).await?,
    })
}

/// Corrects `date` in `layer`: upserts the mark with a note, who and when; `usual`
/// deletes the correction so the shipped production calendar applies again (for an
/// administration over a region's correction: a correction back to the weekday rule).
pub async fn set_day(
    pool: &Db,
    layer: Layer,
    by: UserId,
    date: &str,
    mark: &str,
    note: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let date = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::validation("date", "Дата: выберите день (ГГГГ-ММ-ДД)"))?;
    if !(FIRST_SUPPORTED_YEAR..=LAST_SUPPORTED_YEAR).contains(&date.year()) {
        return Err(AppError::validation(
            "date",
            format!("Дата: год от {FIRST_SUPPORTED_YEAR} до {LAST_SUPPORTED_YEAR}"),
        ));
    }
    let note = note.trim();
    if note.chars().count() > 500 {
        return Err(AppError::validation(
            "note",
            "Примечание: не больше 500 символов",
        ));
    }
    let mark = mark.trim();
    if mark != "usual" && DayMark::from_name(mark).is_none() {
        return Err(AppError::validation("mark", "Выберите, каким будет день"));
    }
    // The correction and the list keys it moves, in one transaction.
    let mut tx = begin_write(pool).await?;
    let mark = if mark == "usual" {
        on_tx!(&mut tx, c => sqlx::query(
            "DELETE FROM calendar_overrides WHERE date = $1 AND administration_id = $2"
        )
        .bind(date)
        .bind(layer.id())
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        let regional: bool = on_tx!(&mut tx, c => sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM calendar_overrides \
             WHERE date = $1 AND administration_id = 0 AND mark IS NOT NULL)"
        )
        .bind(date)
        .fetch_one(c)
        .await)?;
        if layer == Layer::Region || !regional {
            crate::service::messages::keys::after_config_change(&mut tx).await?;
            tx.commit().await?;
            return Ok(());
        }
        None
    } else {
        Some(mark)
    };
    on_tx!(&mut tx, c => sqlx::query(
        "INSERT INTO calendar_overrides (date, mark, note, updated_at, updated_by, administration_id) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (administration_id, date) DO UPDATE SET mark = excluded.mark, \
         note = excluded.note, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
    )
    .bind(date)
    .bind(mark)
    .bind(note)
    .bind(now)
    .bind(by)
    .bind(layer.id())
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    crate::service::messages::keys::after_config_change(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Stores the weekly schedule of `layer` and moves the list keys it changes, in one
/// transaction. An administration keeps the region's time zone (one region, one clock
/// for its lists and reports).
pub async fn save_schedule(
    pool: &Db,
    layer: Layer,
    schedule: &Schedule,
    by: UserId,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if layer != Layer::Region {
        let region = crate::service::calendar::schedule(pool, Layer::Region).await?;
        if region.tz != schedule.tz {
            return Err(AppError::validation(
                "tz",
                format!(
                    "Часовой пояс администрации — как у региона: {}",
                    region.tz.name()
                ),
            ));
        }
    }
    let mut tx = begin_write(pool).await?;
    crate::service::settings::put_in(
        &mut tx,
        layer,
        crate::service::calendar::SCHEDULE_KEY,
        schedule,
        Some(by),
        now,
    )
    .await?;
    crate::service::messages::keys::after_config_change(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Every settings group of `layer` for the settings page.
pub async fn settings_page(pool: &Db, me: &Admin, layer: Layer) -> Result<SettingsPage, AppError> {
    let uploads = upload_limits(pool).await?;
    Ok(SettingsPage {
        schedule: crate::service::calendar::schedule(pool, layer).await?,
        deadlines: crate::service::calendar::deadline_settings(pool, layer).await?,
        networks: network_settings(pool, layer).await?,
        uploads: UploadsMb {
            image_mb: mb(uploads.max_image_bytes),
            video_mb: mb(uploads.max_video_bytes),
        },
        templates: crate::service::settings::templates(pool, layer).await?.0,
        rating: crate::service::settings::get(
            pool,
            Layer::Region,
            crate::service::reports::RATING_KEY,
        )
        .await?,
        layer: layer_info(pool, me, layer).await?,
    })
}

/// Whole megabytes, rounded up.
fn mb(bytes: u64) -> u32 {
    u32::try_from(bytes.div_ceil(MIB)).unwrap_or(u32::MAX)
}

/// Every network's settings (answer limits and link hosts), in the order of
/// [`Network::ALL`].
pub async fn network_settings(pool: &Db, layer: Layer) -> Result<Vec<NetworkSettings>, AppError> {
    let limits = crate::service::settings::network_limits(pool, layer).await?;
    let hosts = crate::service::settings::link_hosts(pool, layer).await?;
    Ok(Network::ALL
        .map(|network| NetworkSettings {
            network,
            limit: limits.get(network),
            hosts: hosts.get(network),
        })
        .to_vec())
}

/// Stores the networks' limits and link hosts of `layer` from the form, in one
/// transaction.
pub async fn save_networks(
    pool: &Db,
    layer: Layer,
    form: &BTreeMap<String, LimitForm>,
    by: UserId,
    now: DateTime<Utc>,
) -> Result<Vec<NetworkSettings>, AppError> {
    use crate::service::settings::{
        link_hosts, network_limits, put_in, LINK_HOSTS_KEY, NETWORKS_KEY,
    };
    let hosts = parse_link_hosts(link_hosts(pool, layer).await?, form)?;
    let limits = parse_networks(network_limits(pool, layer).await?, form)?;
    let mut tx = begin_write(pool).await?;
    put_in(&mut tx, layer, NETWORKS_KEY, &limits, Some(by), now).await?;
    put_in(&mut tx, layer, LINK_HOSTS_KEY, &hosts, Some(by), now).await?;
    tx.commit().await?;
    network_settings(pool, layer).await
}

/// Stores settings group `key` of `layer` as set by `by` (one statement: its own
/// transaction). Upload limits and the rating are the region's alone.
pub async fn save<T: Serialize>(
    pool: &Db,
    layer: Layer,
    key: &str,
    value: &T,
    by: UserId,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if layer != Layer::Region && REGION_ONLY.contains(&key) {
        return Err(AppError::Forbidden(
            "Это настройка всего региона: её меняет администратор региона".to_owned(),
        ));
    }
    crate::service::settings::put(pool, layer, key, value, Some(by), now).await
}

/// Stores the deadline lengths of `layer`: an administration's each at most the
/// region's (`DeadlineSettings::beyond`).
pub async fn save_deadlines(
    pool: &Db,
    layer: Layer,
    deadlines: &DeadlineSettings,
    by: UserId,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    use crate::service::calendar::{deadline_settings, DEADLINES_KEY};
    if layer != Layer::Region {
        let region = deadline_settings(pool, Layer::Region).await?;
        if let Some((field, _, max)) = deadlines.beyond(&region).first() {
            let unit = if *field == "final_draft_days" {
                "рабочих дней"
            } else {
                "минут"
            };
            return Err(AppError::validation(
                field,
                format!("Срок не может быть длиннее установленного регионом: {max} {unit}"),
            ));
        }
    }
    save(pool, layer, DEADLINES_KEY, deadlines, by, now).await
}

/// Whose settings a page shows, and the administrations the region's admin may pick.
pub async fn layer_info(pool: &Db, me: &Admin, layer: Layer) -> Result<LayerInfo, AppError> {
    let all = crate::service::administrations::list(pool).await?;
    let current = layer
        .administration()
        .and_then(|a| all.iter().find(|r| r.id == a))
        .map(|r| AdministrationRef {
            code: r.code.clone(),
            name: r.name.clone(),
        });
    Ok(LayerInfo {
        several: all.len() > 1,
        current,
        choices: match me.scope {
            Scope::Region => all
                .into_iter()
                .map(|r| AdministrationRef {
                    code: r.code,
                    name: r.name,
                })
                .collect(),
            Scope::One(_) => Vec::new(),
        },
    })
}

/// A whole number in `range` from a form field, or a validation error naming it.
fn number(field: &str, label: &str, value: &str, min: u32, max: u32) -> Result<u32, AppError> {
    value
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|n| (min..=max).contains(n))
        .ok_or_else(|| {
            AppError::validation(field, format!("{label}: целое число от {min} до {max}"))
        })
}

const WEEK: [(Weekday, &str); 7] = [
    (Weekday::Mon, "mon"),
    (Weekday::Tue, "tue"),
    (Weekday::Wed, "wed"),
    (Weekday::Thu, "thu"),
    (Weekday::Fri, "fri"),
    (Weekday::Sat, "sat"),
    (Weekday::Sun, "sun"),
];

/// Capitalised Russian weekday, e.g. «Понедельник».
fn weekday_title(day: Weekday) -> String {
    let name = weekday_ru(&day);
    let mut chars = name.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `HH:MM` (or `HH:MM:SS`) of a form field; `None` when empty.
fn time(field: &str, label: &str, value: &str) -> Result<Option<NaiveTime>, AppError> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    NaiveTime::parse_from_str(value, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(value, "%H:%M:%S"))
        .map(Some)
        .map_err(|_| AppError::validation(field, format!("{label}: время в виде ЧЧ:ММ")))
}

/// One weekday's intervals from the form: the day, minus the lunch break inside it.
fn day_intervals(day: Weekday, key: &str, form: &DayHoursForm) -> Result<Vec<TimeRange>, AppError> {
    let title = weekday_title(day);
    let f = |name: &str| format!("{key}.{name}");
    let start = time(&f("start"), &format!("{title}, начало"), &form.start)?;
    let end = time(&f("end"), &format!("{title}, конец"), &form.end)?;
    let lunch_start = time(
        &f("lunch_start"),
        &format!("{title}, начало обеда"),
        &form.lunch_start,
    )?;
    let lunch_end = time(
        &f("lunch_end"),
        &format!("{title}, конец обеда"),
        &form.lunch_end,
    )?;
    let (start, end) = match (start, end) {
        (None, None) if lunch_start.is_none() && lunch_end.is_none() => return Ok(Vec::new()),
        (Some(s), Some(e)) => (s, e),
        _ => {
            return Err(AppError::validation(
                &f("start"),
                format!("{title}: укажите начало и конец рабочего дня или оставьте оба поля пустыми (выходной)"),
            ))
        }
    };
    if start >= end {
        return Err(AppError::validation(
            &f("end"),
            format!("{title}: начало рабочего дня должно быть раньше конца"),
        ));
    }
    match (lunch_start, lunch_end) {
        (None, None) => Ok(vec![(start, end)]),
        (Some(ls), Some(le)) if start < ls && ls < le && le < end => {
            Ok(vec![(start, ls), (le, end)])
        }
        (Some(_), Some(_)) => Err(AppError::validation(
            &f("lunch_start"),
            format!(
                "{title}: обед должен начинаться раньше, чем заканчивается, и быть внутри рабочего дня ({}–{})",
                start.format("%H:%M"),
                end.format("%H:%M")
            ),
        )),
        _ => Err(AppError::validation(
            &f("lunch_start"),
            format!("{title}: укажите начало и конец обеда или оставьте оба поля пустыми"),
        )),
    }
}

/// The schedule of the form, checked by [`Schedule::validate`] too.
pub fn parse_schedule(form: &ScheduleForm) -> Result<Schedule, AppError> {
    let tz: Tz = form.tz.trim().parse().map_err(|_| {
        AppError::validation(
            "tz",
            format!(
                "Часовой пояс «{}» неизвестен: например, Europe/Moscow",
                form.tz.trim()
            ),
        )
    })?;
    let working_weekend_as = WEEK
        .iter()
        .find(|(_, k)| *k == form.weekend_as.trim())
        .map(|(d, _)| *d)
        .ok_or_else(|| {
            AppError::validation(
                "weekend_as",
                "Выберите, по часам какого дня работают в рабочие выходные",
            )
        })?;
    let mut week = WeekHours::default();
    for (day, key) in WEEK {
        let input = match day {
            Weekday::Mon => &form.mon,
            Weekday::Tue => &form.tue,
            Weekday::Wed => &form.wed,
            Weekday::Thu => &form.thu,
            Weekday::Fri => &form.fri,
            Weekday::Sat => &form.sat,
            Weekday::Sun => &form.sun,
        };
        *week.get_mut(day) = day_intervals(day, key, input)?;
    }
    let schedule = Schedule {
        tz,
        week,
        working_weekend_as,
    };
    schedule
        .validate()
        .map_err(|e| AppError::validation("schedule", format!("Расписание: {e}")))?;
    Ok(schedule)
}

/// The deadline lengths of the form (minutes; days for §10). An urgent answer may not
/// take longer than an ordinary one.
pub fn parse_deadlines(form: &DeadlinesForm) -> Result<DeadlineSettings, AppError> {
    const MAX_MINUTES: u32 = 10_000;
    let minutes = |field: &str, label: &str, value: &str| {
        number(field, &format!("{label}, минут"), value, 1, MAX_MINUTES)
            .map(WorkingDuration::from_minutes)
    };
    let settings = DeadlineSettings {
        return_by: minutes("return_by", "Возврат в ОИВ (§5)", &form.return_by)?,
        draft_by: minutes("draft_by", "Проект ответа (§7)", &form.draft_by)?,
        answer_by: minutes("answer_by", "Ответ (§6)", &form.answer_by)?,
        answer_by_urgent: minutes("answer_by_urgent", "Срочный ответ", &form.answer_by_urgent)?,
        // Settings saved before the urgent draft length existed keep its default.
        draft_by_urgent: match form.draft_by_urgent.trim() {
            "" => DeadlineSettings::default().draft_by_urgent,
            v => minutes("draft_by_urgent", "Проект срочного ответа", v)?,
        },
        revision_by: minutes("revision_by", "Доработка (§8)", &form.revision_by)?,
        publish_by: minutes("publish_by", "Размещение (§9)", &form.publish_by)?,
        final_draft_working_days: number(
            "final_draft_days",
            "Окончательный проект (§10), рабочих дней",
            &form.final_draft_days,
            1,
            60,
        )?,
    };
    if settings.answer_by_urgent > settings.answer_by {
        return Err(AppError::validation(
            "answer_by_urgent",
            "Срочный ответ, минут: не больше срока обычного ответа",
        ));
    }
    if settings.draft_by_urgent > settings.draft_by {
        return Err(AppError::validation(
            "draft_by_urgent",
            "Проект срочного ответа, минут: не больше срока обычного проекта",
        ));
    }
    if settings.draft_by_urgent > settings.answer_by_urgent {
        return Err(AppError::validation(
            "draft_by_urgent",
            "Проект срочного ответа, минут: не больше срока срочного ответа",
        ));
    }
    Ok(settings)
}

/// `current` with the networks of the form replaced (`limits[<network>][max_chars]`).
/// A caption limit left out of the form keeps its current value.
pub fn parse_networks(
    current: NetworkLimits,
    form: &BTreeMap<String, LimitForm>,
) -> Result<NetworkLimits, AppError> {
    let mut limits: BTreeMap<Network, NetworkLimit> = Network::ALL
        .into_iter()
        .map(|n| (n, current.get(n)))
        .collect();
    for (name, input) in form {
        let network = Network::from_name(name.trim())
            .ok_or_else(|| AppError::validation("limits", format!("Неизвестная сеть «{name}»")))?;
        let label = network.label();
        let limit = NetworkLimit {
            max_chars: number(
                &format!("{name}.max_chars"),
                &format!("{label}: длина ответа, символов"),
                &input.max_chars,
                1,
                100_000,
            )?,
            max_media: number(
                &format!("{name}.max_media"),
                &format!("{label}: фото и видео в ответе"),
                &input.max_media,
                0,
                50,
            )?,
            max_caption_chars: match input.caption_chars.as_deref().map(str::trim) {
                None => current.get(network).max_caption_chars,
                // Empty: the network's default (Telegram 1,024; others none).
                Some("") => None,
                Some(v) => Some(number(
                    &format!("{name}.caption_chars"),
                    &format!("{label}: подпись к фото и видео, символов"),
                    v,
                    1,
                    100_000,
                )?),
            },
        };
        limits.insert(network, limit);
    }
    Ok(NetworkLimits(limits))
}

/// `current` with the link hosts of the form replaced (`limits[<network>][hosts]`, hosts
/// separated by commas or spaces; empty: any `https` address). A network whose field is
/// left out keeps its hosts.
pub fn parse_link_hosts(
    current: LinkHosts,
    form: &BTreeMap<String, LimitForm>,
) -> Result<LinkHosts, AppError> {
    let mut hosts: BTreeMap<Network, Vec<String>> = Network::ALL
        .into_iter()
        .map(|n| (n, current.get(n)))
        .collect();
    for (name, input) in form {
        let Some(list) = &input.hosts else { continue };
        let network = Network::from_name(name.trim())
            .ok_or_else(|| AppError::validation("limits", format!("Неизвестная сеть «{name}»")))?;
        let list: Vec<String> = list
            .split([',', ' ', ';', '\n'])
            .map(|h| h.trim().trim_end_matches('/').to_lowercase())
            .map(|h| h.strip_prefix("https://").map(str::to_owned).unwrap_or(h))
            .filter(|h| !h.is_empty())
            .collect();
        if let Some(bad) = list.iter().find(|h| {
            crate::domain::network::https_host(&format!("https://{h}")).as_deref() != Some(h)
        }) {
            return Err(AppError::validation(
                &format!("{name}.hosts"),
                format!(
                    "{}: «{bad}» — не имя сайта (пример: vk.com)",
                    network.label()
                ),
            ));
        }
        hosts.insert(network, list);
    }
    Ok(LinkHosts(hosts))
}

/// Upload limits from megabyte fields.
pub fn parse_uploads(
    image_mb: &str,
    video_mb: &str,
) -> Result<(UploadLimits, UploadsMb), AppError> {
    let mb = UploadsMb {
        image_mb: number("image_mb", "Наибольшее фото, МБ", image_mb, 1, 100)?,
        video_mb: number("video_mb", "Наибольшее видео, МБ", video_mb, 1, 1000)?,
    };
    let limits = UploadLimits {
        max_image_bytes: u64::from(mb.image_mb) * MIB,
        max_video_bytes: u64::from(mb.video_mb) * MIB,
    };
    Ok((limits, mb))
}

/// The rating's method from the settings form (1–72 working hours, 1–1000 messages).
pub fn parse_rating_method(hours: &str, min_messages: &str) -> Result<RatingMethod, AppError> {
    let (h, m) = (FULL_MARKS_HOURS, MIN_MESSAGES);
    Ok(RatingMethod {
        full_marks_hours: number(
            "full_marks_hours",
            "Полный балл, раб. ч",
            hours,
            *h.start(),
            *h.end(),
        )?,
        min_messages: number(
            "min_messages",
            "Наименьшее число сообщений",
            min_messages,
            *m.start(),
            *m.end(),
        )?,
    })
}

/// The templates of the form: rows marked for removal and blank rows are dropped.
pub fn parse_templates(rows: &[TemplateForm]) -> Result<AnswerTemplates, AppError> {
    let mut out = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let (name, text) = (row.name.trim(), row.text.trim());
        let removed = row
            .remove
            .as_deref()
            .is_some_and(|v| !v.is_empty() && v != "false");
        if removed || (name.is_empty() && text.is_empty()) {
            continue;
        }
        let n = i + 1;
        if name.is_empty() || name.chars().count() > 60 {
            return Err(AppError::validation(
                &format!("templates.{i}.name"),
                format!("Шаблон {n}: название от 1 до 60 символов"),
            ));
        }
        if text.is_empty() || text.chars().count() > 4000 {
            return Err(AppError::validation(
                &format!("templates.{i}.text"),
                format!("Шаблон {n} «{name}»: текст от 1 до 4000 символов"),
            ));
        }
        out.push(AnswerTemplate {
            name: name.to_owned(),
            text: text.to_owned(),
        });
    }
    if out.len() > 50 {
        return Err(AppError::validation("templates", "Не больше 50 шаблонов"));
    }
    Ok(AnswerTemplates(out))
}

/// Every API token, active first, the newest first.
pub async fn tokens(pool: &Db, me: &Admin) -> Result<Vec<TokenRow>, AppError> {
    let tz = crate::service::calendar::schedule(pool, Layer::Region)
        .await?
        .tz;
    let rows: Vec<TokenDbRow> = on_db!(pool, p => sqlx::query_as(
        "SELECT id, name, role, created_at, revoked_at FROM api_tokens \
         WHERE ($1 IS NULL OR administration_id = $1 OR (administration_id IS NULL AND (SELECT COUNT(*) FROM administrations) = 1)) \
         ORDER BY revoked_at IS NOT NULL, created_at DESC, id DESC",
    )
    .bind(me.scope.only())
    .fetch_all(p)
    .await)?;
    Ok(rows
        .into_iter()
        .map(|(id, name, role, created, revoked)| TokenRow {
            id,
            name,
            role,
            created: format_datetime(created, tz),
            revoked: revoked.map(|t| format_datetime(t, tz)),
        })
        .collect())
}

/// Issues an API token with `role` for the admin's administration (the region's admin:
/// the one `requested`, none for a regional role); the token is shown only now.
pub async fn issue_token(
    pool: &Db,
    me: &Admin,
    name: &str,
    role: Role,
    requested: Option<&str>,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let administration = member_of(pool, me, role, requested).await?;
    crate::service::auth::issue_token(pool, name, role, administration, Some(me.id), now).await
}

/// Revokes token `id` (its requests get 401 from then on).
pub async fn revoke_token(
    pool: &Db,
    me: &Admin,
    id: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let done = on_db!(pool, p => sqlx::query(
        "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL \
         AND ($3 IS NULL OR administration_id = $3 OR (administration_id IS NULL AND (SELECT COUNT(*) FROM administrations) = 1))",
    )
            .bind(now)
            .bind(id)
            .bind(me.scope.only())
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
    if done == 1 {
        return Ok(());
    }
    let exists: Option<i64> = on_db!(pool, p => sqlx::query_scalar(
        "SELECT id FROM api_tokens WHERE id = $1 \
         AND ($2 IS NULL OR administration_id = $2 OR (administration_id IS NULL AND (SELECT COUNT(*) FROM administrations) = 1))",
    )
        .bind(id)
        .bind(me.scope.only())
        .fetch_optional(p)
        .await)?;
    match exists {
        Some(_) => Err(AppError::Conflict("Токен уже отозван".to_owned())),
        None => Err(AppError::NotFound("Токен не найден".to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(start: &str, end: &str, ls: &str, le: &str) -> DayHoursForm {
        DayHoursForm {
            start: start.into(),
            end: end.into(),
            lunch_start: ls.into(),
            lunch_end: le.into(),
        }
    }

    fn form_of(schedule: &Schedule) -> ScheduleForm {
        let f = |d| DayHoursForm::from_intervals(schedule.hours(d));
        ScheduleForm {
            tz: schedule.tz.name().to_owned(),
            weekend_as: "mon".into(),
            mon: f(Weekday::Mon),
            tue: f(Weekday::Tue),
            wed: f(Weekday::Wed),
            thu: f(Weekday::Thu),
            fri: f(Weekday::Fri),
            sat: f(Weekday::Sat),
            sun: f(Weekday::Sun),
        }
    }

    #[test]
    fn the_default_schedule_round_trips_through_the_form() {
        let schedule = Schedule::default();
        assert_eq!(parse_schedule(&form_of(&schedule)).unwrap(), schedule);
    }

    #[test]
    fn schedule_errors_name_the_day_and_field() {
        let mut form = form_of(&Schedule::default());
        form.tue = day("18:00", "09:00", "", "");
        let err = parse_schedule(&form).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Вторник: начало рабочего дня должно быть раньше конца"
        );
        form.tue = day("09:00", "18:00", "12:00", "19:00");
        assert!(
            matches!(parse_schedule(&form), Err(AppError::Validation { field, .. }) if field == "tue.lunch_start")
        );
        form.tue = day("09:00", "", "", "");
        assert!(parse_schedule(&form).is_err());
        form.tue = day("9:00", "18:00", "", "");
        assert!(parse_schedule(&form).is_ok());
        form.tz = "Mars/Olympus".into();
        assert!(
            matches!(parse_schedule(&form), Err(AppError::Validation { field, .. }) if field == "tz")
        );
    }

    #[test]
    fn deadlines_in_minutes_and_days() {
        let form = DeadlinesForm {
            return_by: "30".into(),
            draft_by: "300".into(),
            answer_by: "540".into(),
            answer_by_urgent: "240".into(),
            draft_by_urgent: "120".into(),
            revision_by: "60".into(),
            publish_by: "30".into(),
            final_draft_days: "7".into(),
        };
        assert_eq!(parse_deadlines(&form).unwrap(), DeadlineSettings::default());
        // A form without the urgent draft length (saved before it existed) keeps the default.
        let older = DeadlinesForm {
            draft_by_urgent: String::new(),
            ..form.clone()
        };
        assert_eq!(
            parse_deadlines(&older).unwrap(),
            DeadlineSettings::default()
        );
        let slow_urgent_draft = DeadlinesForm {
            draft_by_urgent: "300".into(),
            ..form.clone()
        };
        assert_eq!(
            parse_deadlines(&slow_urgent_draft).unwrap_err().to_string(),
            "Проект срочного ответа, минут: не больше срока срочного ответа"
        );
        let bad = DeadlinesForm {
            draft_by: "0".into(),
            ..form.clone()
        };
        assert_eq!(
            parse_deadlines(&bad).unwrap_err().to_string(),
            "Проект ответа (§7), минут: целое число от 1 до 10000"
        );
        let slow_urgent = DeadlinesForm {
            answer_by_urgent: "600".into(),
            ..form
        };
        assert!(parse_deadlines(&slow_urgent).is_err());
    }

    #[test]
    fn templates_drop_removed_and_blank_rows() {
        let rows = vec![
            TemplateForm {
                name: "А".into(),
                text: "{автор}, здравствуйте!".into(),
                remove: None,
            },
            TemplateForm {
                name: "Б".into(),
                text: "Удалить".into(),
                remove: Some("on".into()),
            },
            TemplateForm::default(),
        ];
        assert_eq!(parse_templates(&rows).unwrap().0.len(), 1);
        let half = vec![TemplateForm {
            name: String::new(),
            text: "Текст".into(),
            remove: None,
        }];
        assert!(parse_templates(&half).is_err());
    }
}
