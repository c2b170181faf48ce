//! `/` — «Работа»: the active messages, most urgent first, with the live countdowns of the
//! current stage and of `answer_by`; filters and search in the address (a plain GET form,
//! so it works before the WASM arrives and links can be shared).

#[cfg(feature = "ssr")]
use crate::api::messages::{departments, executors};
use crate::domain::deadline::DeadlineRule;
use crate::domain::ids::MessageId;
use crate::domain::listing::Cursor;
use crate::domain::network::Network;
#[cfg(feature = "ssr")]
use crate::domain::{role::Role, workflow::MessageState};
use crate::dto::message::{DashboardRows, MessageDto, MessageFilter};
use crate::error::AppError;
use crate::ui::auth::use_auth;
use crate::ui::components::countdown::Countdown;
use crate::ui::components::error_box::ErrorBox;
use crate::ui::components::message_bits::{first_line, NetworkBadge, StateBadge};
use crate::ui::live::Clock;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The dashboard filter from the address's query.
fn filter_from_query(
    q: &leptos_router::params::ParamsMap,
    me: Option<crate::domain::ids::UserId>,
) -> MessageFilter {
    let get = |k: &str| q.get(k).filter(|v| !v.trim().is_empty());
    let flag = |k: &str| get(k).map(|v| v == "1" || v == "on" || v == "true");
    let status = get("status");
    let day = |k: &str| get(k).and_then(|v| crate::domain::datefmt::parse_iso_date(&v));
    let (from, to) = (day("from"), day("to"));
    let closed = flag("closed").filter(|c| *c);
    // A period shows every message of it, closed ones too.
    let every = get("all").is_some() || from.is_some() || to.is_some() || closed.is_some();
    MessageFilter {
        active: Some(status.is_none() && !every),
        status,
        assignee: if flag("mine") == Some(true) {
            me
        } else {
            get("assignee")
                .and_then(|v| v.parse().ok())
                .map(crate::domain::ids::UserId)
        },
        department: get("department")
            .and_then(|v| v.parse().ok())
            .map(crate::domain::ids::DepartmentId),
        network: get("network").and_then(|v| Network::from_name(&v)),
        topic: get("topic")
            .and_then(|v| v.parse().ok())
            .map(crate::domain::ids::TopicId),
        urgent: flag("urgent").filter(|u| *u),
        overdue: flag("overdue").filter(|u| *u),
        flagged: flag("flagged").filter(|u| *u),
        pressing: flag("pressing").filter(|u| *u),
        q: get("q"),
        limit: Some(PAGE),
        offset: None,
        cursor: get("after"),
        // A case is one row, its lead's, with its posts folded in.
        posts: Some(false),
        from,
        to,
        closed,
    }
}

/// Messages per page: the most pressing first, a page keeps hydration light on a phone.
pub const PAGE: u32 = 25;

/// The zero-based page number from `?page=` (for display; the page itself is `?after=`).
fn page(q: &leptos_router::params::ParamsMap) -> u32 {
    q.get("page").and_then(|v| v.parse().ok()).unwrap_or(0)
}

/// A page of the dashboard: its rows rendered by the server, with what tells whether an
/// event can change it.
#[server(prefix = "/serverfn", endpoint = "message_rows")]
pub async fn message_rows(filter: MessageFilter) -> Result<DashboardRows, AppError> {
    crate::api::ssr::finish(crate::api::messages::visible(&filter).await.map(|v| {
        let clock = Clock {
            base: v.now,
            cal: v.cal,
            due_soon_percent: v.due_soon_percent,
        };
        rows_html(v.page, clock)
    }))
}

/// Whether a change of message `id`, now at `sort_key`, can reach the page that starts
/// after `after` and shows `rows` (up to `next`, or to the end when it is the last page).
pub fn reaches_page(
    rows: &DashboardRows,
    after: Option<Cursor>,
    id: MessageId,
    sort_key: Option<i64>,
) -> bool {
    if rows.ids.contains(&id) {
        return true;
    }
    let Some(key) = sort_key else {
        return true;
    };
    let after_start = after.is_none_or(|c| c.precedes(key, id));
    let before_end = match rows.next.as_deref().and_then(|n| n.parse::<Cursor>().ok()) {
        Some(end) => !end.precedes(key, id),
        None => true,
    };
    after_start && before_end
}

/// The dashboard. The filters and the list render apart: the list re-reads in place
/// when another user's action arrives (the live event stream), the filters keep what the
/// user is typing. The list arrives as HTML rendered by the server ([`message_rows`]):
/// the browser puts it in place without hydrating its rows, and the page's ticker runs
/// its countdowns.
#[component]
pub fn DashboardPage() -> impl IntoView {
    let auth = use_auth();
    let query = use_query_map();
    // What the page shows, to tell which events concern it.
    let shown = StoredValue::new(None::<DashboardRows>);
    let reread = RwSignal::new(0u64);
    let fresh = RwSignal::new(0u32);
    let events = crate::ui::stream::use_live_events();
    Effect::new(move |prev: Option<(u64, u64)>| {
        let now = (events.changes.get(), events.resyncs.get());
        if let Some(prev) = prev {
            if now.1 != prev.1 {
                reread.update(|t| *t += 1);
            } else if now.0 != prev.0 {
                let after = query.with_untracked(|q| q.get("after").and_then(|c| c.parse().ok()));
                let hit = events.last.with_untracked(|n| {
                    n.as_ref().and_then(|n| {
                        shown.with_value(|rows| {
                            rows.as_ref().map(|rows| {
                                let reaches = reaches_page(rows, after, n.message_id, n.sort_key);
                                (reaches, n.action == "intake")
                            })
                        })
                    })
                });
                match hit {
                    // A new message would push the rows down: say so, let the user show it.
                    Some((true, true)) => fresh.update(|n| *n += 1),
                    Some((true, false)) | None => reread.update(|t| *t += 1),
                    Some((false, _)) => {}
                }
            }
        }
        now
    });
    let data = crate::ui::data::load_in_markup(
        move || (query.get(), reread.get()),
        move |(q, _)| async move {
            let me = auth.user.await.ok().flatten();
            let filter = filter_from_query(&q, me.as_ref().map(|u| u.id));
            message_rows(filter).await
        },
    );
    // The filter form comes rendered by the server with the address's values: a plain GET
    // form, which the browser only puts in place (no code for it in the first download).
    let location = leptos_router::hooks::use_location();
    let form = crate::ui::data::load_in_markup(
        || (),
        move |_| dashboard_filters(location.search.get_untracked()),
    );
    view! {
        <Title text="Работа" />
        <h1>"Работа"</h1>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let fields = form.await.map(|m| m.html).unwrap_or_default();
                let me = auth.user.await.ok().flatten().map(|u| u.id);
                view! {
                    <FilterFold>
                        <form method="get" action="/" class="filters" role="search" aria-label="Фильтры" inner_html=fields></form>
                        <ExportLinks me />
                    </FilterFold>
                }
            })}
        </Suspense>
        <Show when=move || { fresh.get() > 0 }>
            <div class="notice" role="status" data-testid="fresh">
                {move || format!("Новых сообщений: {}. ", fresh.get())}
                <button
                    type="button"
                    class="button small secondary"
                    on:click=move |_| {
                        fresh.set(0);
                        reread.update(|t| *t += 1);
                    }
                >
                    "Показать"
                </button>
            </div>
        </Show>
        <Transition fallback=|| view! { <p>"Загрузка…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(rows) => {
                        shown.set_value(Some(rows.clone()));
                        view! {
                            <Pager next=rows.next.clone() />
                            <div class="rows" inner_html=rows.html></div>
                        }
                            .into_any()
                    }
                    Err(e) => view! { <ErrorBox message=e.to_string() /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The page's serialized rows leave out their HTML: the markup has it (see
/// [`crate::ui::data::InMarkup`]), so the rows reach the browser once.
impl crate::ui::data::InMarkup for DashboardRows {
    fn for_page(&self) -> Self {
        DashboardRows {
            html: String::new(),
            next: self.next.clone(),
            ids: self.ids.clone(),
        }
    }
}

/// The rows of a dashboard page as HTML: [`MessageTable`] rendered by the server.
#[cfg(feature = "ssr")]
pub fn rows_html(page: crate::service::messages::query::Page, clock: Clock) -> DashboardRows {
    use leptos::tachys::view::RenderHtml;
    // A post's change reaches the page of its lead's row.
    let ids = page.items.iter().chain(&page.posts).map(|m| m.id).collect();
    let (list, posts) = (page.items, page.posts);
    let html = Owner::new().with(|| view! { <MessageTable list posts clock /> }.to_html());
    DashboardRows {
        html,
        next: page.next.map(|c| c.to_string()),
        ids,
    }
}

/// Query parameters that page or sort the list, not filter it.
const NOT_FILTERS: [&str; 3] = ["page", "after", "sort"];

/// How many filters the address sets: every query parameter with a value but paging and
/// sorting.
fn set_filters(q: &leptos_router::params::ParamsMap) -> usize {
    let mut keys: Vec<String> = q
        .into_iter()
        .filter(|(k, v)| !NOT_FILTERS.contains(&k.as_ref()) && !v.trim().is_empty())
        .map(|(k, _)| k.to_string())
        .collect();
    keys.sort();
    keys.dedup();
    keys.len()
}

/// «Фильтры», «Фильтры (2)».
fn filters_summary(set: usize) -> String {
    match set {
        0 => "Фильтры".to_owned(),
        n => format!("Фильтры ({n})"),
    }
}

/// The filters folded behind «Фильтры (n)» on a phone (a `<details>`: it works without
/// the WASM). On a wide screen the summary is hidden and the filters show: by the CSS
/// where the browser styles the fold's content (`::details-content`), and by opening the
/// fold once hydrated elsewhere.
#[component]
fn FilterFold(children: Children) -> impl IntoView {
    let query = use_query_map();
    let fold = NodeRef::<leptos::html::Details>::new();
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        let wide = web_sys::window()
            .and_then(|w| w.inner_width().ok())
            .and_then(|w| w.as_f64())
            .is_some_and(|w| w > 760.0);
        if let (true, Some(el)) = (wide, fold.get()) {
            let _ = el.set_attribute("open", "");
        }
    });
    view! {
        <details class="filters-fold" node_ref=fold data-testid="filters-fold">
            <summary data-testid="filters-summary">{move || query.with(|q| filters_summary(set_filters(q)))}</summary>
            {children()}
        </details>
    }
}

/// «Скачать: XLSX, CSV» — the list as shown, with its filters.
#[component]
fn ExportLinks(me: Option<crate::domain::ids::UserId>) -> impl IntoView {
    let query = use_query_map();
    let href = move |ext: &'static str| {
        query.with(|q| {
            format!(
                "/api/v1/messages.{ext}?{}",
                filter_from_query(q, me).to_query()
            )
        })
    };
    view! {
        <p class="export-links" data-testid="export-links">
            "Скачать список: "
            <a href=move || href("xlsx") download data-testid="export-xlsx">"XLSX"</a>
            ", "
            <a href=move || href("csv") download data-testid="export-csv">"CSV"</a>
        </p>
    }
}

/// The fields of the dashboard's filter form as HTML, with the values of the page's
/// address (`search`, its query string): rendered here so that the browser needs no code
/// for them (see [`DashboardPage`]).
#[server(prefix = "/serverfn", endpoint = "dashboard_filters")]
pub async fn dashboard_filters(search: String) -> Result<crate::dto::Markup, AppError> {
    use leptos::tachys::view::RenderHtml;
    let role = crate::api::ssr::signed_in(|_, caller| async move { Ok(caller.role) }).await?;
    let people = executors().await.unwrap_or_default();
    let units = departments().await.unwrap_or_default();
    let topics = crate::api::messages::topic_choices()
        .await
        .unwrap_or_default();
    let values: std::collections::HashMap<String, String> =
        url::form_urlencoded::parse(search.trim_start_matches('?').as_bytes())
            .into_owned()
            .collect();
    let html =
        Owner::new().with(|| view! { <FilterFields role people units topics values /> }.to_html());
    Ok(crate::dto::Markup { html })
}

#[cfg(feature = "ssr")]
#[component]
fn FilterFields(
    role: Role,
    people: Vec<crate::dto::message::ExecutorOption>,
    units: Vec<crate::dto::message::DepartmentRef>,
    topics: Vec<crate::dto::message::TopicDto>,
    values: std::collections::HashMap<String, String>,
) -> impl IntoView {
    let q = |k: &str| values.get(k).cloned().unwrap_or_default();
    let checked = |k: &str| !q(k).is_empty();
    view! {
            <label class="grow">
                <span>"Поиск"</span>
                <input type="search" name="q" value=q("q") placeholder="автор, текст, номер" />
            </label>
            <label>
                <span>"Состояние"</span>
                <select name="status">
                    <option value="">"Все активные"</option>
                    {MessageState::ALL
                        .into_iter()
                        .map(|s| view! { <option value=s.as_str() selected=q("status") == s.as_str()>{s.label()}</option> })
                        .collect_view()}
                </select>
            </label>
            <label>
                <span>"Сеть"</span>
                <select name="network">
                    <option value="">"Все"</option>
                    {Network::ALL
                        .into_iter()
                        .map(|n| view! { <option value=n.as_str() selected=q("network") == n.as_str()>{n.label()}</option> })
                        .collect_view()}
                </select>
            </label>
            {(!topics.is_empty()).then(|| view! {
                <label>
                    <span>"Тема"</span>
                    <select name="topic">
                        <option value="">"Все"</option>
                        {topics
                            .iter()
                            .map(|t| {
                                let id = t.id.0.to_string();
                                let selected = q("topic") == id;
                                view! { <option value=id selected=selected>{t.name.clone()}</option> }
                            })
                            .collect_view()}
                    </select>
                </label>
            })}
            {(role != Role::Executor).then(|| view! {
                <label>
                    <span>"Исполнитель"</span>
                    <select name="assignee">
                        <option value="">"Все"</option>
                        {people
                            .iter()
                            .map(|p| {
                                let id = p.id.0.to_string();
                                let selected = q("assignee") == id;
                                view! { <option value=id selected=selected>{p.name.clone()}</option> }
                            })
                            .collect_view()}
                    </select>
                </label>
            })}
            <label>
                <span>"Отдел"</span>
                <select name="department">
                    <option value="">"Все"</option>
                    {units
                        .iter()
                        .map(|u| {
                            let id = u.id.0.to_string();
                            let selected = q("department") == id;
                            view! { <option value=id selected=selected>{u.name.clone()}</option> }
                        })
                        .collect_view()}
                </select>
            </label>
            <fieldset class="period">
                <legend>"Период обнаружения"</legend>
                <label>
                    <span>"с"</span>
                    <input type="date" name="from" value=q("from") data-testid="filter-from" />
                </label>
                <label>
                    <span>"по"</span>
                    <input type="date" name="to" value=q("to") data-testid="filter-to" />
                </label>
                <label>
                    <input type="checkbox" name="closed" value="1" checked=checked("closed") data-testid="filter-closed" />
                    " закрытые за период"
                </label>
            </fieldset>
            <fieldset class="checks">
                <legend class="sr-only">"Отметки"</legend>
                {(role == Role::Executor).then(|| view! {
                    <label><input type="checkbox" name="mine" value="1" checked=checked("mine") />" Только мои"</label>
                })}
                <label><input type="checkbox" name="overdue" value="1" checked=checked("overdue") />" Просроченные"</label>
                <label><input type="checkbox" name="urgent" value="1" checked=checked("urgent") />" Срочные"</label>
                <label><input type="checkbox" name="flagged" value="1" checked=checked("flagged") />" §12"</label>
            </fieldset>
            <button type="submit" class="button primary">"Показать"</button>
    }
}

/// The running deadline of `rule`, if it has started and is not done.
fn running(m: &MessageDto, rule: DeadlineRule) -> Option<crate::dto::message::DeadlineDto> {
    m.deadlines
        .get(rule.as_str())
        .filter(|d| d.done_at.is_none())
        .cloned()
}

/// The messages as a table (cards on a phone), with live countdowns.
#[component]
pub fn MessageTable(
    list: Vec<MessageDto>,
    /// The posts of the cases whose leads are in `list`.
    #[prop(optional)]
    posts: Vec<MessageDto>,
    clock: Clock,
) -> impl IntoView {
    if list.is_empty() {
        return view! { <p class="empty" data-testid="empty">"Сообщений нет."</p> }.into_any();
    }
    view! {
        <table class="messages" data-testid="messages">
            <thead>
                <tr>
                    <th scope="col">"Сеть"</th>
                    <th scope="col">"Автор и текст"</th>
                    <th scope="col">"Состояние"</th>
                    <th scope="col">"Исполнитель"</th>
                    <th scope="col">"Этап"</th>
                    <th scope="col">"Ответ (9 ч)"</th>
                </tr>
            </thead>
            <tbody>
                {list
                    .into_iter()
                    .map(|m| {
                        // A case: its lead and posts; the most pressing of their deadlines.
                        let case: Vec<&MessageDto> = posts
                            .iter()
                            .filter(|p| p.case.as_ref().is_some_and(|c| c.lead == m.id))
                            .collect();
                        let stage = std::iter::once(&m)
                            .chain(case.iter().copied())
                            .filter_map(|x| x.status.stage_deadline().and_then(|r| running(x, r).map(|d| (r, d))))
                            .min_by_key(|(_, d)| d.due);
                        let answer = std::iter::once(&m)
                            .chain(case.iter().copied())
                            .filter_map(|x| running(x, DeadlineRule::AnswerBy))
                            .min_by_key(|d| d.due);
                        let mut networks = vec![m.network];
                        for p in &case {
                            if !networks.contains(&p.network) {
                                networks.push(p.network);
                            }
                        }
                        let folded = (!case.is_empty()).then(|| {
                            let count = case.len();
                            view! {
                                <details class="case-posts" data-testid="case-posts">
                                    <summary data-testid="case-size">{format!("+{count} {}", posts_word(count))}</summary>
                                    <ul>
                                        {case.iter().map(|p| view! {
                                            <li data-id=p.id.0>
                                                <NetworkBadge network=p.network />
                                                " " <a href=format!("/messages/{}", p.id)>"№" {p.id.0} " " {p.author.clone()}</a>
                                                " " <StateBadge state=p.status />
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                </details>
                            }
                        });
                        let href = format!("/messages/{}", m.id);
                        let clock2 = clock.clone();
                        let clock3 = clock.clone();
                        view! {
                            <tr data-testid="message-row" data-id=m.id.0 class:urgent=m.urgent>
                                <td data-label="Сеть">
                                    {networks.into_iter().map(|n| view! { <NetworkBadge network=n /> }).collect_view()}
                                </td>
                                <td data-label="Сообщение" class="msg-main">
                                    <a href=href class="msg-link">
                                        // On a phone the state shows here, on the author's line
                                        // (its own column is hidden there; style/main.css).
                                        <span class=format!("state state-{} state-inline", m.status.as_str())>{m.status.label()}</span>
                                        <strong>{m.author.clone()}</strong>
                                        {m.urgent.then(|| view! { <span class="tag urgent">"срочно"</span> })}
                                        {m.flags.is_flagged().then(|| view! { <span class="tag flag" title="Текст похож на §12">"§12"</span> })}
                                        <span class="first-line">{first_line(&m.text, 120)}</span>
                                    </a>
                                    {folded}
                                </td>
                                <td data-label="Состояние"><StateBadge state=m.status /></td>
                                <td data-label="Исполнитель">{m.assignee.as_ref().map(|a| a.name.clone()).unwrap_or_else(|| "—".into())}</td>
                                <td data-label="Этап">
                                    {match stage {
                                        Some((rule, d)) => view! {
                                            <span class="rule">{rule.label()}</span>
                                            <Countdown deadline=d rule clock=clock2 label=rule.label() />
                                        }.into_any(),
                                        None => view! { <span class="muted">"—"</span> }.into_any(),
                                    }}
                                </td>
                                <td data-label="Ответ">
                                    {match answer {
                                        Some(d) => view! { <Countdown deadline=d rule=DeadlineRule::AnswerBy clock=clock3 label="Ответ" /> }.into_any(),
                                        None => view! { <span class="muted">"—"</span> }.into_any(),
                                    }}
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// «пост», «поста» or «постов» after `n`.
fn posts_word(n: usize) -> &'static str {
    match (n % 10, n % 100) {
        (1, r) if r != 11 => "пост",
        (2..=4, r) if !(12..=14).contains(&r) => "поста",
        _ => "постов",
    }
}

/// Previous / next page links that keep the filters.
#[component]
fn Pager(next: Option<String>) -> impl IntoView {
    let query = use_query_map();
    let (current, first, next) = query.with_untracked(|q| {
        let current = page(q);
        let link = |extra: Option<(u32, &str)>| {
            let mut pairs: Vec<String> = q
                .clone()
                .into_iter()
                .filter(|(k, _)| k != "page" && k != "after")
                .map(|(k, v)| format!("{k}={}", urlencode(&v)))
                .collect();
            if let Some((n, after)) = extra {
                pairs.push(format!("after={}", urlencode(after)));
                pairs.push(format!("page={n}"));
            }
            if pairs.is_empty() {
                "/".to_owned()
            } else {
                format!("/?{}", pairs.join("&"))
            }
        };
        let first = (current > 0 || q.get("after").is_some()).then(|| link(None));
        let next = next.as_deref().map(|c| link(Some((current + 1, c))));
        (current, first, next)
    });
    (first.is_some() || next.is_some()).then(|| view! {
        <nav class="pager" aria-label="Страницы">
            {first.map(|href| view! { <a class="button secondary" href=href>"← В начало"</a> })}
            <span class="muted">{format!("Страница {}", current + 1)}</span>
            {next.map(|href| view! { <a class="button secondary" href=href data-testid="next-page">"Следующие →"</a> })}
        </nav>
    })
}

/// Percent-encoding of a query value.
fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fold_counts_the_filters_in_the_address() {
        let mut q = leptos_router::params::ParamsMap::new();
        assert_eq!(filters_summary(set_filters(&q)), "Фильтры");
        // An empty field of the submitted form is not a filter; paging is not either.
        for (k, v) in [
            ("q", ""),
            ("status", "in_work"),
            ("network", ""),
            ("overdue", "1"),
            ("after", "500.7"),
            ("page", "1"),
        ] {
            q.insert(k, v.to_owned());
        }
        assert_eq!(set_filters(&q), 2);
        q.insert("detected_from", "2026-03-01".to_owned());
        assert_eq!(filters_summary(set_filters(&q)), "Фильтры (3)");
    }

    #[test]
    fn a_case_counts_its_posts_in_russian() {
        let words: Vec<String> = [1, 2, 4, 5, 11, 12, 21, 22, 25]
            .into_iter()
            .map(|n| format!("+{n} {}", posts_word(n)))
            .collect();
        assert_eq!(
            words,
            [
                "+1 пост",
                "+2 поста",
                "+4 поста",
                "+5 постов",
                "+11 постов",
                "+12 постов",
                "+21 пост",
                "+22 поста",
                "+25 постов"
            ]
        );
    }

    fn page(ids: &[i64], next: Option<&str>) -> DashboardRows {
        DashboardRows {
            html: String::new(),
            next: next.map(str::to_owned),
            ids: ids.iter().copied().map(MessageId).collect(),
        }
    }

    #[test]
    fn an_event_reaches_a_page_only_when_it_can_change_it() {
        // The first page ends at the row with sort key 500, id 7.
        let first = page(&[9, 8, 7], Some("500.7"));
        let reach = |id: i64, key: Option<i64>| reaches_page(&first, None, MessageId(id), key);
        assert!(
            reach(8, Some(9_999)),
            "a row on the page, whatever its new key"
        );
        assert!(reach(42, Some(100)), "a message that moves onto the page");
        assert!(
            reach(42, Some(500)),
            "the same key, a newer id: before the last row"
        );
        assert!(
            !reach(3, Some(500)),
            "the same key, an older id: after the last row"
        );
        assert!(!reach(42, Some(501)), "after the page");
        assert!(reach(42, None), "unknown place: re-read to be safe");
        // The second page starts after 500.7 and is the last.
        let second = page(&[6, 5], None);
        let after = "500.7".parse().ok();
        assert!(!reaches_page(&second, after, MessageId(42), Some(100)));
        assert!(reaches_page(&second, after, MessageId(42), Some(700)));
    }
}
