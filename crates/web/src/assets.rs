//! Static assets, shipped in the binary and served under content-hashed names.
use std::sync::OnceLock;

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

const CSS: &str = include_str!("../static/app.css");

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

pub async fn serve(Path(file): Path<String>) -> Response {
    if format!("/static/{file}") == css_path() {
        let mut r = CSS.into_response();
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/css; charset=utf-8"),
        );
        r.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        );
        r
    } else {
        (StatusCode::NOT_FOUND, "not found").into_response()
    }
}
