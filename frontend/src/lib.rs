//! The browser entry point: hydrates the server-rendered page with the `app` crate.

// The pages' view types are deeply nested generics; the release build's layout queries
// need more than the default depth of 128.
#![recursion_limit = "256"]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // `hydrate_lazy`, awaited here so that the page is marked once every lazily loaded
    // route on it has been hydrated too (browser tests wait for the mark).
    wasm_bindgen_futures::spawn_local(async {
        let body = leptos::prelude::document().body();
        if let Some(body) = body {
            let owner = leptos::mount::hydrate_from_async(body.clone(), app::ui::App).await;
            owner.forget();
            let _ = body.set_attribute("data-hydrated", "");
            // The same moment on the performance timeline: the browser test of the first
            // load tells which files were fetched before it.
            if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
                let _ = performance.mark("otklik-hydrated");
            }
        }
    });
}
