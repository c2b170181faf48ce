//! `/reports` — «Отчёты»: the figures of a period (presets or from–to), grouped by
//! department, executor, topic or network, with the total; downloads as XLSX and CSV;
//! charts drawn on the server; the monthly rating of departments with its method. The
//! query is in the address (a plain GET form, so a report can be bookmarked and sent).
//! Who may read it is decided by the server (observer, coordinator, admin, authority).

use crate::api::reports::reports_page;
use crate::domain::datefmt::dmy;
use crate::domain::report::charts::Charts;
use crate::domain::report::table::{cells, headers};
use crate::domain::report::{Grouping, ReportRow};
use crate::dto::report::{RatingDto, ReportPage, ReportQuery};
use crate::ui::components::charts::{AnswersChart, SharesChart, TimesChart};
use crate::ui::components::error_box::ErrorBox;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The reports page.
#[component]
pub fn ReportsPage() -> impl IntoView {
    let query = use_query_map();
    let data = crate::ui::data::load(
        move || {
            query.with(|q| ReportQuery {
                from: q.get("from").filter(|s| !s.is_empty()),
                to: q.get("to").filter(|s| !s.is_empty()),
                by: q.get("by").filter(|s| !s.is_empty()),
            })
        },
        reports_page,
    );
    view! {
        <Title text="Отчёты" />
        <h1>"Отчёты"</h1>
        <Suspense fallback=|| view! { <p>"Загрузка…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(page) => view! { <Report page /> }.into_any(),
                    Err(e) => view! { <ErrorBox message=e.to_string() /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The address of the report (or of a file with `ext`) for a period and grouping.
fn href(
    path: &str,
    from: &impl std::fmt::Display,
    to: &impl std::fmt::Display,
    by: &str,
) -> String {
    format!("{path}?from={from}&to={to}&by={by}")
}

#[component]
fn Report(page: ReportPage) -> impl IntoView {
    let ReportPage {
        report,
        charts,
        rating,
        presets,
    } = page;
    let by = report.by.clone();
    let grouping = Grouping::from_name(&by).unwrap_or_default();
    let (from, to) = (report.from, report.to);
    let xlsx = href("/api/v1/reports.xlsx", &from, &to, &by);
    let csv = href("/api/v1/reports.csv", &from, &to, &by);
    view! {
        <nav class="presets" aria-label="Период">
            {presets
                .into_iter()
                .map(|p| {
                    let current = (p.from, p.to) == (from, to);
                    view! {
                        <a
                            class="chip"
                            class:current=current
                            aria-current=current.then_some("true")
                            href=href("/reports", &p.from, &p.to, &by)
                        >
                            {p.label}
                        </a>
                    }
                })
                .collect_view()}
        </nav>
        <form method="get" action="/reports" class="filters" aria-label="Параметры отчёта">
            <label>
                <span>"С"</span>
                <input type="date" name="from" value=from.to_string() required />
            </label>
            <label>
                <span>"По"</span>
                <input type="date" name="to" value=to.to_string() required />
            </label>
            <label>
                <span>"Группировка"</span>
                <select name="by" data-testid="grouping">
                    {Grouping::ALL
                        .into_iter()
                        .map(|g| view! { <option value=g.as_str() selected=g == grouping>{g.label()}</option> })
                        .collect_view()}
                </select>
            </label>
            <button type="submit" class="button primary">"Показать"</button>
        </form>
        <p class="muted" data-testid="report-title">
            {format!(
                "За {} — {}, {}; на {}",
                dmy(&from),
                dmy(&to),
                grouping.label(),
                report.generated_at.format("%d.%m.%Y %H:%M")
            )}
        </p>
        <p class="downloads">
            <a class="button secondary" href=xlsx download data-testid="download-xlsx">"Скачать XLSX"</a>
            <a class="button secondary" href=csv download data-testid="download-csv">"Скачать CSV"</a>
        </p>
        <Table grouping rows=report.rows total=report.total />
        <ChartsView charts />
        <Rating rating />
    }
}

/// The report's table: a row per group and the total, scrolling sideways on a phone.
#[component]
fn Table(grouping: Grouping, rows: Vec<ReportRow>, total: ReportRow) -> impl IntoView {
    let line = |r: &ReportRow, total: bool| {
        let cells = cells(r)
            .into_iter()
            .enumerate()
            .map(|(i, c)| {
                let text = c.text();
                if i == 0 {
                    view! { <th scope="row">{text}</th> }.into_any()
                } else {
                    view! { <td>{text}</td> }.into_any()
                }
            })
            .collect_view();
        view! { <tr class:total=total>{cells}</tr> }
    };
    let body = rows.iter().map(|r| line(r, false)).collect_view();
    let foot = line(&total, true);
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label="Таблица отчёта">
            <table class="figures-table" data-testid="report-table">
                <thead>
                    <tr>
                        {headers(grouping)
                            .into_iter()
                            .map(|h| view! { <th scope="col">{h}</th> })
                            .collect_view()}
                    </tr>
                </thead>
                <tbody>{body}</tbody>
                <tfoot>{foot}</tfoot>
            </table>
        </div>
    }
}

#[component]
fn ChartsView(charts: Charts) -> impl IntoView {
    view! {
        <section class="charts" aria-label="Графики">
            <AnswersChart bars=charts.answers weekly=charts.weekly />
            <SharesChart shares=charts.shares />
            <TimesChart buckets=charts.times />
        </section>
    }
}

/// Russian month names in the nominative («март»).
const MONTHS: [&str; 12] = [
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
];

#[component]
fn Rating(rating: RatingDto) -> impl IntoView {
    use chrono::Datelike;
    let month = format!(
        "{} {}",
        MONTHS[rating.month.month0() as usize % 12],
        rating.month.year()
    );
    let (title, column) = if rating.administrations {
        ("Рейтинг администраций", "Администрация")
    } else {
        ("Рейтинг отделов", "Отдел")
    };
    let rows = rating
        .rows
        .into_iter()
        .map(|r| {
            view! {
                <tr class:unranked=r.rank.is_none()>
                    <td>{r.rank.map_or_else(|| "—".to_owned(), |n| n.to_string())}</td>
                    <th scope="row">{r.label}</th>
                    <td>{r.score.map_or_else(|| "не оценивается".to_owned(), |s| format!("{s:.1}"))}</td>
                    <td>{r.rated.to_string()}</td>
                    <td>{r.full_marks.to_string()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card rating" aria-labelledby="rating-h">
            <h2 id="rating-h">{format!("{title}: {month}")}</h2>
            <div class="table-scroll">
                <table class="figures-table" data-testid="rating-table">
                    <thead>
                        <tr>
                            <th scope="col">"Место"</th>
                            <th scope="col">{column}</th>
                            <th scope="col">"Балл"</th>
                            <th scope="col">"Оценено сообщений"</th>
                            <th scope="col">"С полным баллом"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <p class="muted method" data-testid="rating-method">{rating.statement}</p>
        </section>
    }
}
