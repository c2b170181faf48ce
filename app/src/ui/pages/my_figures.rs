//! `/my-figures` — «Мои показатели»: the signed-in person's own figures for this month
//! (§13 makes executors personally responsible): the messages assigned to them that were
//! detected in the month, with the same columns as the report.

use crate::api::reports::own_figures;
use crate::domain::datefmt::dmy;
use crate::domain::report::table::{cells, headers};
use crate::domain::report::Grouping;
use crate::ui::components::error_box::ErrorBox;
use leptos::prelude::*;
use leptos_meta::Title;

/// The page.
#[component]
pub fn MyFiguresPage() -> impl IntoView {
    let data = crate::ui::data::load(|| (), |_| own_figures());
    view! {
        <Title text="Мои показатели" />
        <h1>"Мои показатели"</h1>
        <Suspense fallback=|| view! { <p>"Загрузка…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(f) => {
                        let pairs = headers(Grouping::None)
                            .into_iter()
                            .zip(cells(&f.row))
                            .skip(1)
                            .map(|(h, c)| {
                                let text = c.text();
                                view! { <div><dt>{h}</dt><dd>{text}</dd></div> }
                            })
                            .collect_view();
                        view! {
                            <p class="muted">
                                {format!("Сообщения, назначенные вам и поступившие с {} по {}.", dmy(&f.from), dmy(&f.to))}
                            </p>
                            <dl class="figures card" data-testid="my-figures">{pairs}</dl>
                        }
                            .into_any()
                    }
                    Err(e) => view! { <ErrorBox message=e.to_string() /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
