//! Small pieces every message view shares: the network badge, the state badge, the first
//! line of a text.

use crate::domain::network::Network;
use crate::domain::workflow::MessageState;
use leptos::prelude::*;

/// A short badge for the network, with its full name for screen readers.
#[component]
pub fn NetworkBadge(network: Network) -> impl IntoView {
    let short = match network {
        Network::Vk => "ВК",
        Network::Ok => "ОК",
        Network::Telegram => "TG",
        Network::Max => "MAX",
        Network::Instagram => "IG",
        Network::Other => "•",
    };
    view! {
        <span class=format!("net net-{}", network.as_str()) title=network.label() role="img" aria-label=network.label()>
            {short}
        </span>
    }
}

/// The state in Russian, coloured by who acts next.
#[component]
pub fn StateBadge(state: MessageState) -> impl IntoView {
    view! {
        <span class=format!("state state-{}", state.as_str()) data-testid="state" data-state=state.as_str()>
            {state.label()}
        </span>
    }
}

/// The first line of `text`, at most `max` characters.
pub fn first_line(text: &str, max: usize) -> String {
    let line = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim();
    if line.chars().count() > max {
        let cut: String = line.chars().take(max).collect();
        format!("{}…", cut.trim_end())
    } else {
        line.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::first_line;

    #[test]
    fn first_line_skips_blank_lines_and_cuts_long_ones() {
        assert_eq!(
            first_line("\n  Яма у дома 5\nподробности", 80),
            "Яма у дома 5"
        );
        assert_eq!(first_line("Очень длинный текст", 5), "Очень…");
    }
}
