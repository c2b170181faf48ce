//! The topic catalogue (issue 21): each administration's list, the admin's edits, the
//! topic a received name stands for, and the suggestion from a post's words.

use crate::domain::ids::{AdministrationId, DepartmentId, TopicId};
use crate::domain::topic::{check_name, normalized, parse_keywords, KeywordRules, DEFAULT_TOPICS};
use crate::dto::admin::{TopicEntry, TopicForm};
use crate::dto::message::{DepartmentRef, TopicDto, TopicSuggestionDto};
use crate::error::AppError;
use crate::service::ctx::Ctx;
use crate::service::db::{Db, Tx};
use crate::service::messages::Caller;
use crate::{on_db, on_tx};

#[derive(sqlx::FromRow)]
struct Row {
    id: TopicId,
    name: String,
    active: bool,
    department_id: Option<DepartmentId>,
    department: Option<String>,
    keywords: Option<String>,
}

impl Row {
    fn dto(&self) -> TopicDto {
        TopicDto {
            id: self.id,
            name: self.name.clone(),
            active: self.active,
            department: self
                .department_id
                .zip(self.department.clone())
                .map(|(id, name)| DepartmentRef { id, name }),
        }
    }
}

const SELECT: &str =
    "SELECT t.id, t.name, t.active, t.department_id, d.name AS department, t.keywords \
     FROM topics t LEFT JOIN departments d ON d.id = t.department_id";

/// Every entry of `administration`'s catalogue: the active first, in the list's order.
async fn rows(db: &Db, administration: AdministrationId) -> Result<Vec<Row>, AppError> {
    Ok(on_db!(db, p => sqlx::query_as(&format!(
        "{SELECT} WHERE t.administration_id = $1 ORDER BY t.active DESC, t.position, t.name"
    ))
    .bind(administration)
    .fetch_all(p)
    .await)?)
}

/// The catalogue as the admin edits it.
pub async fn catalogue(
    db: &Db,
    administration: AdministrationId,
) -> Result<Vec<TopicEntry>, AppError> {
    let builtin = KeywordRules::default();
    Ok(rows(db, administration)
        .await?
        .iter()
        .map(|r| TopicEntry {
            topic: r.dto(),
            keywords: match &r.keywords {
                Some(k) => k.clone(),
                None => builtin
                    .stems_of(&r.name)
                    .map(|s| s.join(", "))
                    .unwrap_or_default(),
            },
            builtin: r.keywords.is_none(),
        })
        .collect())
}

/// The administration whose catalogue `caller` chooses from: their own, or the only one
/// (`None`: a regional caller of several, as at intake, `administration::route`).
fn own(ctx: &Ctx, caller: &Caller) -> Option<AdministrationId> {
    crate::domain::administration::route(caller.scope(), None, &ctx.settings.administrations).ok()
}

/// The active entries of `administration`.
async fn active(db: &Db, administration: AdministrationId) -> Result<Vec<Row>, AppError> {
    Ok(rows(db, administration)
        .await?
        .into_iter()
        .filter(|r| r.active)
        .collect())
}

/// The active topics `caller` chooses from.
pub async fn choices(ctx: &Ctx, caller: &Caller) -> Result<Vec<TopicDto>, AppError> {
    let Some(a) = own(ctx, caller) else {
        return Ok(Vec::new());
    };
    Ok(active(&ctx.pool, a).await?.iter().map(Row::dto).collect())
}

/// Adds or changes an entry; returns it. A name another entry has (as compared) is a
/// conflict; a department of another administration is refused.
pub async fn save(
    db: &Db,
    administration: AdministrationId,
    form: &TopicForm,
) -> Result<TopicDto, AppError> {
    let number = |field: &str, v: &str| -> Result<Option<i64>, AppError> {
        let v = v.trim();
        if v.is_empty() {
            return Ok(None);
        }
        v.parse()
            .map(Some)
            .map_err(|_| AppError::validation(field, "Выберите значение из списка"))
    };
    let (id, department) = (
        number("id", &form.id)?.map(TopicId),
        number("department_id", &form.department_id)?,
    );
    let active = form
        .active
        .as_deref()
        .is_some_and(|v| v != "false" && v != "off");
    let name = check_name(&form.name).map_err(|m| AppError::validation("name", m))?;
    let key = normalized(&name);
    let keywords = parse_keywords(&form.keywords).join(", ");
    let mut tx = crate::service::messages::begin_write(db).await?;
    if let Some(d) = department {
        let ours: Option<i64> = on_tx!(&mut tx, c => sqlx::query_scalar(
            "SELECT id FROM departments WHERE id = $1 AND administration_id = $2",
        )
        .bind(d)
        .bind(administration)
        .fetch_optional(c)
        .await)?;
        if ours.is_none() {
            return Err(AppError::validation(
                "department_id",
                "Выберите отдел из списка",
            ));
        }
    }
    let taken: Option<TopicId> = on_tx!(&mut tx, c => sqlx::query_scalar(
        "SELECT id FROM topics WHERE administration_id = $1 AND key = $2",
    )
    .bind(administration)
    .bind(&key)
    .fetch_optional(c)
    .await)?;
    if taken.is_some_and(|t| Some(t) != id) {
        return Err(AppError::Conflict(format!(
            "Тема «{name}» уже есть в справочнике"
        )));
    }
    let id: Option<TopicId> = match id {
        Some(id) => on_tx!(&mut tx, c => sqlx::query_scalar(
            "UPDATE topics SET name = $1, key = $2, active = $3, department_id = $4, keywords = $5 \
             WHERE id = $6 AND administration_id = $7 RETURNING id",
        )
        .bind(&name)
        .bind(&key)
        .bind(active)
        .bind(department)
        .bind(&keywords)
        .bind(id)
        .bind(administration)
        .fetch_optional(c)
        .await)?,
        None => on_tx!(&mut tx, c => sqlx::query_scalar(
            "INSERT INTO topics (administration_id, name, key, active, department_id, keywords) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(administration)
        .bind(&name)
        .bind(&key)
        .bind(active)
        .bind(department)
        .bind(&keywords)
        .fetch_optional(c)
        .await)?,
    };
    let id = id.ok_or_else(|| AppError::NotFound("Тема не найдена".into()))?;
    let row: Row = on_tx!(&mut tx, c => sqlx::query_as(&format!("{SELECT} WHERE t.id = $1"))
        .bind(id)
        .fetch_one(c)
        .await)?;
    tx.commit().await?;
    Ok(row.dto())
}

/// The active entry of `administration` a received topic name stands for (as compared).
pub(crate) async fn resolve_in(
    tx: &mut Tx,
    administration: AdministrationId,
    received: Option<&str>,
) -> Result<Option<TopicId>, AppError> {
    let Some(key) = received.map(normalized).filter(|k| !k.is_empty()) else {
        return Ok(None);
    };
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "SELECT id FROM topics WHERE administration_id = $1 AND key = $2 AND active = TRUE",
    )
    .bind(administration)
    .bind(key)
    .fetch_optional(c)
    .await)?)
}

/// The default catalogue for a new administration.
pub(crate) async fn seed_in(tx: &mut Tx, administration: AdministrationId) -> Result<(), AppError> {
    for (position, name) in (1_i64..).zip(DEFAULT_TOPICS) {
        on_tx!(tx, c => sqlx::query(
            "INSERT INTO topics (administration_id, name, key, position) VALUES ($1, $2, $3, $4)",
        )
        .bind(administration)
        .bind(name)
        .bind(normalized(name))
        .bind(position)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// The rules of `rows`' topics.
fn rules_of(rows: &[Row]) -> KeywordRules {
    KeywordRules::of_catalogue(
        rows.iter()
            .map(|r| (r.name.as_str(), r.keywords.as_deref())),
    )
}

/// The suggestion rules of the active topics `caller` chooses from (for the intake form,
/// which suggests as the text is typed).
pub async fn rules(ctx: &Ctx, caller: &Caller) -> Result<KeywordRules, AppError> {
    Ok(match own(ctx, caller) {
        Some(a) => rules_of(&active(&ctx.pool, a).await?),
        None => KeywordRules(Vec::new()),
    })
}

/// The active topic of `administration` the words of `text` point to, with those words.
pub async fn suggest(
    db: &Db,
    administration: AdministrationId,
    text: &str,
) -> Result<Option<TopicSuggestionDto>, AppError> {
    let active = active(db, administration).await?;
    Ok(rules_of(&active).suggest(text).and_then(|s| {
        let row = active.iter().find(|r| r.name == s.topic)?;
        Some(TopicSuggestionDto {
            id: row.id,
            name: row.name.clone(),
            matched: s.matched,
        })
    }))
}
