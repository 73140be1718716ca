//! SMS through an HTTP gateway whose request shape is configuration (ADR 0020): a form or a
//! JSON body, basic or bearer authentication, the names of its fields. The gateway reports
//! delivery to a callback address that carries the message's id and a keyed signature of
//! it, so nobody else can mark a message delivered or failed.
use std::time::Duration;

use super::SendError;
use super::http::{Client, Target};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Form,
    Json,
}

#[derive(Clone, PartialEq, Eq)]
pub enum Auth {
    None,
    Basic(String, String),
    Bearer(String),
}

/// The gateway's names for the fields of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fields {
    pub to: String,
    pub from: String,
    pub body: String,
    pub callback: String,
}

impl Fields {
    /// The usual names for each shape: Twilio's for a form, the common JSON ones.
    pub fn default_for(format: Format) -> Fields {
        let f = |a: &str, b: &str, c: &str, d: &str| Fields {
            to: a.into(),
            from: b.into(),
            body: c.into(),
            callback: d.into(),
        };
        match format {
            Format::Form => f("To", "From", "Body", "StatusCallback"),
            Format::Json => f("to", "from", "text", "callback_url"),
        }
    }
}

#[derive(Clone)]
pub struct SmsSettings {
    pub url: String,
    pub format: Format,
    pub auth: Auth,
    /// The sender: a number in E.164 or the gateway's sender name.
    pub from: String,
    pub fields: Fields,
    pub ca_pem: Option<Vec<u8>>,
    pub timeout: Duration,
}

impl std::fmt::Debug for SmsSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let auth = match &self.auth {
            Auth::None => "none",
            Auth::Basic(..) => "basic (hidden)",
            Auth::Bearer(_) => "bearer (hidden)",
        };
        f.debug_struct("SmsSettings")
            .field("url", &self.url)
            .field("format", &self.format)
            .field("auth", &auth)
            .field("from", &self.from)
            .field("fields", &self.fields)
            .finish()
    }
}

impl SmsSettings {
    /// Reads the settings: `format` is `form` or `json`; `auth` is empty, `basic:USER:PASSWORD`
    /// or `bearer:TOKEN`; `fields` overrides names as `to=To,body=Body,...`.
    pub fn parse(
        url: &str,
        format: &str,
        auth: &str,
        from: &str,
        fields: &str,
        ca_pem: Option<Vec<u8>>,
    ) -> Result<SmsSettings, String> {
        let t = Target::parse(url).map_err(|e| format!("the SMS gateway: {e}"))?;
        if !t.tls && !super::http::is_private(&t.host) {
            return Err(format!(
                "the SMS gateway {} is not on this machine or a private network: use https://",
                t.host
            ));
        }
        let format = match format {
            "form" => Format::Form,
            "json" => Format::Json,
            other => return Err(format!("the SMS format is form or json, not \"{other}\"")),
        };
        let auth = match auth.split_once(':') {
            _ if auth.is_empty() => Auth::None,
            Some(("basic", rest)) => match rest.split_once(':') {
                Some((u, p)) if !u.is_empty() => Auth::Basic(u.into(), p.into()),
                _ => return Err("SMS basic authentication is basic:USER:PASSWORD".into()),
            },
            Some(("bearer", token)) if !token.is_empty() => Auth::Bearer(token.into()),
            _ => {
                return Err(
                    "SMS authentication is basic:USER:PASSWORD or bearer:TOKEN (the kind first)"
                        .into(),
                );
            }
        };
        if from.trim().is_empty() {
            return Err("the SMS sender (a number in E.164, like +15550100) is missing".into());
        }
        let mut names = Fields::default_for(format);
        for pair in fields.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (k, v) = pair
                .split_once('=')
                .filter(|(_, v)| !v.trim().is_empty())
                .ok_or_else(|| format!("the SMS field \"{pair}\" is not name=gateway_name"))?;
            let slot = match k.trim() {
                "to" => &mut names.to,
                "from" => &mut names.from,
                "body" => &mut names.body,
                "callback" => &mut names.callback,
                other => {
                    return Err(format!(
                        "the SMS field \"{other}\" is not one of to, from, body, callback"
                    ));
                }
            };
            *slot = v.trim().to_string();
        }
        Ok(SmsSettings {
            url: url.to_string(),
            format,
            auth,
            from: from.trim().to_string(),
            fields: names,
            ca_pem,
            timeout: Duration::from_secs(20),
        })
    }
}

/// A phone number in E.164 (`+` and 8 to 15 digits, not starting with 0), from what a
/// person types: spaces, dots, dashes and brackets are dropped.
pub fn e164(typed: &str) -> Option<String> {
    let kept: String = typed
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')'))
        .collect();
    let digits = kept.strip_prefix('+')?;
    (digits.len() >= 8
        && digits.len() <= 15
        && digits.chars().all(|c| c.is_ascii_digit())
        && !digits.starts_with('0'))
    .then_some(kept)
}

/// The gateway.
pub struct Gateway {
    s: SmsSettings,
    client: Client,
}

impl Gateway {
    pub fn new(s: &SmsSettings) -> Result<Gateway, String> {
        Ok(Gateway {
            client: Client::new(s.ca_pem.as_deref(), s.timeout)?,
            s: s.clone(),
        })
    }

    /// The request's headers and body for one message.
    pub fn request(
        &self,
        to: &str,
        text: &str,
        callback: Option<&str>,
    ) -> (Vec<(&'static str, String)>, Vec<u8>) {
        let f = &self.s.fields;
        let mut pairs = vec![
            (f.to.as_str(), to),
            (f.from.as_str(), self.s.from.as_str()),
            (f.body.as_str(), text),
        ];
        if let Some(cb) = callback {
            pairs.push((f.callback.as_str(), cb));
        }
        let mut headers = Vec::new();
        let body = match self.s.format {
            Format::Form => {
                headers.push((
                    "content-type",
                    "application/x-www-form-urlencoded".to_string(),
                ));
                form_encode(&pairs).into_bytes()
            }
            Format::Json => {
                headers.push(("content-type", "application/json".to_string()));
                let map: serde_json::Map<String, serde_json::Value> = pairs
                    .iter()
                    .map(|(k, v)| (k.to_string(), serde_json::Value::from(*v)))
                    .collect();
                serde_json::Value::Object(map).to_string().into_bytes()
            }
        };
        headers.push(("accept", "application/json".to_string()));
        match &self.s.auth {
            Auth::None => {}
            Auth::Basic(u, p) => {
                use base64::Engine;
                let token = base64::engine::general_purpose::STANDARD.encode(format!("{u}:{p}"));
                headers.push(("authorization", format!("Basic {token}")));
            }
            Auth::Bearer(t) => headers.push(("authorization", format!("Bearer {t}"))),
        }
        (headers, body)
    }

    /// Sends one text; the gateway's id for it when its answer names one. A refusal of the
    /// request itself (4xx but 408 and 429) is permanent; anything else is tried again.
    pub async fn send(
        &self,
        to: &str,
        text: &str,
        callback: Option<&str>,
    ) -> Result<Option<String>, SendError> {
        let to = e164(to).ok_or_else(|| {
            SendError::Permanent(format!("\"{to}\" is not a phone number in E.164"))
        })?;
        let (headers, body) = self.request(&to, text, callback);
        let answer = self.client.post(&self.s.url, &headers, body).await?;
        let said = || {
            let b: String = answer.body.chars().take(200).collect();
            format!("the SMS gateway answered {}: {}", answer.status, b.trim())
        };
        match answer.status {
            200..=299 => Ok(provider_id(&answer.body)),
            408 | 429 => Err(SendError::Transient(said())),
            400..=499 => Err(SendError::Permanent(said())),
            _ => Err(SendError::Transient(said())),
        }
    }
}

fn form_encode(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", url_escape(k), url_escape(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn url_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The gateway's id in a JSON answer: `id`, `sid`, `message_id` or `data.id`.
fn provider_id(body: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(body).ok()?;
    let s = ["id", "sid", "message_id"]
        .iter()
        .find_map(|k| v.get(k))
        .or_else(|| v.get("data").and_then(|d| d.get("id")))?;
    match s {
        serde_json::Value::String(s) => Some(s.chars().take(100).collect()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A text someone sent back: its sender and words, from a form (`From`, `Body`) or JSON
/// (`from`, `text` or `body`, or the same under `data`).
pub fn read_inbound(content_type: &str, body: &[u8]) -> Result<(String, String), String> {
    let pairs = fields(content_type, body)?;
    let get = |keys: &[&str]| {
        keys.iter()
            .find_map(|k| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()))
    };
    let from = get(&["From", "from", "msisdn"]).ok_or("the text names no sender")?;
    let text = get(&["Body", "text", "body"]).unwrap_or_default();
    Ok((from, text))
}

/// A callback's fields as name and value: a form's pairs, or a JSON object's (and its
/// `data` object's) strings and numbers.
fn fields(content_type: &str, body: &[u8]) -> Result<Vec<(String, String)>, String> {
    if content_type.contains("json") {
        let v: serde_json::Value =
            serde_json::from_slice(body).map_err(|e| format!("the report is not JSON: {e}"))?;
        let scalar = |f: &serde_json::Value| match f {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        };
        Ok([Some(&v), v.get("data")]
            .into_iter()
            .flatten()
            .filter_map(|o| o.as_object())
            .flat_map(|o| o.iter())
            .filter_map(|(k, f)| scalar(f).map(|s| (k.clone(), s)))
            .collect())
    } else {
        serde_urlencoded::from_bytes(body).map_err(|e| format!("the report is not a form: {e}"))
    }
}

/// What a gateway's delivery report says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Report {
    Delivered,
    Failed(String),
    /// Still on its way (queued, sent, accepted): nothing to record.
    Pending,
}

/// Reads a delivery report, form or JSON: the status in `MessageStatus`, `status` or
/// `data.status`, an error in `ErrorCode`, `error_code` or `error`.
pub fn read_report(content_type: &str, body: &[u8]) -> Result<Report, String> {
    let pairs = fields(content_type, body)?;
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let status = ["MessageStatus", "status", "delivery_status"]
        .iter()
        .find_map(|k| get(k))
        .ok_or("the report has no status")?
        .to_ascii_lowercase();
    let error = ["ErrorCode", "error_code", "error"]
        .iter()
        .find_map(|k| get(k))
        .filter(|e| !e.is_empty() && e != "0");
    Ok(match status.as_str() {
        "delivered" | "delivery_success" => Report::Delivered,
        "failed" | "undelivered" | "rejected" | "expired" | "delivery_failed"
        | "sending_failed" => Report::Failed(match error {
            Some(e) => format!("the gateway reports {status} ({e})"),
            None => format!("the gateway reports {status}"),
        }),
        _ => Report::Pending,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(format: &str, auth: &str, fields: &str) -> Result<SmsSettings, String> {
        SmsSettings::parse(
            "http://127.0.0.1:9/send",
            format,
            auth,
            "+15550100",
            fields,
            None,
        )
    }

    #[test]
    fn gateway_settings_are_read_and_bad_ones_refused_with_the_reason() {
        let s = settings("json", "bearer:t0k", "body=message").unwrap();
        assert_eq!(s.fields.body, "message");
        assert_eq!(s.fields.to, "to");
        assert!(
            !format!("{s:?}").contains("t0k"),
            "the token is not printed"
        );
        let s = settings("form", "basic:acct:se:cret", "").unwrap();
        assert!(s.auth == Auth::Basic("acct".into(), "se:cret".into()));
        for (url, format, auth, fields, why) in [
            ("http://sms.example.org/", "form", "", "", "use https"),
            ("https://sms.example.org/", "xml", "", "", "form or json"),
            (
                "https://sms.example.org/",
                "form",
                "basic:",
                "",
                "basic:USER",
            ),
            (
                "https://sms.example.org/",
                "form",
                "token",
                "",
                "the kind first",
            ),
            (
                "https://sms.example.org/",
                "form",
                "",
                "to",
                "name=gateway_name",
            ),
            (
                "https://sms.example.org/",
                "form",
                "",
                "cc=Cc",
                "not one of",
            ),
            ("mailto:x", "form", "", "", "not an http"),
        ] {
            let e = SmsSettings::parse(url, format, auth, "+15550100", fields, None).unwrap_err();
            assert!(e.contains(why), "{url} {format} {auth} {fields}: {e}");
        }
    }

    #[test]
    fn phone_numbers_are_e164_or_refused() {
        assert_eq!(e164("+1 (555) 010-0199").as_deref(), Some("+15550100199"));
        assert_eq!(e164("+34.612.345.678").as_deref(), Some("+34612345678"));
        for bad in [
            "5550100199",
            "+0555010019",
            "+1555",
            "+1555010019912345",
            "+1555x0100",
        ] {
            assert_eq!(e164(bad), None, "{bad}");
        }
    }

    #[test]
    fn requests_take_the_configured_shape() {
        let gw = Gateway::new(&settings("form", "basic:a:b", "").unwrap()).unwrap();
        let (h, b) = gw.request("+15550100199", "Page: HO-1 & more", Some("https://h/cb"));
        assert_eq!(
            String::from_utf8(b).unwrap(),
            "To=%2B15550100199&From=%2B15550100&Body=Page%3A+HO-1+%26+more&StatusCallback=https%3A%2F%2Fh%2Fcb"
        );
        assert!(h.contains(&("authorization", "Basic YTpi".to_string())));
        let gw = Gateway::new(&settings("json", "bearer:t", "").unwrap()).unwrap();
        let (h, b) = gw.request("+15550100199", "hi", None);
        let v: serde_json::Value = serde_json::from_slice(&b).unwrap();
        assert_eq!(v["text"], "hi");
        assert_eq!(v.get("callback_url"), None);
        assert!(h.contains(&("authorization", "Bearer t".to_string())));
    }

    #[test]
    fn delivery_reports_are_read_in_both_shapes() {
        assert_eq!(
            read_report(
                "application/x-www-form-urlencoded",
                b"MessageSid=SM1&MessageStatus=delivered"
            ),
            Ok(Report::Delivered)
        );
        assert_eq!(
            read_report(
                "application/json",
                br#"{"data":{"status":"undelivered","error_code":30003}}"#
            ),
            Ok(Report::Failed(
                "the gateway reports undelivered (30003)".into()
            ))
        );
        assert_eq!(
            read_report("application/json", br#"{"status":"sent"}"#),
            Ok(Report::Pending)
        );
        assert!(
            read_report("application/json", b"<xml/>")
                .unwrap_err()
                .contains("not JSON")
        );
        assert!(
            read_report("application/x-www-form-urlencoded", b"a=b")
                .unwrap_err()
                .contains("no status")
        );
        assert_eq!(provider_id(r#"{"sid":"SM9"}"#).as_deref(), Some("SM9"));
        assert_eq!(provider_id("garbage"), None);
    }
}
