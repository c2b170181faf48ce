//! The browser entry point: hydrates the server-rendered page with the `app` crate.

// The pages' view types are deeply nested generics; the release build's layout queries
// need more than the default depth of 128.
#![recursion_limit = "256"]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_lazy(app::ui::App);
}
