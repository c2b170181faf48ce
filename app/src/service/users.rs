//! Users and departments: queries and creation.

use crate::domain::administration::{membership, Scope};
use crate::domain::ids::{AdministrationId, DepartmentId, UserId};
use crate::domain::role::Role;
use crate::error::AppError;
use crate::on_db;
use crate::service::auth::hash_password;
use crate::service::db::Db;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A user as the rest of the system sees them (never the password hash).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct UserRow {
    /// Id.
    pub id: UserId,
    /// Login name.
    pub login: String,
    /// Full name shown in the interface.
    pub full_name: String,
    /// Role.
    pub role: Role,
    /// Department, if any.
    pub department_id: Option<DepartmentId>,
    /// Department name, if any.
    pub department_name: Option<String>,
    /// The administration (`None`: a regional role or the region's admin).
    pub administration_id: Option<AdministrationId>,
}

/// A user's columns (an [`Account`]'s: a [`UserRow`] reads the ones it names).
const USER_COLUMNS: &str =
    "SELECT u.id, u.login, u.full_name, u.role, u.department_id, d.name AS department_name, \
            u.administration_id, u.must_change_password, u.session_epoch \
     FROM users u LEFT JOIN departments d ON d.id = u.department_id";

/// An active user by id.
pub async fn by_id(pool: &Db, id: UserId) -> Result<Option<UserRow>, AppError> {
    Ok(
        on_db!(pool, p => sqlx::query_as::<_, UserRow>(&format!("{USER_COLUMNS} WHERE u.id = $1 AND u.active = TRUE"))
            .bind(id)
            .fetch_optional(p)
            .await)?,
    )
}

/// The full name of user `id`, active or not.
pub async fn any_by_id(pool: &Db, id: UserId) -> Result<Option<String>, AppError> {
    Ok(
        on_db!(pool, p => sqlx::query_scalar("SELECT full_name FROM users WHERE id = $1")
        .bind(id)
        .fetch_optional(p)
        .await)?,
    )
}

/// An active user with what their sessions depend on.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Account {
    /// The user.
    #[sqlx(flatten)]
    pub user: UserRow,
    /// They signed in with a one-time password and must choose their own.
    pub must_change_password: bool,
    /// The epoch of their sessions (`service::auth::signed`).
    pub session_epoch: i64,
}

/// An active user by id, with what their sessions depend on.
pub async fn account(pool: &Db, id: UserId) -> Result<Option<Account>, AppError> {
    Ok(on_db!(pool, p => sqlx::query_as::<_, Account>(&format!(
        "{USER_COLUMNS} WHERE u.id = $1 AND u.active = TRUE"
    ))
    .bind(id)
    .fetch_optional(p)
    .await)?)
}

/// Active users within `scope`, optionally of one role, by name.
pub async fn list(pool: &Db, scope: Scope, role: Option<Role>) -> Result<Vec<UserRow>, AppError> {
    Ok(on_db!(pool, p => sqlx::query_as::<_, UserRow>(&format!(
        "{USER_COLUMNS} WHERE u.active = TRUE AND ($1 IS NULL OR u.role = $1) \
         AND ($2 IS NULL OR u.administration_id = $2) ORDER BY u.full_name"
    ))
    .bind(role)
    .bind(scope.only())
    .fetch_all(p)
    .await)?)
}

/// The departments within `scope` as (id, name), by name.
pub async fn departments(pool: &Db, scope: Scope) -> Result<Vec<(DepartmentId, String)>, AppError> {
    Ok(on_db!(pool, p => sqlx::query_as(
        "SELECT id, name FROM departments WHERE ($1 IS NULL OR administration_id = $1) ORDER BY name",
    )
    .bind(scope.only())
    .fetch_all(p)
    .await)?)
}

/// Number of users (a first start creates an admin when there are none).
pub async fn count(pool: &Db) -> Result<i64, AppError> {
    Ok(
        on_db!(pool, p => sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(p)
        .await)?,
    )
}

/// The id of the department of `administration` named `name`, created if missing.
pub async fn ensure_department(
    pool: &Db,
    administration: AdministrationId,
    name: &str,
) -> Result<DepartmentId, AppError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::validation(
            "department",
            "Название отдела не может быть пустым",
        ));
    }
    on_db!(pool, p => sqlx::query(
        "INSERT INTO departments (administration_id, name) VALUES ($1, $2) \
         ON CONFLICT (administration_id, name) DO NOTHING",
    )
    .bind(administration)
    .bind(name)
    .execute(p)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(on_db!(pool, p => sqlx::query_scalar(
        "SELECT id FROM departments WHERE administration_id = $1 AND name = $2",
    )
    .bind(administration)
    .bind(name)
    .fetch_one(p)
    .await)?)
}

/// The department a member of `administration` may be given: none for the regional
/// roles and the region's admin.
pub fn department_of(
    administration: Option<AdministrationId>,
    department: Option<&str>,
) -> Result<Option<(AdministrationId, &str)>, AppError> {
    match (
        administration,
        department.map(str::trim).filter(|d| !d.is_empty()),
    ) {
        (_, None) => Ok(None),
        (Some(a), Some(d)) => Ok(Some((a, d))),
        (None, Some(_)) => Err(AppError::validation(
            "department",
            "Отдел бывает только у сотрудника администрации, не у региональной роли",
        )),
    }
}

/// What is needed to create a user.
#[derive(Clone, Debug)]
pub struct NewUser<'a> {
    /// Login (letters, digits, `.`, `_`, `-`; 2–64 characters).
    pub login: &'a str,
    /// Full name.
    pub full_name: &'a str,
    /// Role.
    pub role: Role,
    /// Department name (created if missing).
    pub department: Option<&'a str>,
    /// The administration's code (`None`: the only one, or none for a regional role;
    /// `domain::administration::membership`).
    pub administration: Option<&'a str>,
    /// Plain password (hashed here with argon2id; at least 4 characters).
    pub password: &'a str,
}

/// Checks a login name.
pub fn validate_login(login: &str) -> Result<(), AppError> {
    let ok_chars = login
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'));
    let len = login.chars().count();
    if !(2..=64).contains(&len) || !ok_chars {
        return Err(AppError::validation(
            "login",
            "Логин: от 2 до 64 символов — буквы, цифры, точка, дефис, подчёркивание",
        ));
    }
    Ok(())
}

/// Creates a user; a taken login is a conflict.
pub async fn create(pool: &Db, user: NewUser<'_>, now: DateTime<Utc>) -> Result<UserId, AppError> {
    validate_login(user.login)?;
    let full_name = user.full_name.trim();
    if full_name.is_empty() || full_name.chars().count() > 200 {
        return Err(AppError::validation(
            "full_name",
            "Укажите ФИО (до 200 символов)",
        ));
    }
    if user.password.chars().count() < 4 {
        return Err(AppError::validation(
            "password",
            "Пароль слишком короткий (не меньше 4 символов)",
        ));
    }
    let administration = membership(
        user.role,
        user.administration,
        &crate::service::administrations::known(pool).await?,
    )?;
    let department_id = match department_of(administration, user.department)? {
        Some((a, d)) => Some(ensure_department(pool, a, d).await?),
        None => None,
    };
    let hash = hash_password(user.password.to_owned()).await?;
    let res: Result<i64, sqlx::Error> = on_db!(pool, p => sqlx::query_scalar(
        "INSERT INTO users (login, full_name, role, department_id, password_hash, created_at, \
                            administration_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(user.login)
    .bind(full_name)
    .bind(user.role)
    .bind(department_id)
    .bind(hash)
    .bind(now)
    .bind(administration)
    .fetch_one(p)
    .await);
    match res {
        Ok(id) => Ok(UserId(id)),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(AppError::Conflict(
            format!("Пользователь с логином «{}» уже существует", user.login),
        )),
        Err(e) => Err(e.into()),
    }
}

impl From<UserRow> for crate::dto::CurrentUser {
    fn from(u: UserRow) -> Self {
        Self {
            id: u.id,
            login: u.login,
            full_name: u.full_name,
            role: u.role,
            department_id: u.department_id,
            department_name: u.department_name,
            must_change_password: false,
        }
    }
}
