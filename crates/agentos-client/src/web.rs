//! The browser transport: HTTP over `fetch` (gloo-net) and streamed bodies
//! read from the response's `ReadableStream`.
//!
//! The key is only ever sent in the `Authorization` header; it is never put
//! in a URL and never logged. A [`Client`] holds the key of its own server
//! only (the app stores keys per server), refuses a key a header cannot
//! carry, and sends keyed requests with `redirect: "manual"`: a redirect is
//! reported as [`ApiError::Redirected`] instead of being followed, so the
//! key never travels on to another address.

use crate::config::*;
use crate::error::{normalize_base_url, ApiError};
use gloo_net::http::{Method, Request, RequestBuilder, Response};
use js_sys::{Promise, Reflect, Uint8Array};
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
// `RequestRedirect` and `ResponseType` are web-sys features gloo-net's `http`
// feature already turns on.
use web_sys::{AbortController, FormData, ReadableStreamDefaultReader, RequestMode, RequestRedirect, ResponseType};

/// How long a plain (non-streaming) request may take before it is reported
/// as unreachable.
pub const REQUEST_TIMEOUT_MS: i32 = 20_000;

/// Resolves after `ms` milliseconds (a `setTimeout` promise).
pub async fn sleep(ms: i32) {
    let promise = Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// The page's own origin, e.g. `http://127.0.0.1:8080`.
pub fn page_origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// A connection to one AgentOS: its base URL and optional security key.
#[derive(Clone, PartialEq)]
pub struct Client {
    base: String,
    key: Option<String>,
}

impl std::fmt::Debug for Client {
    // Never print the key.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base)
            .field("key", &self.key.as_ref().map(|_| "<set>"))
            .finish()
    }
}

impl Client {
    /// `base` is normalized (scheme added, trailing slash removed). `key`
    /// must be the key entered for this server; one a header cannot carry
    /// is refused ([`ApiError::InvalidKey`]) before anything is sent.
    pub fn new(base: &str, key: Option<String>) -> Result<Self, ApiError> {
        let key = key.filter(|k| !k.trim().is_empty()).map(|k| k.trim().to_string());
        if let Some(k) = &key {
            crate::error::validate_key(k)?;
        }
        Ok(Self { base: normalize_base_url(base)?, key })
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    pub fn has_key(&self) -> bool {
        self.key.is_some()
    }

    /// The `Authorization` header value, for the XMLHttpRequest transport
    /// (`upload`). Never logged.
    pub(crate) fn bearer(&self) -> Option<String> {
        self.key.as_ref().map(|k| format!("Bearer {k}"))
    }

    /// The key, for the `authenticate` action inside this client's own
    /// `/workflows/ws` socket (empty without a key). Never logged.
    pub fn socket_token(&self) -> String {
        self.key.clone().unwrap_or_default()
    }

    /// The full URL of an API path (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A request to `path`, refused when a segment is not a valid id
    /// (see [`crate::path::check`]).
    fn builder(&self, method: Method, path: &str) -> Result<RequestBuilder, ApiError> {
        crate::path::check(path)?;
        let b = RequestBuilder::new(&self.url(path)).method(method);
        Ok(match &self.key {
            // A keyed request never follows a redirect: the browser would
            // resend it (same-origin, with the key) to wherever the answer
            // points. `manual` gives an `opaqueredirect` response instead.
            Some(k) => b.header("Authorization", &format!("Bearer {k}")).redirect(RequestRedirect::Manual),
            None => b,
        })
    }

    /// Sends a request with a timeout and classifies every failure.
    async fn send(&self, req: Request, timeout_ms: Option<i32>) -> Result<Response, ApiError> {
        let url = req.url();
        let fut = req.send();
        let result = match timeout_ms {
            None => fut.await,
            Some(ms) => {
                use futures::future::{select, Either};
                let fut = Box::pin(fut);
                let timer = Box::pin(sleep(ms));
                match select(fut, timer).await {
                    Either::Left((r, _)) => r,
                    Either::Right(_) => {
                        return Err(ApiError::Unreachable { url: self.base.clone(), timed_out: true })
                    }
                }
            }
        };
        match result {
            Ok(resp) if resp.type_() == ResponseType::Opaqueredirect => Err(ApiError::Redirected { url }),
            Ok(resp) => Ok(resp),
            Err(err) => Err(self.classify_network_error(&url, &err.to_string()).await),
        }
    }

    /// A rejected `fetch` is either "nothing there" or "CORS refused"; a
    /// `no-cors` probe of the same server tells which.
    pub(crate) async fn classify_network_error(&self, _url: &str, message: &str) -> ApiError {
        if message.contains("AbortError") || message.contains("aborted") {
            return ApiError::Aborted;
        }
        let probe = Request::get(&self.url("/health")).mode(RequestMode::NoCors).build();
        let reachable = match probe {
            Ok(p) => {
                use futures::future::{select, Either};
                match select(Box::pin(p.send()), Box::pin(sleep(5_000))).await {
                    Either::Left((r, _)) => r.is_ok(),
                    Either::Right(_) => false,
                }
            }
            Err(_) => false,
        };
        if reachable {
            ApiError::Cors { url: self.base.clone(), origin: page_origin() }
        } else {
            ApiError::Unreachable { url: self.base.clone(), timed_out: false }
        }
    }

    /// Turns a non-2xx response into an [`ApiError`].
    async fn check(&self, resp: Response) -> Result<Response, ApiError> {
        if resp.ok() {
            return Ok(resp);
        }
        let status = resp.status();
        let body = resp.text().await.unwrap_or_default();
        Err(ApiError::from_status(status, &body, self.has_key()))
    }

    async fn decode<T: DeserializeOwned>(resp: Response, what: &str) -> Result<T, ApiError> {
        let text = resp.text().await.map_err(|e| ApiError::Decode {
            what: what.to_string(),
            detail: e.to_string(),
        })?;
        serde_json::from_str(&text).map_err(|e| ApiError::Decode {
            what: what.to_string(),
            detail: e.to_string(),
        })
    }

    /// `GET path` decoded as JSON.
    pub async fn get_json<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiError> {
        self.get_json_with(path, None).await
    }

    /// [`get_json`](Self::get_json), reading `early` when given: the answer to this very
    /// `GET {base}{path}` without a key or any header, started before the app ran
    /// (src/boot.js). The caller passes one only when this client has no key either.
    pub async fn get_json_from<T: DeserializeOwned>(&self, path: &str, early: Option<web_sys::Response>) -> Result<T, ApiError> {
        Self::decode(self.get_ok(path, early, None).await?, path).await
    }

    /// The successful answer to `GET path` (`early` when given, see
    /// [`get_json_from`](Self::get_json_from)); the part of the JSON getters that does not
    /// depend on the type read, so it is in the wasm once.
    async fn get_ok(&self, path: &str, early: Option<web_sys::Response>, abort: Option<&AbortController>) -> Result<Response, ApiError> {
        let resp = match early {
            Some(r) => Response::from(r),
            None => {
                let signal = abort.map(|a| a.signal());
                let req = self.builder(Method::GET, path)?.abort_signal(signal.as_ref()).build().map_err(build_err)?;
                self.send(req, Some(REQUEST_TIMEOUT_MS)).await?
            }
        };
        self.check(resp).await
    }

    /// `GET path` decoded as JSON; `abort` cancels it (the request ends with
    /// [`ApiError::Aborted`]). The app's loader aborts a request that a newer
    /// one overtook or whose page went away.
    pub async fn get_json_with<T: DeserializeOwned>(
        &self,
        path: &str,
        abort: Option<&AbortController>,
    ) -> Result<T, ApiError> {
        Self::decode(self.get_ok(path, None, abort).await?, path).await
    }

    /// `GET path` as a `Blob` (stored media, `GET /sessions/{id}/media/{key}`),
    /// sent like every request (the key as a header, never in the URL); a body
    /// over `max` bytes (by its `Content-Length`, then its size) is refused.
    pub async fn get_blob(&self, path: &str, max: u64) -> Result<web_sys::Blob, ApiError> {
        let req = self.builder(Method::GET, path)?.build().map_err(build_err)?;
        let resp = self.check(self.send(req, Some(REQUEST_TIMEOUT_MS)).await?).await?;
        let too_large = || ApiError::Decode { what: path.to_string(), detail: "too large to show".into() };
        let declared = resp.headers().get("content-length").and_then(|l| l.trim().parse::<u64>().ok());
        if declared.is_some_and(|l| l > max) {
            return Err(too_large());
        }
        let bytes = resp.binary().await.map_err(|e| ApiError::Decode { what: path.to_string(), detail: e.to_string() })?;
        if bytes.len() as u64 > max {
            return Err(too_large());
        }
        let parts = js_sys::Array::of1(&Uint8Array::from(bytes.as_slice()));
        let blob = web_sys::Blob::new_with_u8_array_sequence(&parts)
            .map_err(|e| ApiError::Decode { what: path.to_string(), detail: js_error_text(e) })?;
        Ok(blob)
    }

    /// A request with a JSON body; the answer decoded as JSON (or `null`
    /// for an empty body such as a 204).
    pub async fn send_json<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: &serde_json::Value,
    ) -> Result<T, ApiError> {
        let req = self
            .builder(method, path)?
            .header("Content-Type", "application/json")
            .body(body.to_string())
            .map_err(build_err)?;
        let resp = self.check(self.send(req, Some(REQUEST_TIMEOUT_MS)).await?).await?;
        decode_maybe_empty(resp, path).await
    }

    /// A request without a body (DELETE, a POST action); the answer decoded
    /// as JSON, `null` when empty.
    pub async fn send_empty<T: DeserializeOwned>(&self, method: Method, path: &str) -> Result<T, ApiError> {
        let req = self.builder(method, path)?.build().map_err(build_err)?;
        let resp = self.check(self.send(req, Some(REQUEST_TIMEOUT_MS)).await?).await?;
        decode_maybe_empty(resp, path).await
    }

    /// A form post (runs take form bodies). Returns the raw response, so the
    /// caller can stream it. `abort` cancels it, also while streaming.
    pub async fn post_form(
        &self,
        path: &str,
        form: &FormData,
        abort: Option<&AbortController>,
    ) -> Result<Response, ApiError> {
        let signal = abort.map(|a| a.signal());
        let req = self
            .builder(Method::POST, path)?
            .abort_signal(signal.as_ref())
            .body(JsValue::from(form.clone()))
            .map_err(build_err)?;
        self.check(self.send(req, None).await?).await
    }

    /// Checks that the URL is an AgentOS and returns its `/info`.
    /// `/health` and `/info` are open even when a key is required, so this
    /// step tells "not an AgentOS" from "wrong key".
    pub async fn probe(&self) -> Result<OsInfo, ApiError> {
        self.probe_health().await?;
        self.probe_info().await
    }

    /// The first step of [`probe`](Self::probe): `/health` (sent without the
    /// key, so no CORS preflight) answers like an AgentOS.
    pub async fn probe_health(&self) -> Result<(), ApiError> {
        self.probe_health_from(None).await
    }

    /// [`probe_health`](Self::probe_health), reading `early` when given: the
    /// answer to this very `GET {base}/health` (no key, no header), started
    /// before the app ran (src/boot.js).
    pub async fn probe_health_from(&self, early: Option<web_sys::Response>) -> Result<(), ApiError> {
        let resp = match early {
            Some(r) => Response::from(r),
            None => {
                let req = Request::get(&self.url("/health")).build().map_err(build_err)?;
                self.send(req, Some(REQUEST_TIMEOUT_MS)).await?
            }
        };
        let status = resp.status();
        let body = resp.text().await.unwrap_or_default();
        if status >= 500 {
            return Err(ApiError::from_status(status, &body, self.has_key()));
        }
        if status != 200 {
            return Err(self.not_os(&format!("/health answered HTTP {status}")));
        }
        let health: serde_json::Value =
            serde_json::from_str(&body).map_err(|_| self.not_os("/health did not answer JSON"))?;
        if health.get("status").is_none() {
            return Err(self.not_os("/health has no status"));
        }
        Ok(())
    }

    /// The second step of [`probe`](Self::probe): `/info`, checked to be an
    /// AgentOS's. Safe to start together with the requests that follow it.
    pub async fn probe_info(&self) -> Result<OsInfo, ApiError> {
        self.probe_info_from(None).await
    }

    /// [`probe_info`](Self::probe_info), reading `early` when given (see
    /// [`probe_health_from`](Self::probe_health_from)).
    pub async fn probe_info_from(&self, early: Option<web_sys::Response>) -> Result<OsInfo, ApiError> {
        let resp = match early {
            Some(r) => Response::from(r),
            None => {
                let req = Request::get(&self.url("/info")).build().map_err(build_err)?;
                self.send(req, Some(REQUEST_TIMEOUT_MS)).await?
            }
        };
        let status = resp.status();
        let body = resp.text().await.unwrap_or_default();
        if status >= 500 {
            return Err(ApiError::from_status(status, &body, self.has_key()));
        }
        if status == 401 {
            // Some deployments protect /info too.
            return Err(ApiError::from_status(status, &body, self.has_key()));
        }
        if status != 200 {
            return Err(self.not_os(&format!("/info answered HTTP {status}")));
        }
        let info: OsInfo = serde_json::from_str(&body).map_err(|_| self.not_os("/info is not AgentOS JSON"))?;
        if info.os_id.is_none() && info.agno_version.is_none() {
            return Err(self.not_os("/info has no os_id"));
        }
        Ok(info)
    }

    fn not_os(&self, reason: &str) -> ApiError {
        ApiError::NotAgentOs { url: self.base.clone(), reason: reason.into() }
    }

    /// `GET /health` only: a cheap periodic liveness check.
    pub async fn health(&self) -> Result<Health, ApiError> {
        self.get_json("/health").await
    }

    pub async fn config(&self) -> Result<OsConfig, ApiError> {
        self.get_json("/config").await
    }
    pub async fn agent(&self, id: &str) -> Result<AgentDetail, ApiError> {
        self.get_json(&format!("/agents/{}", crate::path::encode(id))).await
    }
    pub async fn team(&self, id: &str) -> Result<TeamDetail, ApiError> {
        self.get_json(&format!("/teams/{}", crate::path::encode(id))).await
    }
    pub async fn workflow(&self, id: &str) -> Result<WorkflowDetail, ApiError> {
        self.get_json(&format!("/workflows/{}", crate::path::encode(id))).await
    }
}

async fn decode_maybe_empty<T: DeserializeOwned>(resp: Response, what: &str) -> Result<T, ApiError> {
    let text = resp.text().await.unwrap_or_default();
    let text = if text.trim().is_empty() { "null" } else { text.as_str() };
    serde_json::from_str(text).map_err(|e| ApiError::Decode { what: what.to_string(), detail: e.to_string() })
}

fn build_err(e: gloo_net::Error) -> ApiError {
    ApiError::Decode { what: "request".into(), detail: e.to_string() }
}


/// Reads a response body chunk by chunk.
pub struct BodyReader {
    reader: ReadableStreamDefaultReader,
}

impl BodyReader {
    pub fn new(resp: &Response) -> Result<Self, ApiError> {
        let stream = resp.body().ok_or_else(|| ApiError::Decode {
            what: "stream".into(),
            detail: "the response has no body".into(),
        })?;
        let reader = stream
            .get_reader()
            .dyn_into::<ReadableStreamDefaultReader>()
            .map_err(|_| ApiError::Decode { what: "stream".into(), detail: "no stream reader".into() })?;
        Ok(Self { reader })
    }

    /// The next chunk, `Ok(None)` at the end, `Err` when the connection
    /// broke (or was aborted) mid-stream.
    pub async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, String> {
        let result = JsFuture::from(self.reader.read()).await.map_err(js_error_text)?;
        let done = Reflect::get(&result, &JsValue::from_str("done"))
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(true);
        if done {
            return Ok(None);
        }
        let value = Reflect::get(&result, &JsValue::from_str("value")).map_err(js_error_text)?;
        Ok(Some(Uint8Array::new(&value).to_vec()))
    }

    /// Stops reading (the server sees the connection close).
    pub fn cancel(&self) {
        let _ = self.reader.cancel();
    }
}

/// The text of a JS error value, for messages.
pub fn js_error_text(v: JsValue) -> String {
    if let Some(e) = v.dyn_ref::<js_sys::Error>() {
        return String::from(e.message());
    }
    v.as_string().unwrap_or_else(|| format!("{v:?}"))
}

/// A WebSocket to `/workflows/ws`. Text frames are handed to `on_text`;
/// `on_close` gets the close code and reason (also after an error). The key
/// is not put in the socket URL: it is sent inside the socket with the
/// `authenticate` action.
pub struct Socket {
    ws: web_sys::WebSocket,
    _on_message: wasm_bindgen::closure::Closure<dyn FnMut(web_sys::MessageEvent)>,
    _on_close: wasm_bindgen::closure::Closure<dyn FnMut(web_sys::CloseEvent)>,
}

impl Socket {
    /// `ws://host/workflows/ws` for `http://host` (and `wss` for `https`).
    pub fn url_for(base: &str) -> String {
        let ws_base = if let Some(rest) = base.strip_prefix("https://") {
            format!("wss://{rest}")
        } else if let Some(rest) = base.strip_prefix("http://") {
            format!("ws://{rest}")
        } else {
            base.to_string()
        };
        format!("{ws_base}/workflows/ws")
    }

    pub fn open(
        client: &Client,
        mut on_text: impl FnMut(String) + 'static,
        mut on_close: impl FnMut(u16, String) + 'static,
    ) -> Result<Socket, ApiError> {
        use wasm_bindgen::closure::Closure;
        let url = Self::url_for(client.base_url());
        let ws = web_sys::WebSocket::new(&url).map_err(|e| ApiError::Unreachable {
            url: format!("{url} ({})", js_error_text(e)),
            timed_out: false,
        })?;
        let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
            if let Some(text) = ev.data().as_string() {
                on_text(text);
            }
        });
        let on_close_cb = Closure::<dyn FnMut(web_sys::CloseEvent)>::new(move |ev: web_sys::CloseEvent| {
            on_close(ev.code(), ev.reason());
        });
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        ws.set_onclose(Some(on_close_cb.as_ref().unchecked_ref()));
        Ok(Socket { ws, _on_message: on_message, _on_close: on_close_cb })
    }

    /// Sends a text frame; fails when the socket is not open.
    pub fn send(&self, text: &str) -> Result<(), String> {
        self.ws.send_with_str(text).map_err(js_error_text)
    }

    pub fn is_open(&self) -> bool {
        self.ws.ready_state() == web_sys::WebSocket::OPEN
    }

    pub fn close(&self) {
        let _ = self.ws.close();
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        self.ws.set_onmessage(None);
        self.ws.set_onclose(None);
        let _ = self.ws.close();
    }
}
