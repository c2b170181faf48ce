//! `/messages/:id` — one message: the original post, each deadline with its countdown or
//! its verdict, the actions the signed-in role may take now, the draft versions with the
//! authority's remarks and a diff, and the journal as a timeline.

use crate::api::messages::{executors, message_detail, ActOnMessage, PublishViaNetwork};
use crate::domain::countdown::format_datetime;
use crate::domain::deadline::{DeadlineNote, DeadlineRule};
use crate::domain::diff::Change;
use crate::domain::ids::MessageId;
use crate::domain::workflow::{ActionKind, AnswerKind, MessageState, RejectCategory};
use crate::dto::message::{AttachmentDto, DraftDto, MessageDetailDto};
use crate::ui::components::countdown::Countdown;
use crate::ui::components::error_box::ErrorBox;
use crate::ui::components::message_bits::{NetworkBadge, StateBadge};
use crate::ui::components::upload::Uploader;
use crate::ui::draft_store::DraftState;
use crate::ui::live::{use_live, Ready};
use chrono::Utc;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The message page.
#[component]
pub fn MessagePage() -> impl IntoView {
    let params = use_params_map();
    let live = use_live();
    let act = ServerAction::<ActOnMessage>::new();
    let via = ServerAction::<PublishViaNetwork>::new();
    let id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()));
    // Another user's action on this message re-reads it in place (unless the user is
    // typing: then a notice offers to re-read).
    let refresh = crate::ui::stream::use_refresh(move |n| Some(n.message_id.0) == id());
    let detail = crate::ui::data::load(
        move || {
            (
                id(),
                act.version().get(),
                via.version().get(),
                refresh.tick.get(),
            )
        },
        |(id, _, _, _)| async move {
            match id {
                Some(id) => message_detail(MessageId(id)).await,
                None => Err(crate::error::AppError::NotFound(
                    "Сообщение не найдено".into(),
                )),
            }
        },
    );
    let error = move || {
        let failed = |e: Option<Result<_, crate::error::AppError>>| e.and_then(|r| r.err());
        failed(via.value().get().map(|r| r.map(|_| ())))
            .or_else(|| failed(act.value().get().map(|r| r.map(|_| ()))))
            .map(|e| e.to_string())
    };
    view! {
        <crate::ui::stream::StaleNotice refresh />
        <Transition fallback=|| view! { <p>"Загрузка…"</p> }>
            {move || Suspend::new(async move {
                let ready = match live.ready().await {
                    Ok(r) => r,
                    Err(e) => return view! { <ErrorBox message=e.to_string() /> }.into_any(),
                };
                match detail.await {
                    Ok(d) => {
                        refresh.rendered();
                        view! {
                            <div class="contents" on:input=move |_| refresh.dirty.set(true)>
                                <Message d ready act via error=Signal::derive(error) />
                            </div>
                        }
                            .into_any()
                    }
                    Err(e) => view! {
                        <Title text="Сообщение" />
                        <ErrorBox message=e.to_string() />
                        <p><a href="/">"К списку сообщений"</a></p>
                    }
                        .into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Message(
    d: MessageDetailDto,
    ready: Ready,
    act: ServerAction<ActOnMessage>,
    via: ServerAction<PublishViaNetwork>,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let m = d.message.clone();
    let tz = ready.cal.tz();
    let title = format!("Сообщение №{}", m.id);
    let deadlines = d.deadline_history.clone();
    view! {
        <Title text=title.clone() />
        <div class="page-tools">
            <p class="crumbs"><a href="/">"← Работа"</a></p>
            // The print style (style/main.css, `@media print`) keeps the post, the answer,
            // the deadlines and the journal on A4.
            <button type="button" class="button small secondary" data-testid="print" on:click=move |_| print()>
                "Печать"
            </button>
        </div>
        <article class="message card" data-testid="message" data-id=m.id.0>
            <header class="message-head">
                <NetworkBadge network=m.network />
                <h1>{title}</h1>
                <StateBadge state=m.status />
                {m.urgent.then(|| view! { <span class="tag urgent">"срочно"</span> })}
            </header>
            <p class="meta">
                {match m.author_url.clone() {
                    Some(u) => view! { <a href=u rel="noopener noreferrer" target="_blank">{m.author.clone()}</a> }.into_any(),
                    None => view! { <strong>{m.author.clone()}</strong> }.into_any(),
                }}
                " · выявлено " {format_datetime(m.detected_at.with_timezone(&Utc), tz)}
                " · " <a href=m.url.clone() rel="noopener noreferrer" target="_blank">"открыть в сети"</a>
            </p>
            {m.topic.clone().map(|t| {
                let unknown = m.topic_unknown;
                view! {
                    <p class="muted" data-testid="topic">"Тема: " {t}
                        {unknown.then(|| view! { <span class="tag flag" data-testid="topic-unknown">" не из справочника"</span> })}
                    </p>
                }
            })}
            {m.flags.is_flagged().then(|| {
                view! { <p class="notice warn" role="note">"Текст похож на §12 (" {m.flags.summary()} "). Решает координатор."</p> }
            })}
            {m.case.clone().map(|c| view! { <CaseNote id=m.id case=c /> })}
            <blockquote class="post-text" data-testid="post-text">{m.text.clone()}</blockquote>
            {(!d.attachments.is_empty()).then(|| view! {
                <ul class="files">
                    {d.attachments.iter().map(|f| view! {
                        <li>
                            {f.mime.starts_with("image/").then(|| view! {
                                <img class="thumb" src=f.url.clone() alt="" loading="lazy" />
                            })}
                            <a href=f.url.clone() target="_blank">{f.name.clone()}</a>
                        </li>
                    }).collect_view()}
                </ul>
            })}
        </article>

        {(!d.publications.is_empty()).then(|| view! {
            <section class="card" aria-labelledby="answer-h" data-testid="publications">
                <h2 id="answer-h">"Ответ"</h2>
                <Publications d=d.clone() tz />
            </section>
        })}

        <section class="card" aria-labelledby="deadlines-h">
            <h2 id="deadlines-h">"Сроки"</h2>
            <ul class="deadlines" data-testid="deadlines">
                {deadlines
                    .into_iter()
                    .filter_map(|r| {
                        let rule = r.rule.parse::<DeadlineRule>().ok()?;
                        let label = rule.label();
                        let due = format_datetime(r.deadline.due.with_timezone(&Utc), tz);
                        Some(view! {
                            <li
                                data-rule=r.rule.clone()
                                data-met=r.deadline.met.map(|x| x.to_string())
                                data-outcome=r.deadline.outcome.map(|o| o.as_str())
                            >
                                <span class="rule">{label}</span>
                                <span class="due">"до " {due}</span>
                                <Countdown deadline=r.deadline.clone() rule clock=ready.clock() label=label />
                            </li>
                        })
                    })
                    .collect_view()}
            </ul>
        </section>

        {(!d.actions.is_empty()).then(|| view! {
            <section class="card actions" aria-labelledby="actions-h">
                <h2 id="actions-h">"Действия"</h2>
                {move || error.get().map(|message| view! { <ErrorBox message /> })}
                <Actions d=d.clone() ready=ready.clone() act via />
            </section>
        })}

        {(!d.drafts.is_empty()).then(|| view! {
            <section class="card" aria-labelledby="drafts-h">
                <h2 id="drafts-h">"Проекты ответа"</h2>
                <Drafts drafts=d.drafts.clone() tz />
            </section>
        })}

        <section class="card" aria-labelledby="journal-h">
            <h2 id="journal-h">"Журнал"</h2>
            <ol class="timeline" data-testid="journal">
                {d.journal.iter().map(|j| {
                    let pause = j.to == MessageState::AwaitingAuthor;
                    let detail = ["remarks", "justification", "reason", "link", "reply", "assignee_name"]
                        .iter()
                        .find_map(|k| j.details.get(*k).and_then(|v| v.as_str()).map(str::to_owned))
                        .or_else(|| case_detail(&j.details));
                    // «опубликовано через API ВКонтакте»: the network the answer went through.
                    let through = j
                        .details
                        .get("via")
                        .and_then(|v| v.as_str())
                        .and_then(crate::domain::network::Network::from_name)
                        .map(|n| format!("опубликовано через API {}", n.label()));
                    view! {
                        <li class:pause=pause>
                            <time>{format_datetime(j.at.with_timezone(&Utc), tz)}</time>
                            " " <strong>{j.action.label()}</strong>
                            " — " {j.actor.clone()}
                            {j.from.map(|f| format!(" ({} → {})", f.label(), j.to.label()))}
                            {through.map(|t| view! { <div class="detail" data-testid="published-via">{t}</div> })}
                            {detail.map(|t| view! { <div class="detail">{t}</div> })}
                            {deadline_notes(&j.details).map(|n| view! {
                                <ul class="detail deadline-notes" data-testid="deadline-notes">
                                    {n.iter().map(|note| view! { <li>{note.text(tz)}</li> }).collect_view()}
                                </ul>
                            })}
                            {pause.then(|| view! { <div class="detail muted">"Ожидание ответа автора: срок на паузе"</div> })}
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
    // Erased at the component boundary: keeps the page's nested view type shallower
    // (see the recursion limit in `frontend`).
    .into_any()
}

/// Opens the browser's print dialog (the page's print style applies).
fn print() {
    #[cfg(feature = "hydrate")]
    if let Some(w) = web_sys::window() {
        let _ = w.print();
    }
}

/// The published answers: the text of the published version, when and by whom, and the
/// link written out (it is read on paper too).
#[component]
fn Publications(d: MessageDetailDto, tz: chrono_tz::Tz) -> impl IntoView {
    d.publications
        .iter()
        .map(|p| {
            let text = d
                .drafts
                .iter()
                .find(|x| x.number == p.draft)
                .map(|x| x.text.clone());
            let by = p.published_by.clone().map(|b| format!(" · {b}"));
            view! {
                <div class="publication" data-testid="publication">
                    {text.map(|t| view! { <p class="post-text">{t}</p> })}
                    <p class="muted">
                        "Размещён " {format_datetime(p.published_at.with_timezone(&Utc), tz)} {by}
                    </p>
                    <p class="publication-link">
                        "Ссылка: "
                        <a href=p.link.clone() rel="noopener noreferrer" target="_blank">{p.link.clone()}</a>
                    </p>
                </div>
            }
        })
        .collect_view()
}

/// What an action did to the deadlines, as its journal event recorded it (the deadlines
/// it started are on the «Сроки» list; here, the ones it closed and how).
fn deadline_notes(details: &serde_json::Value) -> Option<Vec<DeadlineNote>> {
    let notes: Vec<DeadlineNote> =
        serde_json::from_value(details.get("deadlines")?.clone()).ok()?;
    let closed: Vec<DeadlineNote> = notes
        .into_iter()
        .filter(|n| !matches!(n, DeadlineNote::Started { .. }))
        .collect();
    (!closed.is_empty()).then_some(closed)
}

/// What a journal event says of a case: the lead a post joined or left, the post linked
/// to a lead, or the lead whose action was carried to this post.
fn case_detail(details: &serde_json::Value) -> Option<String> {
    let number = |k: &str| details.get(k).and_then(serde_json::Value::as_i64);
    if let Some(post) = number("post") {
        Some(format!("пост №{post}"))
    } else if let Some(lead) = number("case") {
        Some(format!("по ведущему сообщению №{lead}"))
    } else {
        number("lead").map(|lead| format!("дело №{lead}"))
    }
}

/// The message's case: the lead, where the draft and the approval happen, and its posts.
#[component]
fn CaseNote(id: MessageId, case: crate::dto::message::CaseDto) -> impl IntoView {
    let link = |m: MessageId| view! { <a href=format!("/messages/{}", m.0)>"№" {m.0}</a> };
    let posts = case
        .posts
        .iter()
        .filter(|p| **p != id)
        .map(|p| view! { " " {link(*p)} })
        .collect_view();
    let (lead, count) = (case.lead, case.posts.len());
    view! {
        <p class="notice case" data-testid="case" data-lead=lead.0>
            {if lead == id {
                view! {
                    "Ведущее сообщение дела: проект ответа и согласование — здесь, ответ размещается под каждым постом. Связанные посты ("
                    {count} "):" {posts}
                }.into_any()
            } else {
                view! {
                    "Пост дела " {link(lead)} ": проект ответа и согласование — в ведущем сообщении, ответ на этот пост размещается здесь. Другие посты:"
                    {posts}
                }.into_any()
            }}
        </p>
    }
}

/// Hidden fields every action form carries.
#[component]
fn Common(id: MessageId, action: ActionKind, version: i64) -> impl IntoView {
    view! {
        <input type="hidden" name="id" value=id.0 />
        <input type="hidden" name="input[action]" value=action.as_str() />
        <input type="hidden" name="version" value=version />
    }
}

/// A required "I confirm" box for actions that cannot be undone.
#[component]
fn Confirm(text: &'static str) -> impl IntoView {
    view! {
        <label class="confirm"><input type="checkbox" required />" " {text}</label>
    }
}

/// The text of an action's button (imperative where the journal label is a past event).
fn button_text(a: ActionKind) -> &'static str {
    match a {
        ActionKind::Publish => "Разместить ответ",
        ActionKind::Reject => "Отклонить по §12",
        ActionKind::AuthorReplied => "Записать ответ автора",
        other => other.label(),
    }
}

#[component]
fn Actions(
    d: MessageDetailDto,
    ready: Ready,
    act: ServerAction<ActOnMessage>,
    via: ServerAction<PublishViaNetwork>,
) -> impl IntoView {
    let m = d.message.clone();
    let (id, v) = (m.id, m.version);
    let people = crate::ui::data::load(|| (), |_| executors());
    let routes = crate::ui::data::load(|| (), |_| crate::api::messages::administration_choices());
    let current = StoredValue::new(m.administration.clone());
    let topics = crate::ui::data::load(|| (), |_| crate::api::messages::topic_choices());
    d.actions
        .iter()
        .map(|a| {
            let a = *a;
            let testid = format!("action-{}", a.as_str());
            let form = match a {
                ActionKind::Assign => view! {
                    <Common id action=a version=v />
                    <label for="executor">"Исполнитель"</label>
                    <Suspense fallback=|| view! { <span>"…"</span> }>
                        {move || Suspend::new(async move {
                            let list = people.await.unwrap_or_default();
                            view! {
                                <select id="executor" name="input[executor_id]" required>
                                    <option value="">"Выберите исполнителя"</option>
                                    {list.into_iter().map(|p| view! {
                                        <option value=p.id.0>{p.name} {p.department.map(|d| format!(" ({d})"))}</option>
                                    }).collect_view()}
                                </select>
                            }
                        })}
                    </Suspense>
                    <button type="submit" class="button primary">{button_text(a)}</button>
                }.into_any(),
                ActionKind::Return => view! {
                    <Common id action=a version=v />
                    <label for="justification">"Обоснование возврата в ОИВ"</label>
                    <textarea id="justification" name="input[justification]" required rows="3"></textarea>
                    <Confirm text="Сообщение не относится к нашей компетенции" />
                    <button type="submit" class="button danger">{button_text(a)}</button>
                }.into_any(),
                ActionKind::SendBack => view! {
                    <Common id action=a version=v />
                    <label for="reason">"Почему возврат не принят"</label>
                    <textarea id="reason" name="input[reason]" required rows="3"></textarea>
                    <Suspense fallback=|| ()>
                        {
                            move || {
                                Suspend::new(async move {
                                    let current = current.get_value();
                                    let list = routes.await.unwrap_or_default();
                                    (!list.is_empty()).then(|| view! {
                                        <label for="route">"Направить в администрацию"</label>
                                        <select id="route" name="input[administration]">
                                            <option value="">"Ту же, что вернула"</option>
                                            {list
                                                .into_iter()
                                                .filter(|r| r.code != current)
                                                .map(|r| view! { <option value=r.code>{r.name}</option> })
                                                .collect_view()}
                                        </select>
                                    })
                                })
                            }
                        }
                    </Suspense>
                    <button type="submit" class="button primary">{button_text(a)}</button>
                }.into_any(),
                ActionKind::Reject => view! {
                    <Common id action=a version=v />
                    <label for="category">"Основание (§12)"</label>
                    <select id="category" name="input[category]" required>
                        {RejectCategory::ALL.into_iter().map(|c| view! { <option value=c.as_str()>{c.label()}</option> }).collect_view()}
                    </select>
                    <label for="reject-reason">"Пояснение"</label>
                    <textarea id="reject-reason" name="input[reason]" rows="2"></textarea>
                    <Confirm text="Сообщение не подлежит обработке" />
                    <button type="submit" class="button danger">{button_text(a)}</button>
                }.into_any(),
                ActionKind::SubmitDraft => view! {
                    <Common id action=a version=v />
                    <DraftEditor d=d.clone() ready=ready.clone() act />
                }.into_any(),
                ActionKind::Approve => view! {
                    <Common id action=a version=v />
                    <Confirm text="Текст ответа проверен" />
                    <button type="submit" class="button primary">{button_text(a)}</button>
                }.into_any(),
                ActionKind::RequestRevision => view! {
                    <Common id action=a version=v />
                    <label for="remarks">"Замечания"</label>
                    <textarea id="remarks" name="input[remarks]" required rows="3"></textarea>
                    <button type="submit" class="button secondary">{button_text(a)}</button>
                }.into_any(),
                ActionKind::Publish => view! {
                    <Common id action=a version=v />
                    <label for="link">"Ссылка на опубликованный ответ"</label>
                    <input id="link" type="url" name="input[link]" required placeholder="https://" />
                    <label for="published_at">"Время публикации (если не сейчас)"</label>
                    <input id="published_at" type="datetime-local" name="input[published_at]" />
                    <Confirm text="Ответ опубликован в сети" />
                    <button type="submit" class="button primary">{button_text(a)}</button>
                }.into_any(),
                ActionKind::AuthorReplied => view! {
                    <Common id action=a version=v />
                    <label for="reply">"Ответ автора"</label>
                    <textarea id="reply" name="input[text]" required rows="3"></textarea>
                    <button type="submit" class="button primary">{button_text(a)}</button>
                }.into_any(),
                ActionKind::SetUrgent => view! {
                    <Common id action=a version=v />
                    <input type="hidden" name="input[urgent]" value=(!m.urgent).to_string() />
                    <button type="submit" class="button secondary">
                        {if m.urgent { "Снять срочность" } else { "Отметить срочным" }}
                    </button>
                }.into_any(),
                ActionKind::Link => view! {
                    <Common id action=a version=v />
                    <fieldset class="candidates">
                        <legend>"Тот же вопрос, что и в сообщении"</legend>
                        {d.case_candidates.iter().map(|c| {
                            let why = if c.words.is_empty() {
                                "та же тема".to_owned()
                            } else {
                                format!("общие слова: {}", c.words.join(", "))
                            };
                            view! {
                                <label class="candidate" data-testid="case-candidate" data-id=c.id.0>
                                    <input type="radio" name="input[to]" value=c.id.0 required />
                                    " №" {c.id.0} " · " {c.network.label()} " · " {c.author.clone()}
                                    <span class="muted">" — " {c.text.clone()}</span>
                                    <span class="why">" (" {why} ")"</span>
                                </label>
                            }
                        }).collect_view()}
                        {d.case_candidates.is_empty().then(|| view! {
                            <label for="link-to">"Номер сообщения"</label>
                            <input id="link-to" type="number" min="1" name="input[to]" required inputmode="numeric" />
                        })}
                    </fieldset>
                    <p class="muted">"Проект ответа и согласование будут общими, ответ размещается под каждым постом."</p>
                    <button type="submit" class="button secondary">{button_text(a)}</button>
                }.into_any(),
                ActionKind::Unlink => view! {
                    <Common id action=a version=v />
                    <button type="submit" class="button secondary">{button_text(a)}</button>
                }.into_any(),
                ActionKind::SetTopic => {
                    let chosen = m.topic_id.or(d.topic_suggestion.as_ref().map(|s| s.id));
                    view! {
                        <Common id action=a version=v />
                        <label for="topic">"Тема"</label>
                        <Suspense fallback=|| view! { <span>"…"</span> }>
                            {move || Suspend::new(async move {
                                let list = topics.await.unwrap_or_default();
                                view! {
                                    <select id="topic" name="input[topic_id]" required>
                                        <option value="">"Выберите тему"</option>
                                        {list.into_iter().map(|t| view! {
                                            <option value=t.id.0 selected=Some(t.id) == chosen>{t.name}</option>
                                        }).collect_view()}
                                    </select>
                                }
                            })}
                        </Suspense>
                        <button type="submit" class="button secondary">{button_text(a)}</button>
                    }.into_any()
                }
                ActionKind::Intake => ().into_any(),
            };
            let through = (a == ActionKind::Publish).then(|| view! { <ThroughNetwork d=d.clone() via /> });
            // The suggested topic, with the words behind it: one click to accept.
            let suggested = (a == ActionKind::SetTopic)
                .then(|| d.topic_suggestion.clone())
                .flatten()
                .map(|s| view! {
                    <ActionForm action=act attr:class="form action suggestion" attr:data-testid="topic-suggestion">
                        <Common id action=a version=v />
                        <input type="hidden" name="input[topic_id]" value=s.id.0 />
                        <p>"Предлагаемая тема: " <strong>{s.name.clone()}</strong>
                            <span class="muted">" — по словам: " {s.matched.join(", ")}</span></p>
                        <button type="submit" class="button small secondary">"Принять тему"</button>
                    </ActionForm>
                });
            // With candidates shown, another message can still be named by its number.
            let by_number = (a == ActionKind::Link && !d.case_candidates.is_empty()).then(|| view! {
                <ActionForm action=act attr:class="form action" attr:data-testid="action-link-number">
                    <Common id action=a version=v />
                    <label for="link-to">"Или по номеру сообщения"</label>
                    <input id="link-to" type="number" min="1" name="input[to]" required inputmode="numeric" />
                    <button type="submit" class="button secondary">{button_text(a)}</button>
                </ActionForm>
            });
            view! {
                {through}
                {suggested}
                <ActionForm action=act attr:class="form action" attr:data-testid=testid>
                    {form}
                </ActionForm>
                {by_number}
            }
            .into_any()
        })
        .collect_view()
}

/// Publishing through the network's API, first; why not, when it cannot be; the last
/// attempt's outcome. The manual form follows.
#[component]
fn ThroughNetwork(d: MessageDetailDto, via: ServerAction<PublishViaNetwork>) -> impl IntoView {
    use crate::dto::networks::OutboxStatus;
    let p = d.publishing.clone();
    let m = d.message;
    let last = p.last_error.clone().unwrap_or_default();
    let status = match p.status {
        Some(OutboxStatus::Pending) => Some(format!("Не отправлено: {last}")),
        Some(OutboxStatus::Failed) => Some(format!("Не отправлено: {last}")),
        Some(OutboxStatus::Unknown) => Some(format!(
            "{last}: ответ мог появиться в сети. Проверьте пост и, если ответ есть, внесите ссылку вручную"
        )),
        Some(OutboxStatus::Sending) => Some("Ответ отправляется в сеть…".to_owned()),
        Some(OutboxStatus::Sent) | None => None,
    };
    let label = p.label.clone();
    view! {
        {p.available.then(|| view! {
            <ActionForm action=via attr:class="form action" attr:data-testid="action-publish-via">
                <input type="hidden" name="id" value=m.id.0 />
                <input type="hidden" name="version" value=m.version />
                <button type="submit" class="button primary" disabled=move || via.pending().get()>
                    {move || if via.pending().get() { "Публикуется…".to_owned() } else { label.clone() }}
                </button>
                <small class="muted">"Ответ и фото уйдут в сеть от имени администрации; ссылка и время запишутся сами"</small>
            </ActionForm>
        })}
        {status.map(|s| view! { <p class="notice warn" role="status" data-testid="publish-status">{s}</p> })}
        {p.manual_reason.map(|r| view! { <p class="muted" data-testid="manual-only">{r}</p> })}
        {p.available.then(|| view! { <p class="muted">"Или вручную, если ответ уже размещён:"</p> })}
    }
}

/// The answer's editor, once its limits and templates have arrived.
#[component]
fn DraftEditor(
    d: MessageDetailDto,
    ready: Ready,
    act: ServerAction<ActOnMessage>,
) -> impl IntoView {
    let setup = crate::ui::data::load(|| (), |_| crate::api::live::editor_setup());
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let (d, ready) = (d.clone(), ready.clone());
                Suspend::new(async move {
                    match setup.await {
                        Ok(setup) => view! { <DraftFields d ready act setup /> }.into_any(),
                        Err(e) => view! { <ErrorBox message=e.to_string() /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// The answer's fields. In the browser it keeps what is typed (text, kind, files) in the
/// browser's storage and brings it back after a reload, with a notice (issue 22).
#[component]
fn DraftFields(
    d: MessageDetailDto,
    ready: Ready,
    act: ServerAction<ActOnMessage>,
    setup: crate::dto::networks::EditorSetup,
) -> impl IntoView {
    let m = d.message.clone();
    let network_limit = setup.limits.get(m.network);
    let limit = network_limit.max_chars as usize;
    // §11: with photos or videos the text is a caption (Telegram: 1,024 characters).
    let caption = network_limit
        .max_caption_chars
        .filter(|c| (*c as usize) < limit)
        .map(|c| format!(" (с фото или видео — не больше {c})"));
    let first_name = m.author.split_whitespace().next().unwrap_or("").to_owned();
    let last = d.drafts.last().cloned();
    let server = DraftState {
        text: last.as_ref().map(|x| x.text.clone()).unwrap_or_default(),
        kind: last.as_ref().map(|x| x.kind).unwrap_or(AnswerKind::Final),
        files: Vec::new(),
    };
    let text = RwSignal::new(server.text.clone());
    let kind = RwSignal::new(server.kind);
    // Uploaded, not yet attached to a draft.
    let uploaded: Vec<AttachmentDto> = d
        .attachments
        .iter()
        .filter(|f| f.draft.is_none())
        .cloned()
        .collect();
    let files = RwSignal::new(uploaded.clone());
    let restored = RwSignal::new(None::<String>);
    let editor = Editor {
        message: m.id,
        text,
        kind,
        files,
        restored,
    };
    let server = StoredValue::new((server, uploaded));
    #[cfg(feature = "hydrate")]
    keep::keep(editor, server, act, ready.cal.tz());
    #[cfg(not(feature = "hydrate"))]
    let _ = (act, editor);
    let discard = move |_| {
        server.with_value(|(s, uploaded)| {
            text.set(s.text.clone());
            kind.set(s.kind);
            files.set(uploaded.clone());
        });
        restored.set(None);
        #[cfg(feature = "hydrate")]
        keep::forget(editor);
    };
    let count = move || text.with(|t| t.trim().chars().count());
    let over = move || count() > limit;
    let near = move || !over() && count() * 10 >= limit * 9;
    let date = crate::domain::countdown::format_datetime(ready.base, ready.cal.tz());
    let date = date.split(' ').next().unwrap_or("").to_owned();
    view! {
        {move || restored.get().map(|notice| view! {
            <p class="notice restored" role="status" data-testid="draft-restored">
                <span>{notice}</span>
                " "
                <button type="button" class="button small secondary" on:click=discard>"Отбросить"</button>
            </p>
        })}
        <label for="kind">"Вид ответа"</label>
        <select id="kind" name="input[kind]" on:change=move |ev| {
            if let Some(k) = AnswerKind::from_name(&event_target_value(&ev)) { kind.set(k) }
        }>
            {AnswerKind::ALL.into_iter().map(|k| view! {
                <option value=k.as_str() selected=move || kind.get() == k>{k.label()}</option>
            }).collect_view()}
        </select>
        <div class="templates" role="group" aria-label="Шаблоны">
            {setup.templates.0.iter().map(|t| {
                let filled = t.fill(&first_name, &date);
                view! {
                    <button type="button" class="button small secondary" on:click=move |_| text.set(filled.clone())>{t.name.clone()}</button>
                }
            }).collect_view()}
        </div>
        <label for="draft-text">"Текст ответа"</label>
        <textarea
            id="draft-text"
            name="input[text]"
            rows="6"
            required
            prop:value=move || text.get()
            on:input=move |ev| text.set(event_target_value(&ev))
            aria-describedby="draft-count"
        >
            {crate::ui::components::text::textarea_text(&text.get_untracked())}
        </textarea>
        <p id="draft-count" class="counter" class:warn=near class:bad=over data-testid="char-count" aria-live="polite">
            {move || format!("{} / {limit}", count())}
            {caption.clone()}
            {move || over().then_some(" — длиннее, чем допускает сеть")}
            {move || near().then_some(" — близко к пределу")}
        </p>
        <Uploader message=m.id files />
        <details class="preview">
            <summary>"Как ответ будет выглядеть"</summary>
            <div class="reply-preview">
                <span class="reply-to">"Ответ для " {m.author.clone()}</span>
                <p class="post-text">{move || text.get()}</p>
            </div>
        </details>
        <button type="submit" class="button primary" disabled=over>"Отправить на согласование"</button>
    }
    // Erased at the component boundary: keeps the page's nested view type shallower
    // (see the recursion limit in `frontend`).
    .into_any()
}

/// The editor's signals (read by the browser's keeping of the draft).
#[derive(Clone, Copy)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
struct Editor {
    message: MessageId,
    text: RwSignal<String>,
    kind: RwSignal<AnswerKind>,
    files: RwSignal<Vec<AttachmentDto>>,
    /// The notice of a restored draft.
    restored: RwSignal<Option<String>>,
}

#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
impl Editor {
    /// What the editor holds now (tracked).
    fn state(&self) -> DraftState {
        DraftState {
            text: self.text.get(),
            kind: self.kind.get(),
            files: self.files.with(|f| f.iter().map(|x| x.id).collect()),
        }
    }
}

/// Keeping the draft in the browser's storage.
#[cfg(feature = "hydrate")]
mod keep {
    use super::*;
    use crate::domain::workflow::Command;
    use crate::ui::draft_store::{browser, key, notice, restorable, KeptDraft};

    /// The storage key of the signed-in user's draft of the editor's message.
    fn current_key(editor: Editor) -> Option<String> {
        match crate::ui::auth::use_auth().user.get_untracked() {
            Some(Ok(Some(user))) => Some(key(user.id, editor.message)),
            _ => None,
        }
    }

    /// Forgets the kept draft.
    pub fn forget(editor: Editor) {
        if let Some(k) = current_key(editor) {
            browser::remove(&k);
        }
    }

    /// Brings back the kept draft (if it differs from the server's), then keeps every
    /// change as it is typed; forgets it once the draft is submitted.
    pub fn keep(
        editor: Editor,
        server: StoredValue<(DraftState, Vec<AttachmentDto>)>,
        act: ServerAction<ActOnMessage>,
        tz: chrono_tz::Tz,
    ) {
        let auth = crate::ui::auth::use_auth();
        let live = use_live();
        // The key the editor was restored under, and the state last kept (or restored):
        // an unchanged state is not written again, so the time of the notice stays the
        // time of the typing.
        let restored_under = StoredValue::new(None::<String>);
        let last = StoredValue::new(None::<DraftState>);
        Effect::new(move |_| {
            let state = editor.state();
            let Some(Ok(Some(user))) = auth.user.get() else {
                return;
            };
            let k = key(user.id, editor.message);
            if restored_under.with_value(|r| r.as_deref() != Some(k.as_str())) {
                restored_under.set_value(Some(k.clone()));
                let (server_text, uploaded) =
                    server.with_value(|(s, u)| (s.text.clone(), u.clone()));
                match browser::read(&k) {
                    Some(kept) if restorable(&kept, &server_text) => {
                        // Only files the server still has unattached come back.
                        let files: Vec<AttachmentDto> = uploaded
                            .into_iter()
                            .filter(|f| kept.state.files.contains(&f.id))
                            .collect();
                        last.set_value(Some(DraftState {
                            text: kept.state.text.clone(),
                            kind: kept.state.kind,
                            files: files.iter().map(|f| f.id).collect(),
                        }));
                        editor.text.set(kept.state.text);
                        editor.kind.set(kept.state.kind);
                        editor.files.set(files);
                        editor.restored.set(Some(notice(kept.saved_at, tz)));
                    }
                    // Submitted, or blank: nothing to bring back.
                    Some(_) => {
                        browser::remove(&k);
                        last.set_value(Some(state));
                    }
                    None => last.set_value(Some(state)),
                }
                return;
            }
            if last.with_value(|l| l.as_ref() == Some(&state)) {
                return;
            }
            last.set_value(Some(state.clone()));
            let saved_at = live.now.get_untracked().unwrap_or_else(Utc::now);
            browser::write(&k, &KeptDraft { state, saved_at });
        });
        // A submitted draft is forgotten once the server has taken it.
        let submitting = StoredValue::new(false);
        Effect::new(move |_| {
            if let Some(a) = act.input().get() {
                let ours = a.id == editor.message && matches!(a.input, Command::SubmitDraft { .. });
                submitting.set_value(ours);
            }
        });
        Effect::new(move |_| {
            let taken = act.value().with(|v| matches!(v, Some(Ok(_))));
            if submitting.get_value() && taken {
                submitting.set_value(false);
                forget(editor);
                last.set_value(None);
            }
        });
    }
}

#[component]
fn Drafts(drafts: Vec<DraftDto>, tz: chrono_tz::Tz) -> impl IntoView {
    drafts
        .into_iter()
        .map(|dr| {
            let diff = dr.changes.clone();
            view! {
                <div class="draft" data-testid="draft" data-number=dr.number>
                    <h3>
                        {format!("Версия {} · {}", dr.number, dr.kind.label())}
                        {dr.decision.as_deref().map(|x| match x {
                            "approved" => view! { <span class="tag ok">"согласовано"</span> }.into_any(),
                            _ => view! { <span class="tag warn">"возвращено на доработку"</span> }.into_any(),
                        })}
                    </h3>
                    <p class="muted">
                        {format_datetime(dr.submitted_at.with_timezone(&Utc), tz)} " · " {dr.submitted_by.clone().unwrap_or_default()}
                    </p>
                    {match diff {
                        Some(pieces) => view! { <p class="post-text diff">{render_diff(pieces)}</p> }.into_any(),
                        None => view! { <p class="post-text">{dr.text.clone()}</p> }.into_any(),
                    }}
                    {dr.remarks.clone().map(|r| view! { <p class="remarks"><strong>"Замечания: "</strong>{r}</p> })}
                </div>
            }
        })
        .collect_view()
}

/// Added words as `<ins>`, removed as `<del>`.
pub fn render_diff(pieces: Vec<(Change, String)>) -> impl IntoView {
    pieces
        .into_iter()
        .map(|(k, t)| match k {
            Change::Same => view! { <span>{t}</span> }.into_any(),
            Change::Added => view! { <ins>{t}</ins> }.into_any(),
            Change::Removed => view! { <del>{t}</del> }.into_any(),
        })
        .collect_view()
}
