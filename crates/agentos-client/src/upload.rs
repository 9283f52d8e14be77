//! Form requests over `XMLHttpRequest`, for the one thing `fetch` cannot do:
//! report upload progress. Used for adding knowledge content (multipart
//! `POST` with a file) and for the form `PATCH` of a content.
//!
//! Like the `fetch` transport (`web`), the key is only ever sent in the
//! `Authorization: Bearer` header, never in the URL, and every failure is
//! classified into an [`ApiError`] the same way: non-2xx answers by status
//! and FastAPI `detail`, a network failure as unreachable or CORS (told
//! apart by the same `no-cors` probe), a cancel as [`ApiError::Aborted`].

use crate::error::ApiError;
use crate::web::Client;
use js_sys::{Function, Promise};
use serde_json::Value;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{FormData, ProgressEvent, XmlHttpRequest};

/// One form request; keep a clone to [`abort`](FormRequest::abort) it.
#[derive(Clone)]
pub struct FormRequest {
    xhr: XmlHttpRequest,
}

fn build_err(e: JsValue) -> ApiError {
    ApiError::Decode { what: "request".into(), detail: crate::web::js_error_text(e) }
}

impl FormRequest {
    pub fn new() -> Result<FormRequest, ApiError> {
        Ok(FormRequest { xhr: XmlHttpRequest::new().map_err(build_err)? })
    }

    /// Cancels the request; `send` then answers [`ApiError::Aborted`].
    pub fn abort(&self) {
        let _ = self.xhr.abort();
    }

    /// Sends `form` with `method` to `path` of `client`'s server. While the
    /// body is uploaded, `on_progress(loaded, total)` is called (`total` is
    /// `None` when the browser cannot tell). `timeout_ms` 0 means no limit.
    /// The answer is decoded as JSON (`null` when empty).
    pub async fn send(
        &self,
        client: &Client,
        method: &str,
        path: &str,
        form: &FormData,
        timeout_ms: u32,
        mut on_progress: impl FnMut(f64, Option<f64>) + 'static,
    ) -> Result<Value, ApiError> {
        let xhr = &self.xhr;
        crate::path::check(path)?;
        let url = client.url(path);
        xhr.open_with_async(method, &url, true).map_err(build_err)?;
        if let Some(auth) = client.bearer() {
            xhr.set_request_header("Authorization", &auth).map_err(build_err)?;
        }
        xhr.set_timeout(timeout_ms);

        // The promise resolves with how the request ended.
        let mut resolver: Option<Function> = None;
        let promise = Promise::new(&mut |resolve, _| resolver = Some(resolve));
        let resolve = resolver.expect("Promise runs its executor at once");
        let end = |how: &'static str| {
            let r = resolve.clone();
            Closure::<dyn FnMut()>::new(move || {
                let _ = r.call1(&JsValue::NULL, &JsValue::from_str(how));
            })
        };
        let (on_load, on_error, on_abort, on_timeout) = (end("load"), end("error"), end("abort"), end("timeout"));
        xhr.set_onload(Some(on_load.as_ref().unchecked_ref()));
        xhr.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        xhr.set_onabort(Some(on_abort.as_ref().unchecked_ref()));
        xhr.set_ontimeout(Some(on_timeout.as_ref().unchecked_ref()));
        let on_progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |ev: ProgressEvent| {
            let total = ev.length_computable().then(|| ev.total());
            on_progress(ev.loaded(), total);
        });
        let upload = xhr.upload().ok();
        if let Some(u) = &upload {
            u.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
        }

        let sent = xhr.send_with_opt_form_data(Some(form));
        let how = match sent {
            Ok(()) => JsFuture::from(promise).await.ok().and_then(|v| v.as_string()).unwrap_or_default(),
            Err(_) => "error".to_string(),
        };

        // The closures are dropped below: unhook them first.
        xhr.set_onload(None);
        xhr.set_onerror(None);
        xhr.set_onabort(None);
        xhr.set_ontimeout(None);
        if let Some(u) = &upload {
            u.set_onprogress(None);
        }
        drop((on_load, on_error, on_abort, on_timeout, on_progress));

        match how.as_str() {
            "load" => {}
            "abort" => return Err(ApiError::Aborted),
            "timeout" => return Err(ApiError::Unreachable { url: client.base_url().to_string(), timed_out: true }),
            _ => return Err(client.classify_network_error(&url, "").await),
        }
        // XMLHttpRequest cannot refuse a redirect (there is no `redirect:
        // "manual"`): it follows it. The Fetch standard, which Chromium
        // follows, drops the `Authorization` header when a redirect leads to
        // another origin, so the key does not go along; a same-origin
        // redirect keeps it, but stays on the same server. Still, an answer
        // from anywhere but this server is not this server's answer: say so.
        let final_url = xhr.response_url();
        if !final_url.is_empty() && final_url != url && !final_url.starts_with(&format!("{}/", client.base_url())) {
            return Err(ApiError::Redirected { url });
        }
        let status = xhr.status().unwrap_or(0);
        let body = xhr.response_text().ok().flatten().unwrap_or_default();
        if !(200..300).contains(&status) {
            return Err(ApiError::from_status(status, &body, client.has_key()));
        }
        if body.trim().is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_str(&body).map_err(|e| ApiError::Decode { what: path.to_string(), detail: e.to_string() })
    }
}

/// A `FormData` of text fields.
pub fn form_of(fields: &[(&str, String)]) -> Result<FormData, ApiError> {
    let form = FormData::new().map_err(build_err)?;
    for (k, v) in fields {
        form.append_with_str(k, v).map_err(build_err)?;
    }
    Ok(form)
}
