//! The routes that are not on the first screen, loaded on demand.
//!
//! The browser bundle is split (`cargo leptos build --split`): the dashboard and the page
//! frame are in the first download; every other page (and the server
//! functions only it calls) is a separate WASM chunk fetched when the route is first
//! visited. On the server the pages render as before. See docs/decisions.md ("Pages").

use super::pages;
use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

/// A lazily loaded route showing one page component (which loads its own data).
macro_rules! lazy_page {
    ($($(#[$doc:meta])* $route:ident => $page:path;)*) => {$(
        $(#[$doc])*
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            fn view(this: Self) -> AnyView {
                let _ = this;
                $page().into_any()
            }
        }
    )*};
}

lazy_page! {
    /// `/login`
    LoginRoute => pages::login::LoginPage;
    /// `/messages/new`
    IntakeRoute => pages::intake::IntakePage;
    /// `/import`
    ImportRoute => pages::import::ImportPage;
    /// `/messages/:id`
    MessageRoute => pages::message::MessagePage;
    /// `/approval`
    ApprovalRoute => pages::approval::ApprovalPage;
    /// `/alerts`
    AlertsRoute => pages::alerts::AlertsPage;
    /// `/escalation`
    EscalationRoute => pages::escalation::EscalationPage;
    /// `/board`
    BoardRoute => pages::board::BoardPage;
    /// `/reports`
    ReportsRoute => pages::reports::ReportsPage;
    /// `/my-figures`
    MyFiguresRoute => pages::my_figures::MyFiguresPage;
    /// `/admin`
    AdminHomeRoute => pages::admin::AdminHome;
    /// `/admin/users`
    AdminUsersRoute => pages::admin::users::UsersPage;
    /// `/admin/calendar`
    AdminCalendarRoute => pages::admin::calendar::CalendarPage;
    /// `/admin/settings`
    AdminSettingsRoute => pages::admin::settings::SettingsPage;
    /// `/admin/tokens`
    AdminTokensRoute => pages::admin::tokens::TokensPage;
    /// `/admin/mail`
    AdminMailRoute => pages::admin::mail::MailSettingsPage;
    /// `/admin/networks`
    AdminNetworksRoute => pages::admin::networks::NetworksSettingsPage;
    /// `/admin/topics`
    AdminTopicsRoute => pages::admin::topics::TopicsPage;
    /// `/admin/administrations`
    AdminAdministrationsRoute => pages::admin::administrations::AdministrationsPage;
    /// `/account/password`
    PasswordRoute => pages::password::PasswordPage;
}
