//! Static assets, shipped in the binary and served under content-hashed names.
use std::sync::OnceLock;

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

const CSS: &str = include_str!("../static/app.css");
/// The one script: fills in the phone's position on the services page when asked.
const JS: &str = include_str!("../static/position.js");

fn hashed(name: &str, ext: &str, body: &str) -> String {
    let d = Sha256::digest(body.as_bytes());
    let h: String = d.iter().take(6).map(|b| format!("{b:02x}")).collect();
    format!("{name}-{h}.{ext}")
}

/// The stylesheet's current URL path.
pub fn css_path() -> &'static str {
    static P: OnceLock<String> = OnceLock::new();
    P.get_or_init(|| format!("/static/{}", hashed("app", "css", CSS)))
}

/// The script's current URL path.
pub fn js_path() -> &'static str {
    static P: OnceLock<String> = OnceLock::new();
    P.get_or_init(|| format!("/static/{}", hashed("position", "js", JS)))
}

pub async fn serve(Path(file): Path<String>) -> Response {
    let path = format!("/static/{file}");
    let (body, kind) = if path == css_path() {
        (CSS, "text/css; charset=utf-8")
    } else if path == js_path() {
        (JS, "text/javascript; charset=utf-8")
    } else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    {
        let mut r = body.into_response();
        r.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
        r.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        );
        r
    }
}
