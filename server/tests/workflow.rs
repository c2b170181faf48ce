//! The stored workflow through the service layer, on a real SQLite file: transitions,
//! deadlines with `met`, the journal, optimistic concurrency, idempotent intake, demo data.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed setup should panic

mod common;

use app::domain::ids::{MessageId, UserId};
use app::domain::network::Network;
use app::domain::workflow::{AnswerKind, Command};
use app::error::AppError;
use app::service::db::Db;
use app::service::messages::intake::{intake, Intake, NewMessage};
use app::service::messages::transition::act;
use app::service::messages::{Caller, STALE_VERSION};
use chrono::{DateTime, Duration, Utc};
use common::*;

async fn caller(pool: &Db, login: &str) -> Caller {
    let id: i64 =
        app::on_db!(pool, p => sqlx::query_scalar("SELECT id FROM users WHERE login = $1")
        .bind(login)
        .fetch_one(p).await)
        .unwrap();
    let user = app::service::users::by_id(pool, UserId(id))
        .await
        .unwrap()
        .unwrap();
    Caller::person(&user)
}

fn message(external_id: &str, detected_at: DateTime<Utc>) -> NewMessage {
    NewMessage {
        administration: None,
        external_id: external_id.into(),
        network: Network::Vk,
        url: "https://vk.com/wall-1_100".into(),
        author: "Мария Соколова".into(),
        author_url: None,
        text: "Когда починят дорогу? <script>alert(1)</script>".into(),
        topic: None,
        detected_at,
    }
}

struct World {
    app: TestApp,
    ctx: app::service::ctx::Ctx,
}

impl World {
    async fn new() -> Self {
        let app = TestApp::new().await;
        let ctx = app.ctx().await;
        Self { app, ctx }
    }
    fn pool(&self) -> &Db {
        &self.app.state.pool
    }
    async fn intake(&self, m: NewMessage, now: DateTime<Utc>) -> Result<Intake, AppError> {
        let authority = caller(self.pool(), "authority").await;
        intake(&self.ctx.at(now), m, &authority).await
    }
    async fn act(
        &self,
        id: MessageId,
        login: &str,
        cmd: Command,
        now: DateTime<Utc>,
    ) -> Result<i64, AppError> {
        let c = caller(self.pool(), login).await;
        act(&self.ctx.at(now), id, None, cmd, &c).await
    }
    async fn state(&self, id: MessageId) -> String {
        app::on_db!(self.pool(), p => sqlx::query_scalar("SELECT state FROM messages WHERE id = $1")
            .bind(id)
            .fetch_one(p).await)
        .unwrap()
    }
    /// (rule, due, done, met) of every deadline, in order of start; `met` from the
    /// stored outcome (`None` while running or for cancelled and superseded ones).
    async fn deadlines(
        &self,
        id: MessageId,
    ) -> Vec<(String, DateTime<Utc>, Option<DateTime<Utc>>, Option<bool>)> {
        app::on_db!(self.pool(), p => sqlx::query_as(
            "SELECT rule, due_at, done_at, \
                    CASE outcome WHEN 'met' THEN TRUE WHEN 'breached' THEN FALSE END AS met \
             FROM deadlines WHERE message_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(p).await)
        .unwrap()
    }
    async fn journal_len(&self, id: MessageId) -> i64 {
        app::on_db!(self.pool(), p => sqlx::query_scalar("SELECT COUNT(*) FROM journal WHERE message_id = $1")
            .bind(id)
            .fetch_one(p).await)
            .unwrap()
    }
}

fn created(i: Intake) -> MessageId {
    match i {
        Intake::Created(id) => id,
        Intake::Existing(_) => panic!("expected a new message"),
    }
}

#[tokio::test]
async fn full_flow_records_every_deadline_as_met() {
    let w = World::new().await;
    let t0 = monday_10(); // Monday 16.03.2026 10:00 MSK
    let id = created(w.intake(message("vk-1", t0), t0).await.unwrap());
    assert_eq!(w.state(id).await, "new");
    let executor: i64 = app::on_db!(w.pool(), p => sqlx::query_scalar("SELECT id FROM users WHERE login = 'executor'")
        .fetch_one(p).await)
        .unwrap();
    let m = |mins: i64| t0 + Duration::minutes(mins);
    w.act(
        id,
        "coordinator",
        Command::Assign {
            executor: UserId(executor),
            department: None,
        },
        m(10),
    )
    .await
    .unwrap();
    w.act(
        id,
        "executor",
        Command::SubmitDraft {
            kind: AnswerKind::Final,
            text: "Здравствуйте!".into(),
            attachments: vec![],
        },
        m(60),
    )
    .await
    .unwrap();
    w.act(
        id,
        "authority",
        Command::RequestRevision {
            remarks: "Обратитесь по имени".into(),
        },
        m(90),
    )
    .await
    .unwrap();
    assert_eq!(w.state(id).await, "revision");
    w.act(
        id,
        "executor",
        Command::SubmitDraft {
            kind: AnswerKind::Final,
            text: "Здравствуйте, Мария!".into(),
            attachments: vec![],
        },
        m(120),
    )
    .await
    .unwrap();
    w.act(id, "authority", Command::Approve, m(130))
        .await
        .unwrap();
    w.act(
        id,
        "executor",
        Command::Publish {
            link: "https://vk.com/wall-1_100?reply=5".into(),
            published_at: Some(app::domain::moment::Moment::At(m(140))),
        },
        m(141),
    )
    .await
    .unwrap();
    assert_eq!(w.state(id).await, "answered");

    let d = w.deadlines(id).await;
    let rules: Vec<&str> = d.iter().map(|x| x.0.as_str()).collect();
    assert_eq!(
        rules,
        [
            "return_by",
            "draft_by",
            "answer_by",
            "revision_by",
            "publish_by"
        ]
    );
    // SPEC worked example: draft_by 15:48 MSK, answer_by Tuesday 10:48 MSK.
    assert_eq!(d[1].1.to_rfc3339(), "2026-03-16T12:48:00+00:00");
    assert_eq!(d[2].1.to_rfc3339(), "2026-03-17T07:48:00+00:00");
    // return_by closed as accepted when the message was taken into work; all met.
    assert_eq!(d[0].2, Some(m(10)), "return_by closes at the assignment");
    for (rule, _, done, met) in &d {
        assert!(done.is_some(), "{rule} done");
        assert_eq!(*met, Some(true), "{rule} met");
    }
    assert_eq!(d[2].2, Some(m(140)), "answer_by is done at publication");
    assert_eq!(w.journal_len(id).await, 7);
    // Two draft versions, the first with the authority's remarks.
    let drafts: Vec<(i64, Option<String>, Option<String>)> =
        app::on_db!(w.pool(), p => sqlx::query_as(
        "SELECT number, decision, remarks FROM drafts WHERE message_id = $1 ORDER BY number",
    )
    .bind(id)
    .fetch_all(p).await)
        .unwrap();
    assert_eq!(
        drafts,
        vec![
            (
                1,
                Some("returned".into()),
                Some("Обратитесь по имени".into())
            ),
            (2, Some("approved".into()), None)
        ]
    );
    // Text is stored as given (escaping is the renderer's job).
    let text: String =
        app::on_db!(w.pool(), p => sqlx::query_scalar("SELECT text FROM messages WHERE id = $1")
        .bind(id)
        .fetch_one(p).await)
        .unwrap();
    assert!(text.contains("<script>"));
}

#[tokio::test]
async fn a_late_draft_is_recorded_as_breached() {
    let w = World::new().await;
    let t0 = monday_10();
    let id = created(w.intake(message("vk-late", t0), t0).await.unwrap());
    let executor: i64 = app::on_db!(w.pool(), p => sqlx::query_scalar("SELECT id FROM users WHERE login = 'executor'")
        .fetch_one(p).await)
        .unwrap();
    w.act(
        id,
        "coordinator",
        Command::Assign {
            executor: UserId(executor),
            department: None,
        },
        t0,
    )
    .await
    .unwrap();
    // draft_by is 15:48; submitting at 16:30 is late.
    let late = t0 + Duration::minutes(390);
    w.act(
        id,
        "executor",
        Command::SubmitDraft {
            kind: AnswerKind::Final,
            text: "Ответ".into(),
            attachments: vec![],
        },
        late,
    )
    .await
    .unwrap();
    let d = w.deadlines(id).await;
    let draft = d.iter().find(|x| x.0 == "draft_by").unwrap();
    assert_eq!((draft.2, draft.3), (Some(late), Some(false)));
}

#[tokio::test]
async fn a_stale_version_is_a_conflict_and_changes_nothing() {
    let w = World::new().await;
    let t0 = monday_10();
    let id = created(w.intake(message("vk-2", t0), t0).await.unwrap());
    let coordinator = caller(w.pool(), "coordinator").await;
    let cmd = Command::Return {
        justification: "Не наша компетенция".into(),
    };
    let err = act(&w.ctx.at(t0), id, Some(7), cmd.clone(), &coordinator)
        .await
        .unwrap_err();
    assert_eq!(err, AppError::Conflict(STALE_VERSION.into()));
    assert_eq!(w.state(id).await, "new");
    assert_eq!(w.journal_len(id).await, 1);
    let v = act(&w.ctx.at(t0), id, Some(1), cmd, &coordinator)
        .await
        .unwrap();
    assert_eq!(v, 2);
}

#[tokio::test]
async fn two_concurrent_actions_one_wins_one_conflicts() {
    let w = World::new().await;
    let t0 = monday_10();
    let id = created(w.intake(message("vk-3", t0), t0).await.unwrap());
    let coordinator = caller(w.pool(), "coordinator").await;
    let ctx = w.ctx.at(t0);
    let a = act(
        &ctx,
        id,
        Some(1),
        Command::Return {
            justification: "A".into(),
        },
        &coordinator,
    );
    let b = act(
        &ctx,
        id,
        Some(1),
        Command::SetUrgent { urgent: true },
        &coordinator,
    );
    let (ra, rb) = tokio::join!(a, b);
    let oks = [ra.is_ok(), rb.is_ok()].iter().filter(|x| **x).count();
    assert_eq!(oks, 1, "{ra:?} {rb:?}");
    let err = if ra.is_err() {
        ra.unwrap_err()
    } else {
        rb.unwrap_err()
    };
    assert_eq!(err, AppError::Conflict(STALE_VERSION.into()));
    assert_eq!(w.journal_len(id).await, 2, "intake + exactly one action");
}

#[tokio::test]
async fn intake_is_idempotent_conflicts_on_other_content_and_refuses_the_future() {
    let w = World::new().await;
    let t0 = monday_10();
    let id = created(w.intake(message("vk-4", t0), t0).await.unwrap());
    assert_eq!(
        w.intake(message("vk-4", t0), t0 + Duration::minutes(1))
            .await
            .unwrap(),
        Intake::Existing(id)
    );
    let mut other = message("vk-4", t0);
    other.text = "другой текст".into();
    assert!(matches!(
        w.intake(other, t0).await,
        Err(AppError::Conflict(_))
    ));
    let future = message("vk-5", t0 + Duration::hours(1));
    let err = w.intake(future, t0).await.unwrap_err();
    assert!(
        matches!(err, AppError::Validation { ref field, .. } if field == "detected_at"),
        "{err:?}"
    );
    // Historical import is fine.
    assert!(w
        .intake(message("vk-6", t0 - Duration::days(400)), t0)
        .await
        .is_ok());
    // An executor may not take messages in.
    let executor = caller(w.pool(), "executor").await;
    let err = intake(&w.ctx.at(t0), message("vk-7", t0), &executor)
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Forbidden(_)));
}

#[tokio::test]
async fn the_journal_is_append_only() {
    let w = World::new().await;
    let t0 = monday_10();
    created(w.intake(message("vk-8", t0), t0).await.unwrap());
    assert!(
        app::on_db!(w.pool(), p => sqlx::query("UPDATE journal SET action = 'x'")
        .execute(p).await.map(|r| r.rows_affected()))
        .is_err()
    );
    assert!(
        app::on_db!(w.pool(), p => sqlx::query("DELETE FROM journal")
        .execute(p).await.map(|r| r.rows_affected()))
        .is_err()
    );
}

#[tokio::test]
async fn demo_seeds_a_dozen_messages_covering_every_state() {
    let app = TestApp::new().await; // TestApp seeds the demo data
    let states: Vec<String> =
        app::on_db!(&app.state.pool, p => sqlx::query_scalar("SELECT DISTINCT state FROM messages ORDER BY state")
            .fetch_all(p).await)
            .unwrap();
    let mut expected: Vec<&str> = app::domain::workflow::MessageState::ALL
        .iter()
        .map(|s| s.as_str())
        .collect();
    expected.sort();
    assert_eq!(states, expected);
    let n: i64 =
        app::on_db!(&app.state.pool, p => sqlx::query_scalar("SELECT COUNT(*) FROM messages")
        .fetch_one(p).await)
        .unwrap();
    assert!(n >= 12, "{n}");
    let open_deadlines: i64 =
        app::on_db!(&app.state.pool, p => sqlx::query_scalar("SELECT COUNT(*) FROM deadlines WHERE done_at IS NULL")
            .fetch_one(p).await)
            .unwrap();
    assert!(open_deadlines > 0);
}

#[tokio::test]
async fn incoming_obscene_or_threatening_text_is_flagged_not_rejected() {
    let w = World::new().await;
    let t0 = monday_10();
    let mut m = message("vk-flag", t0);
    m.text = "Вы там все б.л.я.д.и, я вас взорву".into();
    let id = created(w.intake(m, t0).await.unwrap());
    assert_eq!(w.state(id).await, "new", "never rejected automatically");
    let flags: String =
        app::on_db!(w.pool(), p => sqlx::query_scalar("SELECT flags FROM messages WHERE id = $1")
        .bind(id)
        .fetch_one(p).await)
        .unwrap();
    let flags: serde_json::Value = serde_json::from_str(&flags).unwrap();
    assert!(!flags["obscene"].as_array().unwrap().is_empty(), "{flags}");
    assert!(!flags["threat"].as_array().unwrap().is_empty(), "{flags}");
    let clean = created(w.intake(message("vk-clean", t0), t0).await.unwrap());
    let flags: String =
        app::on_db!(w.pool(), p => sqlx::query_scalar("SELECT flags FROM messages WHERE id = $1")
        .bind(clean)
        .fetch_one(p).await)
        .unwrap();
    assert_eq!(flags, r#"{"obscene":[],"insult":[],"threat":[]}"#);
}
