//! `/board` — «Табло» for the authority and the region: per administration, the open
//! messages, those due soon, those overdue and the answers published today. Re-read on
//! every event and every half minute (a deadline runs out with no event at all). Large
//! figures in a grid: a row of cards on a wall screen, one card under another on a phone.

use crate::api::reports::board;
use crate::dto::board::BoardRow;
use crate::ui::components::error_box::ErrorBox;
use leptos::prelude::*;
use leptos_meta::Title;

/// How often the board is re-read without events (ms).
const REREAD_MS: u32 = 30_000;

/// The live board.
#[component]
pub fn BoardPage() -> impl IntoView {
    let refresh = crate::ui::stream::use_refresh(|_| true);
    refresh.every(REREAD_MS);
    let data = crate::ui::data::load(move || refresh.tick.get(), |_| board());
    view! {
        <Title text="Табло" />
        <h1>"Табло"</h1>
        <p class="muted">
            {format!(
                "По каждой администрации: открытые сообщения, сроки на исходе, просрочки и ответы за сегодня. Табло обновляется само (не реже раза в {} с).",
                REREAD_MS / 1000
            )}
        </p>
        <Transition fallback=|| view! { <p>"Загрузка…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(rows) => view! {
                        <div class="board" data-testid="board">
                            {rows.into_iter().map(|r| view! { <BoardCard row=r /> }).collect_view()}
                        </div>
                    }
                        .into_any(),
                    Err(e) => view! { <ErrorBox message=e.to_string() /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// One administration's figures.
#[component]
fn BoardCard(row: BoardRow) -> impl IntoView {
    let (soon, late) = (row.due_soon > 0, row.overdue > 0);
    view! {
        <section class="card board-card" data-testid="board-card" data-administration=row.administration>
            <h2>{row.name}</h2>
            <dl class="board-figures">
                <div>
                    <dt>"Открыто"</dt>
                    <dd data-testid="board-open">{row.open}</dd>
                </div>
                <div class:warn=soon>
                    <dt>"Скоро срок"</dt>
                    <dd data-testid="board-due-soon">{row.due_soon}</dd>
                </div>
                <div class:bad=late>
                    <dt>"Просрочено"</dt>
                    <dd data-testid="board-overdue">{row.overdue}</dd>
                </div>
                <div>
                    <dt>"Ответов сегодня"</dt>
                    <dd data-testid="board-answered">{row.answered_today}</dd>
                </div>
            </dl>
        </section>
    }
}
