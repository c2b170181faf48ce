//! `/admin/calendar?year=2026` — the production calendar of a year as twelve month grids
//! (weeks from Monday) with the year's totals beside it, and a form that corrects one
//! date for this deployment (SPEC "Working time": next year's decree, extraordinary
//! non-working periods). A day's link fills the form's date, also without WASM.

use super::{
    layer_arg, outcome_of, use_layer_code, AdminOnly, Crumbs, LayerField, LayerPicker, Status,
};
use crate::api::admin::{
    admin_calendar, legend_ru, mark_ru, AdminSetDay, CalendarCell, CalendarYear,
};
use crate::domain::calendar::{DayMark, FIRST_SUPPORTED_YEAR, LAST_SUPPORTED_YEAR};
use crate::ui::components::error_box::ErrorBox;
use chrono::{Datelike, NaiveDate};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// Month names for the grid headings.
const MONTHS: [&str; 12] = [
    "Январь",
    "Февраль",
    "Март",
    "Апрель",
    "Май",
    "Июнь",
    "Июль",
    "Август",
    "Сентябрь",
    "Октябрь",
    "Ноябрь",
    "Декабрь",
];

/// Month names in the genitive, for a date read aloud («5 мая 2026»).
const MONTHS_OF: [&str; 12] = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
];

/// Column headings, Monday first.
const WEEKDAYS: [(&str, &str); 7] = [
    ("Пн", "понедельник"),
    ("Вт", "вторник"),
    ("Ср", "среда"),
    ("Чт", "четверг"),
    ("Пт", "пятница"),
    ("Сб", "суббота"),
    ("Вс", "воскресенье"),
];

/// The legend, in the order shown.
const LEGEND: [&str; 4] = ["working", "shortened", "non_working", "working_weekend"];

/// The correction choices of the form: (value, label).
const MARKS: [(&str, Option<DayMark>); 4] = [
    ("working", Some(DayMark::Working)),
    ("shortened", Some(DayMark::Shortened)),
    ("non_working", Some(DayMark::NonWorking)),
    ("usual", None),
];

/// The calendar page.
#[component]
pub fn CalendarPage() -> impl IntoView {
    let query = use_query_map();
    let year = Memo::new(move |_| {
        query.with(|q| q.get("year").and_then(|y| y.trim().parse::<i32>().ok()))
    });
    let day = Memo::new(move |_| {
        query.with(|q| {
            q.get("day")
                .filter(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok())
                .unwrap_or_default()
        })
    });
    let set_day = ServerAction::<AdminSetDay>::new();
    view! {
        <Title text="Производственный календарь" />
        <Crumbs />
        <h1>"Производственный календарь"</h1>
        <AdminOnly>
            {move || {
                let code = use_layer_code();
                let data = crate::ui::data::load(
                    move || (year.get(), set_day.version().get(), code.get()),
                    |(year, _, code)| admin_calendar(year, layer_arg(&code)),
                );
                let shown = move |f: fn(CalendarYear) -> AnyView| {
                    Suspend::new(async move {
                        match data.await {
                            Ok(y) => f(y),
                            Err(e) => view! { <ErrorBox message=e.to_string() /> }.into_any(),
                        }
                    })
                };
                view! {
                    <Transition fallback=|| ()>
                        {move || shown(|y| view! { <LayerPicker info=y.layer /> }.into_any())}
                    </Transition>
                    <Transition fallback=|| view! { <p>"Загрузка…"</p> }>
                        {move || shown(|y| view! { <YearNav year=y.year first=y.first_year last=y.last_year /> }.into_any())}
                    </Transition>
                    <div class="cal-layout">
                        <div class="cal-side">
                            <Transition fallback=|| ()>
                                {move || shown(|y| view! { <Totals y /> }.into_any())}
                            </Transition>
                            <DayForm set_day day />
                            <Legend />
                        </div>
                        <Transition fallback=|| view! { <p>"Загрузка…"</p> }>
                            {move || shown(|y| view! { <Months y /> }.into_any())}
                        </Transition>
                    </div>
                    <Transition fallback=|| ()>
                        {move || shown(|y| view! { <Corrections y /> }.into_any())}
                    </Transition>
                }
            }}
        </AdminOnly>
    }
}

#[component]
fn YearNav(year: i32, first: i32, last: i32) -> impl IntoView {
    let link = move |y: i32, text: String, rel: &'static str| {
        if (first..=last).contains(&y) {
            view! { <a class="button secondary" href=format!("/admin/calendar?year={y}") rel=rel>{text}</a> }.into_any()
        } else {
            view! { <span class="button secondary" aria-disabled="true">{text}</span> }.into_any()
        }
    };
    view! {
        <nav class="year-nav" aria-label="Год">
            {link(year - 1, format!("← {}", year - 1), "prev")}
            <strong class="year" data-testid="year">{year}</strong>
            {link(year + 1, format!("{} →", year + 1), "next")}
        </nav>
    }
}

#[component]
fn Totals(y: CalendarYear) -> impl IntoView {
    let s = y.summary;
    let days_in_year = y.days.len();
    let off = days_in_year.saturating_sub(s.working_days as usize);
    let schedule = format!(
        "{} ч {:02} мин",
        s.schedule_minutes / 60,
        s.schedule_minutes % 60
    );
    view! {
        <section class="card cal-totals" aria-labelledby="totals-h" data-testid="year-totals">
            <h2 id="totals-h">{format!("Итоги {} года", y.year)}</h2>
            <dl>
                <dt>"Рабочих дней"</dt>
                <dd data-testid="working-days">{s.working_days}</dd>
                <dt>"из них сокращённых"</dt>
                <dd>{s.shortened_days}</dd>
                <dt>"Выходных и праздничных"</dt>
                <dd>{off}</dd>
                <dt>"Норма часов (40-часовая неделя)"</dt>
                <dd data-testid="norm-hours">{s.norm_hours_40h}</dd>
                <dt>"Часов по расписанию учреждения"</dt>
                <dd>{schedule}</dd>
            </dl>
            {if s.has_data {
                view! { <p class="muted">"Официальные данные за год загружены; исправления этой системы учтены."</p> }.into_any()
            } else {
                view! {
                    <p class="notice warn">
                        "Официальных данных за этот год нет: учтены только выходные по расписанию. "
                        "Отметьте праздники, переносы и сокращённые дни по постановлению Правительства."
                    </p>
                }
                    .into_any()
            }}
        </section>
    }
}

#[component]
fn DayForm(set_day: ServerAction<AdminSetDay>, day: Memo<String>) -> impl IntoView {
    let min = format!("{FIRST_SUPPORTED_YEAR}-01-01");
    let max = format!("{LAST_SUPPORTED_YEAR}-12-31");
    view! {
        <section class="card" aria-labelledby="day-form-h">
            <h2 id="day-form-h">"Исправить день"</h2>
            <ActionForm action=set_day attr:class="form admin-form" attr:id="day-form" attr:data-testid="day-form">
                <LayerField />
                <label for="cd-date">"Дата"</label>
                <input id="cd-date" type="date" name="date" required min=min max=max value=move || day.get() prop:value=move || day.get() />
                <label for="cd-mark">"Каким будет день"</label>
                <select id="cd-mark" name="mark" required>
                    {MARKS
                        .into_iter()
                        .map(|(value, mark)| {
                            let label = match mark {
                                None => "как обычно (убрать исправление)",
                                m => mark_ru(m),
                            };
                            view! { <option value=value>{label}</option> }
                        })
                        .collect_view()}
                </select>
                <label for="cd-note">"Основание (необязательно)"</label>
                <input id="cd-note" name="note" maxlength="500" placeholder="постановление, распоряжение главы" autocomplete="off" />
                <Status outcome=outcome_of(set_day.value()) ok_text="Сохранено" />
                <button type="submit" class="button primary" disabled=move || set_day.pending().get()>"Сохранить"</button>
            </ActionForm>
            <p class="muted small">
                "Нажмите на день в календаре, чтобы выбрать его. «Как обычно» возвращает день к данным производственного календаря."
            </p>
        </section>
    }
}

#[component]
fn Legend() -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="legend-h">
            <h2 id="legend-h">"Обозначения"</h2>
            <ul class="cal-legend" data-testid="legend">
                {LEGEND
                    .into_iter()
                    .map(|k| view! { <li><span class=format!("swatch k-{k}") aria-hidden="true"></span>{legend_ru(k)}</li> })
                    .collect_view()}
                <li><span class="swatch corrected" aria-hidden="true"></span>"исправлено в этой системе"</li>
            </ul>
        </section>
    }
}

/// The weeks of `month` (1–12), Monday first; `None` pads the first and last week.
fn weeks(days: &[CalendarCell], month: u32) -> Vec<[Option<CalendarCell>; 7]> {
    let mut out: Vec<[Option<CalendarCell>; 7]> = Vec::new();
    let mut week: [Option<CalendarCell>; 7] = Default::default();
    for cell in days.iter().filter(|c| c.date.month() == month) {
        let col = cell.date.weekday().num_days_from_monday() as usize;
        if col == 0 && week.iter().any(Option::is_some) {
            out.push(std::mem::take(&mut week));
        }
        if let Some(slot) = week.get_mut(col) {
            *slot = Some(cell.clone());
        }
    }
    if week.iter().any(Option::is_some) {
        out.push(week);
    }
    out
}

#[component]
fn Months(y: CalendarYear) -> impl IntoView {
    let year = y.year;
    view! {
        <div class="cal-months" data-testid="months">
            {(1..=12u32)
                .map(|m| {
                    let name = MONTHS.get(m as usize - 1).copied().unwrap_or("");
                    let id = format!("month-{m}");
                    view! {
                        <section class="cal-month" aria-labelledby=id.clone()>
                            <h3 id=id.clone()>{name}</h3>
                            <table class="cal-grid">
                                <thead>
                                    <tr>
                                        {WEEKDAYS
                                            .into_iter()
                                            .map(|(short, full)| view! { <th scope="col"><abbr title=full>{short}</abbr></th> })
                                            .collect_view()}
                                    </tr>
                                </thead>
                                <tbody>
                                    {weeks(&y.days, m)
                                        .into_iter()
                                        .map(|week| view! {
                                            <tr>
                                                {week
                                                    .into_iter()
                                                    .map(|cell| match cell {
                                                        Some(c) => view! { <Day c year /> }.into_any(),
                                                        None => view! { <td></td> }.into_any(),
                                                    })
                                                    .collect_view()}
                                            </tr>
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                        </section>
                    }
                })
                .collect_view()}
        </div>
    }
}

#[component]
fn Day(c: CalendarCell, year: i32) -> impl IntoView {
    let legend = c.legend();
    let month = MONTHS_OF
        .get(c.date.month0() as usize)
        .copied()
        .unwrap_or("");
    let label = format!(
        "{} {month} {}: {}{}",
        c.date.day(),
        c.date.year(),
        c.legend_ru(),
        if c.corrected {
            ", исправлено"
        } else {
            ""
        }
    );
    let date = crate::domain::datefmt::iso_date(&c.date);
    let href = format!("/admin/calendar?year={year}&day={date}#day-form");
    view! {
        <td class=format!("day k-{legend}") class:corrected=c.corrected>
            <a
                href=href
                data-testid="day"
                data-date=date
                data-kind=legend
                data-corrected=c.corrected.to_string()
                aria-label=label.clone()
                title=label
            >
                {c.date.day()}
            </a>
        </td>
    }
}

#[component]
fn Corrections(y: CalendarYear) -> impl IntoView {
    if y.corrections.is_empty() {
        return view! {
            <section class="card" aria-labelledby="corrections-h">
                <h2 id="corrections-h">"Исправления этого года"</h2>
                <p class="muted">"Исправлений нет: действуют данные производственного календаря."</p>
            </section>
        }
        .into_any();
    }
    view! {
        <section class="card" aria-labelledby="corrections-h">
            <h2 id="corrections-h">"Исправления этого года"</h2>
            <table class="admin-table" data-testid="corrections">
                <thead>
                    <tr>
                        <th scope="col">"Дата"</th>
                        <th scope="col">"День"</th>
                        <th scope="col">"Основание"</th>
                        <th scope="col">"Кто и когда"</th>
                    </tr>
                </thead>
                <tbody>
                    {y.corrections
                        .into_iter()
                        .map(|c| view! {
                            <tr>
                                <td data-label="Дата">{crate::domain::datefmt::dmy(&c.date)}</td>
                                <td data-label="День">{match c.mark { None => "по дню недели", m => mark_ru(m) }}</td>
                                <td data-label="Основание">{if c.note.is_empty() { "—".to_owned() } else { c.note }}</td>
                                <td data-label="Кто и когда">
                                    {c.updated_by.unwrap_or_else(|| "—".into())} ", " {c.updated}
                                </td>
                            </tr>
                        })
                        .collect_view()}
                </tbody>
            </table>
        </section>
    }
    .into_any()
}
