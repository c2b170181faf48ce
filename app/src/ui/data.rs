//! Page data: resources loaded on the server, serialized into the page and read back by
//! the browser when it hydrates.
//!
//! Leptos' default resource codec reads that JSON with `serde_json::from_str`, while the
//! server functions read their responses with `serde_json::from_slice`: the WASM then
//! carries every DTO's deserializer twice (one per reader). [`Json`] reads from bytes as
//! the server functions do, so each type is deserialized by one copy of the code.

use leptos::prelude::*;
use leptos::server::codee::{Decoder, Encoder};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::future::Future;

/// JSON in the page, read with the same reader as server-function responses.
pub struct Json;

impl<T: Serialize> Encoder<T> for Json {
    type Error = serde_json::Error;
    type Encoded = String;

    fn encode(val: &T) -> Result<String, serde_json::Error> {
        serde_json::to_string(val)
    }
}

impl<T: DeserializeOwned> Decoder<T> for Json {
    type Error = serde_json::Error;
    type Encoded = str;

    fn decode(val: &str) -> Result<T, serde_json::Error> {
        serde_json::from_slice(val.as_bytes())
    }
}

/// A page's data (see the module's documentation).
pub type Data<T> = Resource<T, Json>;

/// Data whose bulk the page's markup already carries, such as server-rendered HTML put
/// in place with `inner_html`. Only [`InMarkup::for_page`] is serialized into the page:
/// when the browser hydrates, `inner_html` keeps the element the server filled, so the
/// bulk is sent once. A later fetch (a server function) carries all of it.
pub trait InMarkup {
    /// The value as the page serializes it: without what the markup already holds.
    fn for_page(&self) -> Self;
}

impl<T: InMarkup, E: Clone> InMarkup for Result<T, E> {
    fn for_page(&self) -> Self {
        self.as_ref().map(T::for_page).map_err(E::clone)
    }
}

impl InMarkup for crate::dto::Markup {
    fn for_page(&self) -> Self {
        Self::default()
    }
}

/// [`Json`] for [`InMarkup`] data: serializes only [`InMarkup::for_page`].
pub struct MarkupJson;

impl<T: Serialize + InMarkup> Encoder<T> for MarkupJson {
    type Error = serde_json::Error;
    type Encoded = String;

    fn encode(val: &T) -> Result<String, serde_json::Error> {
        serde_json::to_string(&val.for_page())
    }
}

/// Read back as [`Json`] reads (the same decoder code).
impl<T: DeserializeOwned> Decoder<T> for MarkupJson {
    type Error = serde_json::Error;
    type Encoded = str;

    fn decode(val: &str) -> Result<T, serde_json::Error> {
        <Json as Decoder<T>>::decode(val)
    }
}

/// Loads page data: `fetcher(source())` again whenever `source` changes. Blocking, so the
/// server sends the page once the data is in it (countdowns right on first paint).
#[track_caller]
pub fn load<T, S, Fut>(
    source: impl Fn() -> S + Send + Sync + 'static,
    fetcher: impl Fn(S) -> Fut + Send + Sync + 'static,
) -> Data<T>
where
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
    S: Send + Sync + Clone + PartialEq + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    Resource::new_with_options(source, fetcher, true)
}

/// [`load`] for [`InMarkup`] data: the page carries its bulk once, in the markup.
#[track_caller]
pub fn load_in_markup<T, S, Fut>(
    source: impl Fn() -> S + Send + Sync + 'static,
    fetcher: impl Fn(S) -> Fut + Send + Sync + 'static,
) -> Resource<T, MarkupJson>
where
    T: Serialize + DeserializeOwned + InMarkup + Send + Sync + 'static,
    S: Send + Sync + Clone + PartialEq + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    Resource::new_with_options(source, fetcher, true)
}
