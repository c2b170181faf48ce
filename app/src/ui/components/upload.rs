//! Photo/video evidence for an answer (§11): upload with progress, thumbnails, Russian
//! errors from the server's content check; the uploaded files go with the draft as
//! `input[attachments][i]`.

use crate::domain::ids::MessageId;
use crate::dto::message::AttachmentDto;
use leptos::prelude::*;

/// The upload control and `files`, the files that will be attached to the draft (the
/// editor keeps them with its text).
#[component]
pub fn Uploader(message: MessageId, files: RwSignal<Vec<AttachmentDto>>) -> impl IntoView {
    let progress = RwSignal::new(None::<(String, u32)>);
    let error = RwSignal::new(None::<String>);
    let on_change = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        browser::upload_all(&ev, message, files, progress, error);
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, message);
    };
    view! {
        <div class="uploader">
            <label for="draft-files">"Фото и видео к ответу"</label>
            <input id="draft-files" type="file" accept="image/jpeg,image/png,image/gif,image/webp,video/mp4,video/quicktime,video/webm" multiple on:change=on_change />
            {move || progress.get().map(|(name, pct)| view! {
                <p class="progress" role="status">
                    <span>{format!("Загрузка «{name}»: {pct} %")}</span>
                    <progress max="100" value=pct></progress>
                </p>
            })}
            {move || error.get().map(|message| view! { <p class="error-box" role="alert">{message}</p> })}
            <ul class="thumbs" data-testid="attachments">
                {move || files.get().into_iter().enumerate().map(|(i, f)| {
                    let id = f.id;
                    let media = if f.mime.starts_with("video/") {
                        view! { <video src=f.url.clone() preload="metadata" muted></video> }.into_any()
                    } else {
                        view! { <img src=f.url.clone() alt=f.name.clone() loading="lazy" /> }.into_any()
                    };
                    view! {
                        <li>
                            {media}
                            <span class="thumb-name">{f.name.clone()}</span>
                            <input type="hidden" name=format!("input[attachments][{i}]") value=id />
                            <button type="button" class="button small secondary"
                                on:click=move |_| files.update(|v| v.retain(|x| x.id != id))>
                                "Убрать"
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </div>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    //! The XHR upload (fetch has no upload progress).
    use super::*;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    pub fn upload_all(
        ev: &leptos::ev::Event,
        message: MessageId,
        files: RwSignal<Vec<AttachmentDto>>,
        progress: RwSignal<Option<(String, u32)>>,
        error: RwSignal<Option<String>>,
    ) {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(list) = input.files() else { return };
        error.set(None);
        for i in 0..list.length() {
            if let Some(file) = list.get(i) {
                if upload(file, message, files, progress, error).is_err() {
                    error.set(Some("Не удалось начать загрузку".into()));
                }
            }
        }
        input.set_value("");
    }

    fn upload(
        file: web_sys::File,
        message: MessageId,
        files: RwSignal<Vec<AttachmentDto>>,
        progress: RwSignal<Option<(String, u32)>>,
        error: RwSignal<Option<String>>,
    ) -> Result<(), wasm_bindgen::JsValue> {
        let name = file.name();
        let xhr = web_sys::XmlHttpRequest::new()?;
        xhr.open("POST", &format!("/api/v1/messages/{message}/attachments"))?;
        let form = web_sys::FormData::new()?;
        form.append_with_blob_and_filename("file", &file, &name)?;
        let shown = name.clone();
        let on_progress =
            Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
                if e.length_computable() && e.total() > 0.0 {
                    let pct = (e.loaded() / e.total() * 100.0).round() as u32;
                    progress.set(Some((shown.clone(), pct.min(100))));
                }
            });
        xhr.upload()?
            .set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
        on_progress.forget();
        let done = xhr.clone();
        let on_load = Closure::once_into_js(move || {
            progress.set(None);
            let status = done.status().unwrap_or(0);
            let body = done.response_text().ok().flatten().unwrap_or_default();
            if status == 201 {
                match serde_json::from_str::<AttachmentDto>(&body) {
                    Ok(f) => files.update(|v| v.push(f)),
                    Err(_) => error.set(Some("Ответ сервера не понят".into())),
                }
            } else {
                let message = serde_json::from_str::<serde_json::Value>(&body)
                    .ok()
                    .and_then(|v| v["error"]["message"].as_str().map(str::to_owned))
                    .unwrap_or_else(|| format!("Файл «{name}» не загружен (код {status})"));
                error.set(Some(message));
            }
        });
        xhr.set_onload(Some(on_load.unchecked_ref()));
        let failed = Closure::once_into_js(move || {
            progress.set(None);
            error.set(Some("Нет связи с сервером: файл не загружен".into()));
        });
        xhr.set_onerror(Some(failed.unchecked_ref()));
        xhr.send_with_opt_form_data(Some(&form))
    }
}
