//! Random workflows for the property tests (lists, reports): messages taken in and
//! driven through random actions by every role over a working week, deterministically
//! from a seed; and every message as a brute-force reference reads it.

use super::{monday_10, TestApp};
use app::domain::deadline::{Deadline, DeadlineRule};
use app::domain::ids::{MessageId, UserId};
use app::domain::network::Network;
use app::domain::workflow::{ActionKind, AnswerKind, Command, RejectCategory};
use app::dto::message::MessageDetailDto;
use app::service::messages::intake::{intake, Intake, NewMessage};
use app::service::messages::query;
use app::service::messages::transition::act;
use app::service::messages::Caller;
use chrono::{DateTime, Duration, Utc};

/// A small deterministic generator (xorshift64*): the same data for the same seed.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

pub const WORDS: [&str; 12] = [
    "Дорога",
    "дороги",
    "ЁЛКА",
    "елка",
    "Ёжик",
    "свет",
    "Фонарь",
    "мусор",
    "двор",
    "школа",
    "yard",
    "Подъезд",
];

pub async fn caller(app: &TestApp, login: &str) -> Caller {
    let id = app.user_id(login).await;
    Caller::person(
        &app::service::users::by_id(&app.state.pool, UserId(id))
            .await
            .unwrap()
            .unwrap(),
    )
}

/// Intakes `n` messages and takes random actions on them over a working week.
pub async fn random_workflows(app: &TestApp, rng: &mut Rng, n: usize) -> DateTime<Utc> {
    let ctx = app.ctx().await;
    let authority = caller(app, "authority").await;
    let coordinator = caller(app, "coordinator").await;
    let executors = [
        caller(app, "executor").await,
        caller(app, "executor2").await,
    ];
    let mut t = monday_10();
    let mut ids = Vec::new();
    for i in 0..n {
        t += Duration::minutes(rng.below(90) as i64);
        let text: Vec<&str> = (0..4).map(|_| *rng.pick(&WORDS)).collect();
        let msg = NewMessage {
            administration: None,
            external_id: format!("list-{i}"),
            network: *rng.pick(&Network::ALL),
            url: format!("https://vk.com/wall-1_{i}"),
            author: format!("Автор {}", rng.pick(&WORDS)),
            author_url: None,
            text: text.join(" "),
            topic: None,
            detected_at: t - Duration::minutes(rng.below(600) as i64),
        };
        if let Intake::Created(id) = intake(&ctx.at(t), msg, &authority).await.unwrap() {
            ids.push(id);
        }
        // A few actions on a random earlier message.
        for _ in 0..rng.below(4) {
            let id = *rng.pick(&ids);
            t += Duration::minutes(rng.below(40) as i64);
            let detail = query::detail(&ctx, &coordinator, id).await.unwrap();
            let assignee = detail.message.assignee.as_ref().map(|a| a.id);
            let who = match rng.below(3) {
                0 => &coordinator,
                1 => &authority,
                _ => executors
                    .iter()
                    .find(|e| e.user == assignee)
                    .unwrap_or(&executors[0]),
            };
            let actions = query::detail(&ctx, who, id).await.map(|d| d.actions);
            let Ok(actions) = actions else { continue };
            if actions.is_empty() {
                continue;
            }
            let cmd = match *rng.pick(&actions) {
                ActionKind::Assign => Command::Assign {
                    executor: rng.pick(&executors).user.unwrap(),
                    department: None,
                },
                ActionKind::Return => Command::Return {
                    justification: "Не наше".into(),
                },
                ActionKind::SendBack => Command::SendBack {
                    administration: None,
                    reason: "Ваше".into(),
                },
                ActionKind::Reject => Command::Reject {
                    category: *rng.pick(&RejectCategory::ALL),
                    reason: String::new(),
                },
                ActionKind::SubmitDraft => Command::SubmitDraft {
                    kind: *rng.pick(&AnswerKind::ALL),
                    text: "Ответ".into(),
                    attachments: vec![],
                },
                ActionKind::Approve => Command::Approve,
                ActionKind::RequestRevision => Command::RequestRevision {
                    remarks: "Уточните".into(),
                },
                ActionKind::Publish => {
                    let link = match detail.message.network {
                        Network::Vk => "https://vk.com/wall-1_1?reply=2",
                        Network::Ok => "https://ok.ru/group/1/topic/2",
                        Network::Telegram => "https://t.me/c/1/2",
                        Network::Max => "https://max.ru/c/1/2",
                        Network::Instagram => "https://instagram.com/p/1",
                        Network::Other => "https://example.org/1",
                    };
                    Command::Publish {
                        link: link.into(),
                        published_at: None,
                    }
                }
                ActionKind::AuthorReplied => Command::AuthorReplied {
                    text: "Дом 5".into(),
                },
                ActionKind::SetUrgent => Command::SetUrgent {
                    urgent: rng.below(2) == 0,
                },
                // Cases have their own tests (tests/cases.rs).
                ActionKind::Intake
                | ActionKind::Link
                | ActionKind::Unlink
                | ActionKind::SetTopic => continue,
            };
            act(&ctx.at(t), id, None, cmd, who).await.unwrap();
        }
    }
    t
}

/// Every message as the reference sees it: its detail (deadlines from the ledger).
pub async fn everything(app: &TestApp) -> Vec<MessageDetailDto> {
    let ctx = app.ctx().await;
    let admin = caller(app, "admin").await;
    let ids: Vec<MessageId> =
        app::on_db!(&ctx.pool, p => sqlx::query_scalar("SELECT id FROM messages ORDER BY id")
        .fetch_all(p).await)
        .unwrap();
    let mut out = Vec::new();
    for id in ids {
        out.push(query::detail(&ctx, &admin, id).await.unwrap());
    }
    out
}

pub fn ledger(d: &MessageDetailDto) -> Vec<Deadline> {
    d.deadline_history
        .iter()
        .map(|r| {
            r.deadline
                .to_deadline(r.rule.parse::<DeadlineRule>().unwrap())
        })
        .collect()
}
