//! Demo data for `otklik serve --demo`: users of every role (password `demo`), seeded into
//! an empty database only.

use crate::domain::role::Role;
use crate::error::AppError;
use crate::service::users::{self, NewUser};
use chrono::{DateTime, Utc};
use sqlx::SqlitePool;

/// The demo logins: (login, full name, role, department).
pub const DEMO_USERS: [(&str, &str, Role, Option<&str>); 6] = [
    ("admin", "Администратор системы", Role::Admin, None),
    (
        "coordinator",
        "Смирнова Ольга Петровна",
        Role::Coordinator,
        None,
    ),
    (
        "executor",
        "Иванов Сергей Николаевич",
        Role::Executor,
        Some("Отдел ЖКХ"),
    ),
    (
        "executor2",
        "Кузнецова Анна Викторовна",
        Role::Executor,
        Some("Отдел благоустройства"),
    ),
    (
        "authority",
        "ЦУР Ленинградской области",
        Role::Authority,
        None,
    ),
    ("observer", "Глава администрации", Role::Observer, None),
];

/// Seeds the demo data if the database has no users yet; returns whether it did.
pub async fn seed(pool: &SqlitePool, now: DateTime<Utc>) -> Result<bool, AppError> {
    if users::count(pool).await? > 0 {
        return Ok(false);
    }
    for (login, full_name, role, department) in DEMO_USERS {
        users::create(
            pool,
            NewUser {
                login,
                full_name,
                role,
                department,
                password: "demo",
            },
            now,
        )
        .await?;
    }
    Ok(true)
}
