//! `/admin/settings` — the deployment's settings, each group saved on its own: the weekly
//! schedule, deadline lengths (SPEC defaults shown), per-network answer limits (§11),
//! upload limits, answer templates. Bad input is refused by the server with a Russian
//! message that names the field; the form keeps what was typed.

use super::{
    layer_arg, outcome_of, use_layer_code, AdminOnly, Crumbs, LayerField, LayerPicker, Status,
};
use crate::api::admin::{
    admin_settings, AdminSaveDeadlines, AdminSaveNetworks, AdminSaveRating, AdminSaveSchedule,
    AdminSaveTemplates, AdminSaveUploads, DayHoursForm, NetworkSettings, SettingsPage as Settings,
    UploadsMb,
};
use crate::domain::calendar::Schedule;
use crate::domain::deadline::DeadlineSettings;
use crate::domain::network::AnswerTemplate;
use crate::domain::report::rating::{RatingMethod, FULL_MARKS_HOURS, MIN_MESSAGES};
use crate::ui::components::error_box::ErrorBox;
use chrono::Weekday;
use leptos::prelude::*;
use leptos_meta::Title;

/// Weekdays of the schedule form: (weekday, form key, Russian name).
const WEEK: [(Weekday, &str, &str); 7] = [
    (Weekday::Mon, "mon", "Понедельник"),
    (Weekday::Tue, "tue", "Вторник"),
    (Weekday::Wed, "wed", "Среда"),
    (Weekday::Thu, "thu", "Четверг"),
    (Weekday::Fri, "fri", "Пятница"),
    (Weekday::Sat, "sat", "Суббота"),
    (Weekday::Sun, "sun", "Воскресенье"),
];

/// The settings page.
#[component]
pub fn SettingsPage() -> impl IntoView {
    view! {
        <Title text="Настройки" />
        <Crumbs />
        <h1>"Настройки"</h1>
        <AdminOnly>
            {move || {
                let code = use_layer_code();
                let data = crate::ui::data::load(
                    move || code.get(),
                    |code| admin_settings(layer_arg(&code)),
                );
                view! {
                    <Suspense fallback=|| view! { <p>"Загрузка…"</p> }>
                        {move || Suspend::new(async move {
                            match data.await {
                                Ok(s) => view! { <Groups s /> }.into_any(),
                                Err(e) => view! { <ErrorBox message=e.to_string() /> }.into_any(),
                            }
                        })}
                    </Suspense>
                }
            }}
        </AdminOnly>
    }
}

#[component]
fn Groups(s: Settings) -> impl IntoView {
    // Upload limits and the rating are the region's alone.
    let regional = s.layer.current.is_none();
    view! {
        <LayerPicker info=s.layer.clone() />
        <nav class="toc" aria-label="Группы настроек">
            <a href="#schedule-h">"Расписание"</a>
            <a href="#deadlines-h">"Сроки"</a>
            <a href="#networks-h">"Соцсети"</a>
            <a href="#uploads-h">"Файлы"</a>
            <a href="#templates-h">"Шаблоны"</a>
            <a href="#rating-h">"Рейтинг"</a>
        </nav>
        <ScheduleGroup schedule=s.schedule />
        <DeadlinesGroup d=s.deadlines />
        <NetworksGroup networks=s.networks />
        {regional.then(|| view! { <UploadsGroup uploads=s.uploads /> })}
        <TemplatesGroup initial=s.templates />
        {regional.then(|| view! { <RatingGroup method=s.rating /> })}
    }
}

#[component]
fn ScheduleGroup(schedule: Schedule) -> impl IntoView {
    let save = ServerAction::<AdminSaveSchedule>::new();
    let tz = schedule.tz.name().to_owned();
    let weekend_as = schedule.working_weekend_as;
    view! {
        <section class="card" aria-labelledby="schedule-h">
            <h2 id="schedule-h">"Расписание рабочего времени"</h2>
            <p class="muted">
                "Пустые начало и конец — выходной. Обед не входит в рабочее время. "
                "В сокращённый предпраздничный день работа заканчивается на час раньше."
            </p>
            <ActionForm action=save attr:class="form admin-form" attr:data-testid="schedule-form">
                <LayerField />
                <div class="week-hours">
                    {WEEK
                        .into_iter()
                        .map(|(day, key, name)| {
                            let f = DayHoursForm::from_intervals(schedule.hours(day));
                            let field = move |part: &str, label: &'static str, value: String| {
                                let id = format!("sch-{key}-{part}");
                                view! {
                                    <label for=id.clone()>{label}</label>
                                    <input id=id type="time" step="60" name=format!("input[{key}][{part}]") value=value />
                                }
                            };
                            view! {
                                <fieldset class="day-hours" data-day=key>
                                    <legend>{name}</legend>
                                    <div class="pair">{field("start", "Начало", f.start)}</div>
                                    <div class="pair">{field("end", "Конец", f.end)}</div>
                                    <div class="pair">{field("lunch_start", "Обед с", f.lunch_start)}</div>
                                    <div class="pair">{field("lunch_end", "Обед до", f.lunch_end)}</div>
                                </fieldset>
                            }
                        })
                        .collect_view()}
                </div>
                <label for="sch-weekend-as">"Рабочая суббота (по переносу) работает по часам дня"</label>
                <select id="sch-weekend-as" name="input[weekend_as]">
                    {WEEK
                        .into_iter()
                        .map(|(day, key, name)| view! { <option value=key selected=day == weekend_as>{name}</option> })
                        .collect_view()}
                </select>
                <label for="sch-tz">"Часовой пояс (IANA)"</label>
                <input id="sch-tz" name="input[tz]" value=tz required autocomplete="off" autocapitalize="none" />
                <Status outcome=outcome_of(save.value()) ok_text="Сохранено" />
                <button type="submit" class="button primary" disabled=move || save.pending().get()>"Сохранить расписание"</button>
            </ActionForm>
        </section>
    }
}

/// A number field with a visible label and a described default.
#[component]
fn NumberField(
    id: String,
    name: String,
    label: String,
    value: u32,
    hint: String,
    #[prop(default = 1)] min: u32,
    max: u32,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input id=id type="number" inputmode="numeric" min=min max=max step="1" name=name value=value required aria-describedby=hint_id.clone() />
            <small id=hint_id class="muted">{hint}</small>
        </div>
    }
}

/// `N мин` or `N ч M мин` for a hint.
fn minutes_text(minutes: u32) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} мин"),
        (h, 0) => format!("{h} ч = {minutes} мин"),
        (h, m) => format!("{h} ч {m} мин = {minutes} мин"),
    }
}

#[component]
fn DeadlinesGroup(d: DeadlineSettings) -> impl IntoView {
    let save = ServerAction::<AdminSaveDeadlines>::new();
    let def = DeadlineSettings::default();
    let rows = [
        (
            "return_by",
            "Возврат в ОИВ (§5), минут",
            d.return_by,
            def.return_by,
            "от поступления",
        ),
        (
            "draft_by",
            "Проект ответа (§7), минут",
            d.draft_by,
            def.draft_by,
            "от выявления",
        ),
        (
            "answer_by",
            "Ответ размещён (§6), минут",
            d.answer_by,
            def.answer_by,
            "от выявления",
        ),
        (
            "answer_by_urgent",
            "Срочный ответ, минут",
            d.answer_by_urgent,
            def.answer_by_urgent,
            "для срочных сообщений",
        ),
        (
            "draft_by_urgent",
            "Проект срочного ответа, минут",
            d.draft_by_urgent,
            def.draft_by_urgent,
            "для срочных сообщений, от выявления",
        ),
        (
            "revision_by",
            "Доработка (§8), минут",
            d.revision_by,
            def.revision_by,
            "от возврата на доработку",
        ),
        (
            "publish_by",
            "Размещение (§9), минут",
            d.publish_by,
            def.publish_by,
            "от согласования",
        ),
    ];
    view! {
        <section class="card" aria-labelledby="deadlines-h">
            <h2 id="deadlines-h">"Сроки"</h2>
            <p class="muted">"Рабочее время по расписанию и производственному календарю."</p>
            <ActionForm action=save attr:class="form admin-form" attr:data-testid="deadlines-form">
                <LayerField />
                <div class="fields">
                    {rows
                        .into_iter()
                        .map(|(key, label, value, default, from)| view! {
                            <NumberField
                                id=format!("dl-{key}")
                                name=format!("input[{key}]")
                                label=label.to_owned()
                                value=value.as_minutes()
                                hint=format!("{from}; по умолчанию {}", minutes_text(default.as_minutes()))
                                max=10_000
                            />
                        })
                        .collect_view()}
                    <NumberField
                        id="dl-final_draft_days".to_owned()
                        name="input[final_draft_days]".to_owned()
                        label="Окончательный проект после промежуточного ответа (§10), рабочих дней".to_owned()
                        value=d.final_draft_working_days
                        hint=format!("до конца N-го рабочего дня; по умолчанию {}", def.final_draft_working_days)
                        max=60
                    />
                </div>
                <Status outcome=outcome_of(save.value()) ok_text="Сохранено" />
                <button type="submit" class="button primary" disabled=move || save.pending().get()>"Сохранить сроки"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn NetworksGroup(networks: Vec<NetworkSettings>) -> impl IntoView {
    let save = ServerAction::<AdminSaveNetworks>::new();
    view! {
        <section class="card" aria-labelledby="networks-h">
            <h2 id="networks-h">"Ограничения соцсетей (§11)"</h2>
            <ActionForm action=save attr:class="form admin-form" attr:data-testid="networks-form">
                <LayerField />
                <div class="networks">
                    {networks
                        .into_iter()
                        .map(|NetworkSettings { network: n, limit, hosts }| {
                            let key = n.as_str();
                            let def = n.default_limit();
                            let default_hosts = match n.default_link_hosts() {
                                [] => "любой адрес https".to_owned(),
                                list => list.join(", "),
                            };
                            view! {
                                <fieldset class="network" data-network=key>
                                    <legend>{n.label()}</legend>
                                    <NumberField
                                        id=format!("net-{key}-chars")
                                        name=format!("limits[{key}][max_chars]")
                                        label="Длина ответа, символов".to_owned()
                                        value=limit.max_chars
                                        hint=format!("по умолчанию {}", def.max_chars)
                                        max=100_000
                                    />
                                    <NumberField
                                        id=format!("net-{key}-media")
                                        name=format!("limits[{key}][max_media]")
                                        label="Фото и видео в ответе, не больше".to_owned()
                                        value=limit.max_media
                                        hint=format!("по умолчанию {}", def.max_media)
                                        max=50
                                        min=0
                                    />
                                    <div class="field">
                                        <label for=format!("net-{key}-caption")>"Подпись к фото и видео, символов"</label>
                                        <input
                                            id=format!("net-{key}-caption")
                                            type="number"
                                            inputmode="numeric"
                                            min="1"
                                            max="100000"
                                            name=format!("limits[{key}][caption_chars]")
                                            value=limit.max_caption_chars.map(|c| c.to_string()).unwrap_or_default()
                                            aria-describedby=format!("net-{key}-caption-hint")
                                        />
                                        <small id=format!("net-{key}-caption-hint") class="muted">
                                            {match def.max_caption_chars {
                                                Some(c) => format!("по умолчанию {c}"),
                                                None => "пусто — как длина ответа".to_owned(),
                                            }}
                                        </small>
                                    </div>
                                    <div class="field">
                                        <label for=format!("net-{key}-hosts")>"Ссылка на ответ: адреса сайтов"</label>
                                        <input
                                            id=format!("net-{key}-hosts")
                                            type="text"
                                            name=format!("limits[{key}][hosts]")
                                            value=hosts.join(", ")
                                            aria-describedby=format!("net-{key}-hosts-hint")
                                        />
                                        <small id=format!("net-{key}-hosts-hint") class="muted">
                                            "через запятую; пусто — любой адрес https; по умолчанию " {default_hosts}
                                        </small>
                                    </div>
                                </fieldset>
                            }
                        })
                        .collect_view()}
                </div>
                <Status outcome=outcome_of(save.value()) ok_text="Сохранено" />
                <button type="submit" class="button primary" disabled=move || save.pending().get()>"Сохранить ограничения"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn UploadsGroup(uploads: UploadsMb) -> impl IntoView {
    let save = ServerAction::<AdminSaveUploads>::new();
    view! {
        <section class="card" aria-labelledby="uploads-h">
            <h2 id="uploads-h">"Размер файлов"</h2>
            <ActionForm action=save attr:class="form admin-form" attr:data-testid="uploads-form">
                <div class="fields">
                    <NumberField
                        id="up-image".to_owned()
                        name="image_mb".to_owned()
                        label="Наибольшее фото, МБ".to_owned()
                        value=uploads.image_mb
                        hint="от 1 до 100; по умолчанию 10".to_owned()
                        max=100
                    />
                    <NumberField
                        id="up-video".to_owned()
                        name="video_mb".to_owned()
                        label="Наибольшее видео, МБ".to_owned()
                        value=uploads.video_mb
                        hint="от 1 до 1000; по умолчанию 100".to_owned()
                        max=1000
                    />
                </div>
                <Status outcome=outcome_of(save.value()) ok_text="Сохранено" />
                <button type="submit" class="button primary" disabled=move || save.pending().get()>"Сохранить размеры"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn RatingGroup(method: RatingMethod) -> impl IntoView {
    let save = ServerAction::<AdminSaveRating>::new();
    let (hours, messages) = (FULL_MARKS_HOURS, MIN_MESSAGES);
    view! {
        <section class="card" aria-labelledby="rating-h">
            <h2 id="rating-h">"Рейтинг отделов"</h2>
            <p class="muted">"Ежемесячный рейтинг в разделе «Отчёты»: метод описан под таблицей рейтинга."</p>
            <ActionForm action=save attr:class="form admin-form" attr:data-testid="rating-form">
                <div class="fields">
                    <NumberField
                        id="rating-hours".to_owned()
                        name="full_marks_hours".to_owned()
                        label="Полный балл за ответ в пределах, раб. ч".to_owned()
                        value=method.full_marks_hours
                        hint=format!("от {} до {}; по умолчанию 8", hours.start(), hours.end())
                        max=*hours.end()
                    />
                    <NumberField
                        id="rating-min".to_owned()
                        name="min_messages".to_owned()
                        label="Отдел в рейтинге не меньше чем с сообщениями".to_owned()
                        value=method.min_messages
                        hint=format!("от {} до {}; по умолчанию 2", messages.start(), messages.end())
                        max=*messages.end()
                    />
                </div>
                <Status outcome=outcome_of(save.value()) ok_text="Сохранено" />
                <button type="submit" class="button primary" disabled=move || save.pending().get()>"Сохранить метод"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn TemplatesGroup(initial: Vec<AnswerTemplate>) -> impl IntoView {
    let save = ServerAction::<AdminSaveTemplates>::new();
    // The rows shown: the last saved list (a failed save keeps what was typed).
    let rows = Memo::new(
        move |prev: Option<&Vec<AnswerTemplate>>| match save.value().get() {
            Some(Ok(list)) => list,
            _ => prev.cloned().unwrap_or_else(|| initial.clone()),
        },
    );
    view! {
        <section class="card" aria-labelledby="templates-h">
            <h2 id="templates-h">"Шаблоны ответов"</h2>
            <p class="muted">
                "В тексте можно использовать " <code>"{автор}"</code> " — имя автора сообщения и "
                <code>"{дата}"</code> " — сегодняшнюю дату (ДД.ММ.ГГГГ). Исполнитель выбирает шаблон в редакторе ответа."
            </p>
            <ActionForm action=save attr:class="form admin-form" attr:data-testid="templates-form">
                <LayerField />
                {move || {
                    let list = rows.get();
                    let new_index = list.len();
                    view! {
                        {list
                            .into_iter()
                            .enumerate()
                            .map(|(i, t)| view! { <TemplateRow i name=t.name text=t.text /> })
                            .collect_view()}
                        <TemplateRow i=new_index name=String::new() text=String::new() />
                    }
                }}
                <Status outcome=outcome_of(save.value()) ok_text="Сохранено" />
                <button type="submit" class="button primary" disabled=move || save.pending().get()>"Сохранить шаблоны"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn TemplateRow(i: usize, name: String, text: String) -> impl IntoView {
    let is_new = name.is_empty() && text.is_empty();
    let title = if is_new {
        "Новый шаблон".to_owned()
    } else {
        format!("Шаблон {}", i + 1)
    };
    let id = |part: &str| format!("tpl-{i}-{part}");
    view! {
        <fieldset class="template" data-testid="template-row">
            <legend>{title}</legend>
            <label for=id("name")>"Название"</label>
            <input id=id("name") name=format!("templates[{i}][name]") value=name maxlength="60" autocomplete="off" />
            <label for=id("text")>"Текст"</label>
            <textarea id=id("text") name=format!("templates[{i}][text]") rows="3" maxlength="4000">
                {crate::ui::components::text::textarea_text(&text)}
            </textarea>
            {(!is_new).then(|| view! {
                <label class="confirm" for=id("remove")>
                    <input id=id("remove") type="checkbox" name=format!("templates[{i}][remove]") value="on" />
                    " Удалить этот шаблон"
                </label>
            })}
        </fieldset>
    }
}
