//! `/approval` — «Согласование» for the authority: drafts waiting for a decision, oldest
//! deadline first, the original post beside the draft with the changes since the previous
//! version, and two actions only: approve, or return with remarks. One column on a phone.

use crate::api::messages::{approval_queue, ActOnMessage};
use crate::domain::deadline::DeadlineRule;
use crate::domain::workflow::ActionKind;
use crate::dto::message::MessageDetailDto;
use crate::ui::components::countdown::Countdown;
use crate::ui::components::error_box::ErrorBox;
use crate::ui::components::message_bits::NetworkBadge;
use crate::ui::live::{use_live, Ready};
use crate::ui::pages::message::render_diff;
use leptos::prelude::*;
use leptos_meta::Title;

/// The approval queue.
#[component]
pub fn ApprovalPage() -> impl IntoView {
    let live = use_live();
    let act = ServerAction::<ActOnMessage>::new();
    // New drafts and other decisions appear in place; while remarks are being typed, a
    // notice offers to re-read instead.
    let refresh = crate::ui::stream::use_refresh(|_| true);
    let queue = crate::ui::data::load(
        move || (act.version().get(), refresh.tick.get()),
        |_| approval_queue(),
    );
    let error = move || {
        act.value()
            .get()
            .and_then(|r| r.err())
            .map(|e| e.to_string())
    };
    view! {
        <Title text="Согласование" />
        <h1>"Согласование"</h1>
        {move || error().map(|message| view! { <ErrorBox message /> })}
        <crate::ui::stream::StaleNotice refresh />
        <Transition fallback=|| view! { <p>"Загрузка…"</p> }>
            {move || Suspend::new(async move {
                let ready = match live.ready().await {
                    Ok(r) => r,
                    Err(e) => return view! { <ErrorBox message=e.to_string() /> }.into_any(),
                };
                let list = queue.await;
                refresh.rendered();
                match list {
                    Ok(list) if list.is_empty() => view! { <p class="empty" data-testid="empty">"Проектов на согласовании нет."</p> }.into_any(),
                    Ok(list) => view! {
                        <div class="contents" on:input=move |_| refresh.dirty.set(true)>
                            {list
                                .into_iter()
                                .map(|d| view! { <Item d ready=ready.clone() act /> })
                                .collect_view()}
                        </div>
                    }
                        .into_any(),
                    Err(e) => view! { <ErrorBox message=e.to_string() /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Item(d: MessageDetailDto, ready: Ready, act: ServerAction<ActOnMessage>) -> impl IntoView {
    let m = d.message.clone();
    let n = d.drafts.len();
    let draft = d.drafts.last().cloned();
    let previous = n.checked_sub(2).and_then(|i| d.drafts.get(i)).cloned();
    let answer = m.deadlines.get(DeadlineRule::AnswerBy.as_str()).cloned();
    let (id, version) = (m.id, m.version);
    let href = format!("/messages/{}", m.id);
    view! {
        <article class="card approval" data-testid="approval-item" data-id=m.id.0>
            <header class="message-head">
                <NetworkBadge network=m.network />
                <h2><a href=href>{format!("№{} · {}", m.id, m.author)}</a></h2>
                {answer.map(|a| {
                    let rule = DeadlineRule::AnswerBy;
                    view! {
                        <span class="named-countdown" data-testid="approval-deadline">
                            <span class="rule">{rule.label()}</span>
                            <Countdown deadline=a rule clock=ready.clock() label=rule.label() />
                        </span>
                    }
                })}
            </header>
            <div class="side-by-side">
                <section>
                    <h3>"Сообщение"</h3>
                    {m.case.as_ref().map(|c| {
                        let n = c.posts.len() + 1;
                        view! {
                            <p class="notice case" data-testid="approval-case">
                                {format!("Дело, постов: {n}. Один проект — ответ будет размещён под каждым постом")}
                            </p>
                        }
                    })}
                    <blockquote class="post-text">{m.text.clone()}</blockquote>
                </section>
                <section>
                    <h3>{draft.as_ref().map(|x| format!("Проект, версия {} · {}", x.number, x.kind.label()))}</h3>
                    {match (previous, draft.clone()) {
                        (Some(p), Some(cur)) => view! {
                            <p class="post-text diff" data-testid="draft-diff">{render_diff(cur.changes.unwrap_or_default())}</p>
                            {p.remarks.map(|r| view! { <p class="remarks"><strong>"Ваши замечания: "</strong>{r}</p> })}
                        }.into_any(),
                        (None, Some(cur)) => view! { <p class="post-text" data-testid="draft-text">{cur.text}</p> }.into_any(),
                        _ => ().into_any(),
                    }}
                </section>
            </div>
            <div class="decide">
                <ActionForm action=act attr:class="form action" attr:data-testid="action-approve">
                    <input type="hidden" name="id" value=id.0 />
                    <input type="hidden" name="input[action]" value=ActionKind::Approve.as_str() />
                    <input type="hidden" name="version" value=version />
                    <label class="confirm"><input type="checkbox" required />" Текст ответа проверен"</label>
                    <button type="submit" class="button primary">"Согласовать"</button>
                </ActionForm>
                <ActionForm action=act attr:class="form action" attr:data-testid="action-request_revision">
                    <input type="hidden" name="id" value=id.0 />
                    <input type="hidden" name="input[action]" value=ActionKind::RequestRevision.as_str() />
                    <input type="hidden" name="version" value=version />
                    <label for=format!("remarks-{}", id.0)>"Замечания"</label>
                    <textarea id=format!("remarks-{}", id.0) name="input[remarks]" required rows="3"></textarea>
                    <button type="submit" class="button secondary">"Вернуть на доработку"</button>
                </ActionForm>
            </div>
        </article>
    }
}
