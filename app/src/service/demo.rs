//! Demo data for `otklik serve --demo`: users of every role (password `demo`) and a dozen
//! messages in different states, seeded into an empty database only. Every message goes
//! through the real intake and workflow service, so its deadlines and journal are real.

use crate::domain::administration::Scope;
use crate::domain::ids::UserId;
use crate::domain::network::Network;
use crate::domain::role::Role;
use crate::domain::workflow::{AnswerKind, Command, RejectCategory};
use crate::error::AppError;
use crate::service::ctx::Ctx;
use crate::service::db::{begin_write, Db};
use crate::service::messages::intake::{intake, intake_in, Intake, NewMessage};
use crate::service::messages::transition::{act, act_in};
use crate::service::messages::Caller;
use crate::service::users::{self, NewUser};
use chrono::{DateTime, Duration, Utc};

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
pub async fn seed(pool: &Db, now: DateTime<Utc>) -> Result<bool, AppError> {
    if users::count(pool).await? > 0 {
        return Ok(false);
    }
    let mut callers = Vec::new();
    for (login, full_name, role, department) in DEMO_USERS {
        let user = NewUser {
            login,
            full_name,
            role,
            department,
            password: "demo",
            administration: None,
        };
        let id = users::create(pool, user, now).await?;
        let row = users::by_id(pool, id).await?.ok_or(AppError::Internal)?;
        callers.push(Caller::person(&row));
    }
    // DEMO_USERS order: admin, coordinator, executor, executor2, authority, observer.
    let [_, coordinator, executor, executor2, authority, _] = &callers[..] else {
        return Err(AppError::Internal);
    };
    seed_messages(pool, now, authority, coordinator, executor, executor2).await?;
    Ok(true)
}

/// One demo message: text, network, hours before now it was detected, and the steps
/// taken on it (who, what, minutes before now).
struct Demo {
    author: &'static str,
    network: Network,
    text: &'static str,
    detected_hours_ago: i64,
}

const MESSAGES: [Demo; 13] = [
    Demo {
        author: "Мария Соколова",
        network: Network::Vk,
        text: "Когда починят дорогу на улице Ленина? Яма на яме, уже две машины пробили колёса.",
        detected_hours_ago: 0,
    },
    Demo {
        author: "Пётр Волков",
        network: Network::Telegram,
        text: "На Заводской улице прорвало трубу, вода заливает двор дома 7!",
        detected_hours_ago: 0,
    },
    Demo {
        author: "Елена Морозова",
        network: Network::Ok,
        text: "Почему не работает уличное освещение в посёлке Приозёрный?",
        detected_hours_ago: 1,
    },
    Demo {
        author: "Андрей Лебедев",
        network: Network::Vk,
        text: "Третью неделю не вывозят мусор с контейнерной площадки на Садовой, 12.",
        detected_hours_ago: 2,
    },
    Demo {
        author: "Ольга Новикова",
        network: Network::Max,
        text: "Во дворе дома 3 по Пионерской сломаны качели, дети могут пострадать.",
        detected_hours_ago: 3,
    },
    Demo {
        author: "Игорь Козлов",
        network: Network::Vk,
        text: "Детская площадка у школы №2 в ужасном состоянии, когда будет ремонт?",
        detected_hours_ago: 4,
    },
    Demo {
        author: "Наталья Попова",
        network: Network::Telegram,
        text: "Тротуары на Кирова не чистят от снега, пожилым людям не пройти.",
        detected_hours_ago: 5,
    },
    Demo {
        author: "Сергей Васильев",
        network: Network::Ok,
        text: "Перенесли автобусную остановку, а новую так и не оборудовали навесом.",
        detected_hours_ago: 6,
    },
    Demo {
        author: "Татьяна Павлова",
        network: Network::Vk,
        text: "Когда начнётся капремонт крыши дома 15 по Комсомольскому проспекту?",
        detected_hours_ago: 30,
    },
    Demo {
        author: "Дмитрий Семёнов",
        network: Network::Telegram,
        text: "Где можно узнать график отключения горячей воды летом?",
        detected_hours_ago: 28,
    },
    Demo {
        author: "Анна Голубева",
        network: Network::Vk,
        text: "Спасибо, что убрали свалку у реки! А урны там поставят?",
        detected_hours_ago: 50,
    },
    Demo {
        author: "Виктор Богданов",
        network: Network::Ok,
        text: "В школе №5 холодно в классах, отопление еле тёплое.",
        detected_hours_ago: 3,
    },
    Demo {
        author: "Аноним",
        network: Network::Other,
        text: "Вы все бездельники и воры, ничего не делаете!",
        detected_hours_ago: 2,
    },
];

/// A plausible address of demo post `n` in `network`.
fn post_url(network: Network, n: usize) -> String {
    match network {
        Network::Vk => format!("https://vk.com/wall-100200_{n}"),
        Network::Ok => format!("https://ok.ru/group/5500/topic/{n}"),
        Network::Telegram => format!("https://t.me/luga_news/{n}"),
        Network::Max => format!("https://max.ru/luga_news/{n}"),
        Network::Instagram => format!("https://www.instagram.com/p/demo{n}/"),
        Network::Other => format!("https://example.org/post/{n}"),
    }
}

/// The address of the administration's reply under demo post `n` (§9: in the network).
fn reply_url(network: Network, n: usize) -> String {
    match network {
        Network::Vk => format!("{}?reply={}", post_url(network, n), n + 1),
        Network::Telegram => format!("{}?comment={}", post_url(network, n), n + 1),
        _ => format!("{}#reply", post_url(network, n)),
    }
}

async fn seed_messages(
    pool: &Db,
    now: DateTime<Utc>,
    authority: &Caller,
    coordinator: &Caller,
    executor: &Caller,
    executor2: &Caller,
) -> Result<(), AppError> {
    let ctx = Ctx::load(pool, &Default::default(), now).await?;
    let exec_id = executor.user.unwrap_or(UserId(0));
    let exec2_id = executor2.user.unwrap_or(UserId(0));
    for (n, demo) in MESSAGES.iter().enumerate() {
        let detected_at = now - Duration::hours(demo.detected_hours_ago) - Duration::minutes(10);
        let received_at = detected_at + Duration::minutes(5);
        let msg = NewMessage {
            administration: None,
            external_id: format!("demo-{:03}", n + 1),
            network: demo.network,
            url: post_url(demo.network, 1000 + n),
            author: demo.author.to_owned(),
            author_url: Some(format!(
                "https://example.org/{}/user/{}",
                demo.network.as_str(),
                500 + n
            )),
            text: demo.text.to_owned(),
            topic: None,
            detected_at,
        };
        let Intake::Created(id) = intake(&ctx.at(received_at), msg, authority).await? else {
            continue;
        };
        let mut t = received_at;
        let step = |who: &'static str, cmd: Command| (who, cmd);
        let assign = |user: UserId| Command::Assign {
            executor: user,
            department: None,
        };
        let draft = |kind: AnswerKind, text: &str| Command::SubmitDraft {
            kind,
            text: text.to_owned(),
            attachments: vec![],
        };
        let reply = "Здравствуйте! Спасибо за обращение. Информация передана в ответственную службу, работы будут выполнены в ближайшее время.";
        let steps: Vec<(&str, Command)> = match n {
            1 => vec![step("coordinator", Command::SetUrgent { urgent: true })],
            3 => vec![step("coordinator", assign(exec_id))],
            4 => vec![step("coordinator", assign(exec2_id))],
            5 => vec![step("coordinator", assign(exec_id)), step("executor", draft(AnswerKind::Final, reply))],
            6 => vec![
                step("coordinator", assign(exec_id)),
                step("executor", draft(AnswerKind::Final, "Здравствуйте! Тротуары почистят.")),
                step("authority", Command::RequestRevision { remarks: "Укажите сроки уборки и обратитесь к автору по имени.".into() }),
            ],
            7 => vec![
                step("coordinator", assign(exec_id)),
                step("executor", draft(AnswerKind::Final, reply)),
                step("authority", Command::Approve),
            ],
            8 => vec![
                step("coordinator", assign(exec_id)),
                step("executor", draft(AnswerKind::Intermediate, "Здравствуйте, Татьяна! Ваш вопрос изучается, окончательный ответ будет дан в течение 7 рабочих дней.")),
                step("authority", Command::Approve),
                step("executor", Command::Publish { link: reply_url(demo.network, 1000 + n), published_at: None }),
            ],
            9 => vec![
                step("coordinator", assign(exec2_id)),
                step("executor2", draft(AnswerKind::Clarification, "Здравствуйте, Дмитрий! Уточните, пожалуйста, ваш адрес.")),
                step("authority", Command::Approve),
                step("executor2", Command::Publish { link: reply_url(demo.network, 1000 + n), published_at: None }),
            ],
            10 => vec![
                step("coordinator", assign(exec_id)),
                step("executor", draft(AnswerKind::Final, "Здравствуйте, Анна! Урны установят до конца месяца.")),
                step("authority", Command::Approve),
                step("executor", Command::Publish { link: reply_url(demo.network, 1000 + n), published_at: None }),
            ],
            11 => vec![step("coordinator", Command::Return { justification: "Школы подведомственны комитету образования области.".into() })],
            12 => vec![step("coordinator", Command::Reject { category: RejectCategory::Insult, reason: "Оскорбления без сути вопроса".into() })],
            _ => vec![],
        };
        for (who, cmd) in steps {
            t = (t + Duration::minutes(7)).min(now);
            let caller = match who {
                "coordinator" => coordinator,
                "executor" => executor,
                "executor2" => executor2,
                _ => authority,
            };
            // A publication happens at the moment it is recorded (no `published_at`).
            act(&ctx.at(t), id, None, cmd, caller).await?;
        }
    }
    Ok(())
}

/// How many bulk messages one transaction takes in: one flush per batch instead of one
/// per message, the same intake and assignment rules.
const BULK_BATCH: usize = 500;

/// Adds `n` more active messages (texts of the demo set, numbered), every third one
/// assigned: for load tests and benchmarks of the dashboard. Each message goes through
/// the same intake and assignment as a real one, [`BULK_BATCH`] to a transaction. With
/// several administrations (see [`seed_region`]), the messages are spread over them in
/// turn, each assigned within its own. Returns how many were added.
pub async fn seed_bulk(pool: &Db, n: usize, now: DateTime<Utc>) -> Result<usize, AppError> {
    let authority = users::list(pool, Scope::Region, Some(Role::Authority)).await?;
    let Some(authority) = authority.first() else {
        return Err(AppError::Internal);
    };
    let authority = Caller::person(authority);
    let coordinators = users::list(pool, Scope::Region, Some(Role::Coordinator)).await?;
    let executors = users::list(pool, Scope::Region, Some(Role::Executor)).await?;
    // Per administration: its code, its coordinator and its executors.
    let mut teams = Vec::new();
    for a in crate::service::administrations::list(pool).await? {
        let Some(coordinator) = coordinators
            .iter()
            .find(|u| u.administration_id == Some(a.id))
        else {
            continue;
        };
        let own: Vec<UserId> = executors
            .iter()
            .filter(|u| u.administration_id == Some(a.id))
            .map(|u| u.id)
            .collect();
        teams.push((a.code, Caller::person(coordinator), own));
    }
    if teams.is_empty() {
        return Err(AppError::Internal);
    }
    let several = teams.len() > 1;
    let ctx = Ctx::load(pool, &Default::default(), now).await?;
    for start in (0..n).step_by(BULK_BATCH) {
        if start > 0 && start % 10_000 == 0 {
            tracing::info!(done = start, of = n, "seeding demo messages");
        }
        let mut tx = begin_write(pool).await?;
        for i in start..(start + BULK_BATCH).min(n) {
            let demo = &MESSAGES[i % MESSAGES.len()];
            let (code, coordinator, executors) = &teams[i % teams.len()];
            let msg = NewMessage {
                administration: several.then(|| code.clone()),
                external_id: format!("bulk-{}-{i}", now.timestamp()),
                network: demo.network,
                url: format!("https://vk.com/wall-1_{}", 10_000 + i),
                author: demo.author.to_owned(),
                author_url: None,
                text: format!("{} (№{i})", demo.text),
                topic: None,
                detected_at: now - Duration::minutes((i % 300) as i64),
            };
            let Intake::Created(id) = intake_in(&mut tx, &ctx, msg, &authority).await? else {
                continue;
            };
            let round = i / teams.len();
            let executor = executors.get((round / 3) % executors.len().max(1));
            if let (0, Some(executor)) = (round % 3, executor) {
                let assign = Command::Assign {
                    executor: *executor,
                    department: None,
                };
                act_in(&mut tx, &ctx, id, None, assign, coordinator).await?;
            }
        }
        tx.commit().await?;
        crate::service::events::committed();
    }
    Ok(n)
}

/// The demo region: `k - 1` more administrations (`r02`, `r03`, …) beside the demo one,
/// each with a coordinator (`coordinator-r02`) and four executors in two departments
/// (`executor-r02-1` … `-4`), password `demo`: with `k = 20`, the region of the
/// benchmarks (20 administrations, about 100 users).
pub async fn seed_region(pool: &Db, k: usize, now: DateTime<Utc>) -> Result<(), AppError> {
    for i in 2..=k {
        let code = format!("r{i:02}");
        crate::service::administrations::add(pool, &code, &format!("Район №{i}"), now).await?;
        let coordinator = format!("coordinator-{code}");
        let mut people = vec![(
            coordinator,
            format!("Координатор района №{i}"),
            Role::Coordinator,
            None,
        )];
        for e in 1..=4 {
            let department = if e % 2 == 1 {
                "Отдел ЖКХ"
            } else {
                "Отдел благоустройства"
            };
            people.push((
                format!("executor-{code}-{e}"),
                format!("Исполнитель {e} района №{i}"),
                Role::Executor,
                Some(department),
            ));
        }
        for (login, full_name, role, department) in &people {
            let user = NewUser {
                login,
                full_name,
                role: *role,
                department: *department,
                password: "demo",
                administration: Some(&code),
            };
            users::create(pool, user, now).await?;
        }
    }
    Ok(())
}
