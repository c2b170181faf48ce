//! `/admin/networks` — «Сети»: the networks answers are published to through their APIs
//! (VK, Telegram, MAX), per administration. A token is typed in and never shown again:
//! only «задан, …abcd». «Проверить» calls a harmless method and says what the network
//! answered.

use super::{
    layer_arg, outcome_of, use_layer_code, AdminOnly, Crumbs, LayerField, LayerPicker, Status,
};
use crate::api::admin::{
    admin_networks, AdminCheckNetwork, AdminConnectNetwork, AdminDisconnectNetwork,
};
use crate::domain::network::Network;
use crate::dto::networks::{ConnectionInfo, NetworksPage};
use crate::ui::components::error_box::ErrorBox;
use leptos::prelude::*;
use leptos_meta::Title;

/// The networks page.
#[component]
pub fn NetworksSettingsPage() -> impl IntoView {
    // Bumped by a card when it connects or disconnects: the page reads its list again.
    let changed = RwSignal::new(0_u64);
    let code = use_layer_code();
    let data = crate::ui::data::load(
        move || (changed.get(), code.get()),
        |(_, code)| admin_networks(layer_arg(&code)),
    );
    view! {
        <Title text="Сети" />
        <Crumbs />
        <h1>"Сети"</h1>
        <AdminOnly>
            <Transition fallback=|| view! { <p>"Загрузка…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(page) => view! { <Connections page changed /> }.into_any(),
                        Err(e) => view! { <ErrorBox message=e.to_string() /> }.into_any(),
                    }
                })}
            </Transition>
        </AdminOnly>
    }
}

#[component]
fn Connections(page: NetworksPage, changed: RwSignal<u64>) -> impl IntoView {
    let Some(list) = page.connections else {
        return view! {
            <LayerPicker info=page.layer />
            <p class="notice">"Сети подключаются для каждой администрации: выберите администрацию."</p>
        }
        .into_any();
    };
    let manual = [Network::Ok, Network::Instagram, Network::Other]
        .map(|n| n.label())
        .join(", ");
    view! {
        <LayerPicker info=page.layer />
        <p class="muted">
            "Одобренный ответ публикуется прямо из Отклика: комментарием сообщества во ВКонтакте, "
            "ответом бота в группе обсуждения канала Telegram, ответом бота в MAX. "
            "Токен хранится только на сервере; на странице видны лишь его последние 4 символа."
        </p>
        {[Network::Vk, Network::Telegram, Network::Max].into_iter().map(|n| {
            let current = list.iter().find(|c| c.network == n).cloned();
            view! { <NetworkCard network=n current changed /> }
        }).collect_view()}
        <section class="card">
            <h2>{manual}</h2>
            <p class="muted" data-testid="manual-networks">
                "Открытого API для ответа на комментарий у этих сетей нет: ответ публикуется вручную, "
                "ссылка вносится в сообщение."
            </p>
        </section>
    }
    .into_any()
}

#[component]
fn NetworkCard(
    network: Network,
    current: Option<ConnectionInfo>,
    changed: RwSignal<u64>,
) -> impl IntoView {
    let connect = ServerAction::<AdminConnectNetwork>::new();
    let disconnect = ServerAction::<AdminDisconnectNetwork>::new();
    let check = ServerAction::<AdminCheckNetwork>::new();
    Effect::new(move |_| {
        let saved = connect.value().with(|v| matches!(v, Some(Ok(()))));
        let removed = disconnect.value().with(|v| matches!(v, Some(Ok(()))));
        if saved || removed {
            changed.update(|c| *c += 1);
        }
    });
    let name = network.as_str();
    let heading = format!("{name}-h");
    let labelled = heading.clone();
    let connected = current.is_some();
    let summary = match &current {
        Some(c) => {
            let mut s = format!("Подключено: токен {}", c.token);
            if let Some(g) = &c.group_id {
                s.push_str(&format!(", сообщество {g}"));
            }
            if !c.chat_map.is_empty() {
                let pairs: Vec<String> = c
                    .chat_map
                    .iter()
                    .map(|(k, v)| format!("{k} → {v}"))
                    .collect();
                s.push_str(&format!(", группы обсуждения: {}", pairs.join("; ")));
            }
            s
        }
        None => "Не подключено".to_owned(),
    };
    let chat_map = current
        .as_ref()
        .map(|c| {
            c.chat_map
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default();
    let group = current
        .as_ref()
        .and_then(|c| c.group_id.clone())
        .unwrap_or_default();
    let checked = move || {
        check.value().get().map(|r| match r {
            Ok(t) => (false, t),
            Err(e) => (true, e.to_string()),
        })
    };
    view! {
        <section class="card" aria-labelledby=labelled data-testid=format!("network-{name}")>
            <h2 id=heading>{network.label()}</h2>
            <p data-testid="connection-status">{summary}</p>
            <ActionForm action=connect attr:class="form admin-form">
                <LayerField />
                <input type="hidden" name="input[network]" value=name />
                <div class="field">
                    <label for=format!("{name}-token")>{if network == Network::Vk { "Ключ доступа сообщества" } else { "Токен бота" }}</label>
                    <input id=format!("{name}-token") name="input[token]" type="password" autocomplete="off" required
                        placeholder=if connected { "задан — введите новый, чтобы заменить" } else { "" } />
                </div>
                {(network == Network::Vk).then(|| view! {
                    <div class="field">
                        <label for="vk-group">"Идентификатор сообщества"</label>
                        <input id="vk-group" name="input[group_id]" value=group.clone() inputmode="numeric" required placeholder="123456" />
                    </div>
                })}
                {(network == Network::Telegram).then(|| view! {
                    <div class="field">
                        <label for="tg-map">"Каналы и их группы обсуждения: КАНАЛ=ID_ГРУППЫ, по одному в строке"</label>
                        <textarea id="tg-map" name="input[chat_map]" rows="3" placeholder="luga_news=-1001234567890">{chat_map.clone()}</textarea>
                    </div>
                })}
                <Status outcome=outcome_of(connect.value()) ok_text="Сохранено" />
                <Status outcome=outcome_of(disconnect.value()) ok_text="Отключено" />
                <button type="submit" class="button primary">{if connected { "Заменить" } else { "Подключить" }}</button>
            </ActionForm>
            {connected.then(|| view! {
                <div class="row-actions">
                    <ActionForm action=check attr:class="inline">
                        <LayerField />
                        <input type="hidden" name="network" value=name />
                        <button type="submit" class="button secondary" data-testid="check">"Проверить"</button>
                    </ActionForm>
                    <ActionForm action=disconnect attr:class="inline">
                        <LayerField />
                        <input type="hidden" name="network" value=name />
                        <button type="submit" class="button danger">"Отключить"</button>
                    </ActionForm>
                </div>
                {move || {
                    checked().map(|(bad, text)| view! {
                        <p class=if bad { "notice warn" } else { "notice ok" } role="status" data-testid="check-result">{text}</p>
                    })
                }}
            })}
        </section>
    }
}
