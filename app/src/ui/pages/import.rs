//! `/import` — CSV import (coordinator, authority): choose a file (or paste its text), see
//! per row what was imported, skipped as a duplicate, or refused and why.

use crate::api::messages::ImportCsvText;
use crate::dto::import::RowOutcome;
use crate::ui::components::error_box::ErrorBox;
use leptos::prelude::*;
use leptos_meta::Title;

/// The import page.
#[component]
pub fn ImportPage() -> impl IntoView {
    let action = ServerAction::<ImportCsvText>::new();
    let text = RwSignal::new(String::new());
    let error = move || {
        action
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| e.to_string())
    };
    let on_file = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let file = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                .and_then(|input| input.files())
                .and_then(|files| files.get(0));
            if let Some(file) = file {
                let promise = file.text();
                leptos::task::spawn_local(async move {
                    if let Ok(value) = wasm_bindgen_futures::JsFuture::from(promise).await {
                        text.set(value.as_string().unwrap_or_default());
                    }
                });
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    view! {
        <Title text="Импорт CSV" />
        <h1>"Импорт сообщений из CSV"</h1>
        <p class="muted">
            "Кодировка UTF-8, разделитель «;» или «,». Первая строка — названия столбцов: "
            <code>"external_id; network; url; author; text; detected_at"</code>
            " и при необходимости " <code>"topic; author_url"</code> ". Время: 2026-04-06T14:05:00+03:00 или 06.04.2026 14:05."
        </p>
        <ActionForm action attr:class="form card" attr:data-testid="import-form">
            <label for="csv-file">"Файл CSV"</label>
            <input id="csv-file" type="file" accept=".csv,text/csv" on:change=on_file />
            <label for="csv-text">"Содержимое файла"</label>
            <textarea id="csv-text" name="csv" rows="6" required prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))></textarea>
            {move || error().map(|message| view! { <ErrorBox message /> })}
            <button type="submit" class="button primary" disabled=move || action.pending().get()>
                {move || if action.pending().get() { "Импорт…" } else { "Импортировать" }}
            </button>
        </ActionForm>
        {move || action.value().get().and_then(|r| r.ok()).map(|report| view! {
            <section class="card" data-testid="import-report" aria-live="polite">
                <h2>"Результат"</h2>
                <p>
                    {format!("Загружено: {} · повторы: {} · отклонено: {}", report.imported, report.duplicates, report.refused)}
                </p>
                <table class="report">
                    <thead><tr><th scope="col">"Строка"</th><th scope="col">"Номер"</th><th scope="col">"Итог"</th></tr></thead>
                    <tbody>
                        {report.rows.into_iter().map(|r| {
                            let (class, outcome) = match r.outcome {
                                RowOutcome::Imported { message_id } => ("ok", view! { <a href=format!("/messages/{message_id}")>{format!("загружено, №{message_id}")}</a> }.into_any()),
                                RowOutcome::Duplicate { message_id } => ("dup", view! { <a href=format!("/messages/{message_id}")>{format!("уже было, №{message_id}")}</a> }.into_any()),
                                RowOutcome::Refused { error } => ("bad", view! { <span>{format!("отклонено: {error}")}</span> }.into_any()),
                            };
                            view! {
                                <tr class=class data-testid="report-row">
                                    <td>{r.line}</td>
                                    <td>{r.external_id.unwrap_or_default()}</td>
                                    <td>{outcome}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
        })}
    }
}
