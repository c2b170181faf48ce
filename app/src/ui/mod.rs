//! The interface: the HTML shell, the router, the page layout, pages and components.

/// The signed-in user and the sign-in/sign-out actions, shared through context.
pub mod auth;
/// Small reusable components.
pub mod components;
/// Page data loaded on the server and hydrated in the browser.
pub mod data;
/// The answer draft kept in the browser's storage while it is typed.
pub mod draft_store;
/// The page frame: header with the product name, the user and role-dependent navigation.
pub mod layout;
/// The ticking clock and the calendar for countdowns.
pub mod live;
/// One file per route.
pub mod pages;
/// The pages loaded on demand (separate WASM chunks).
pub mod routes;
/// The live event stream: what changed elsewhere, alerts, the connection banner.
pub mod stream;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{FlatRoutes, Route, Router};
use leptos_router::path;
use leptos_router::{Lazy, SsrMode};

/// The HTML document around the app (server-rendered).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="ru">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                // Static head tags live here, outside the hydrated app: nothing in the
                // browser has to find and adopt them.
                <link rel="stylesheet" id="leptos" href="/pkg/otklik.css" />
                <link rel="icon" href="/favicon.ico" />
                <link rel="manifest" href="/manifest.webmanifest" />
                <meta name="theme-color" content="#1d4f91" />
                <AutoReload options=options.clone() />
                <HydrationLoader options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Starts the WASM once the page has loaded and been painted, when the browser is idle,
/// and without preloading it: the server-rendered page (countdowns included) is complete
/// without it, and the bundle must not compete with the HTML, the CSS or the first frame on
/// a slow phone: the download, compilation and hydration start once the first frame is on
/// screen. The first contentful paint is awaited through `PerformanceObserver`, with a
/// fallback for browsers without paint timing and for tabs that never paint (hidden).
/// Leptos' own `HydrationScripts` preloads the bundle in `<head>`; see docs/decisions.md.
#[component]
fn HydrationLoader(options: LeptosOptions) -> impl IntoView {
    let pkg = options.site_pkg_dir.to_string();
    let js = options.output_name.to_string();
    // cargo-leptos names the bundle after the output name; a plain wasm-bindgen build adds `_bg`.
    let wasm = match option_env!("LEPTOS_OUTPUT_NAME") {
        Some(_) => js.clone(),
        None => format!("{js}_bg"),
    };
    // `go` starts the WASM once both `load` and the first paint have happened; `load` and
    // `paint` each call it at most once, so it starts once.
    let script = format!(
        "(function(){{\
         let loaded=false,painted=false;\
         const start=function(){{import('/{pkg}/{js}.js').then(function(m){{\
         return m.default({{module_or_path:'/{pkg}/{wasm}.wasm'}}).then(function(){{m.hydrate();}});}});}};\
         const go=function(){{if(!loaded||!painted){{return;}}\
         if('requestIdleCallback' in window){{requestIdleCallback(start,{{timeout:500}});}}else{{setTimeout(start,0);}}}};\
         const paint=function(){{if(!painted){{painted=true;go();}}}};\
         try{{new PerformanceObserver(function(l){{if(l.getEntriesByName('first-contentful-paint').length){{paint();}}}})\
         .observe({{type:'paint',buffered:true}});}}catch(e){{painted=true;}}\
         setTimeout(paint,{FIRST_PAINT_WAIT_MS});\
         const load=function(){{loaded=true;go();}};\
         if(document.readyState==='complete'){{load();}}else{{addEventListener('load',load,{{once:true}});}}\
         }})();"
    );
    // The page's Content-Security-Policy allows inline scripts only with this response's
    // nonce (see server/src/security/headers.rs).
    view! { <script type="module" nonce=leptos::nonce::use_nonce() inner_html=script></script> }
}

/// How long the loader waits for the first contentful paint before it starts the WASM
/// anyway (a hidden tab does not paint).
const FIRST_PAINT_WAIT_MS: u32 = 2000;

/// The application: routes and the shared sign-in state.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    auth::provide_auth();
    live::provide_live();
    view! {
        <Title formatter=|page: String| {
            if page.is_empty() { "Отклик".to_owned() } else { format!("{page} — Отклик") }
        } />
        <Router>
            <a class="skip-link" href="#main">"Перейти к содержимому"</a>
            <layout::Header />
            <stream::ConnectionBanner />
            <main id="main" class="page" tabindex="-1">
                <FlatRoutes fallback=|| view! { <pages::not_found::NotFound /> }>
                    <Route path=path!("/login") view={Lazy::<routes::LoginRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/") view=pages::dashboard::DashboardPage ssr=SsrMode::Async />
                    <Route path=path!("/messages/new") view={Lazy::<routes::IntakeRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/import") view={Lazy::<routes::ImportRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/messages/:id") view={Lazy::<routes::MessageRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/approval") view={Lazy::<routes::ApprovalRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/alerts") view={Lazy::<routes::AlertsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/escalation") view={Lazy::<routes::EscalationRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/board") view={Lazy::<routes::BoardRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/reports") view={Lazy::<routes::ReportsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/my-figures") view={Lazy::<routes::MyFiguresRoute>::new()} ssr=SsrMode::Async />
                    // Administration: routes of pages::admin (keep them together).
                    <Route path=path!("/admin") view={Lazy::<routes::AdminHomeRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/admin/users") view={Lazy::<routes::AdminUsersRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/admin/calendar") view={Lazy::<routes::AdminCalendarRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/admin/settings") view={Lazy::<routes::AdminSettingsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/admin/tokens") view={Lazy::<routes::AdminTokensRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/admin/administrations") view={Lazy::<routes::AdminAdministrationsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/admin/mail") view={Lazy::<routes::AdminMailRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/admin/networks") view={Lazy::<routes::AdminNetworksRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/admin/topics") view={Lazy::<routes::AdminTopicsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/account/password") view={Lazy::<routes::PasswordRoute>::new()} ssr=SsrMode::Async />
                </FlatRoutes>
            </main>
        </Router>
    }
}
