//! Outbound webhooks signed per Standard Webhooks (ADR 0020): the headers `webhook-id`
//! (the message's row id, the same on every retry, so a receiver drops repeats),
//! `webhook-timestamp` (seconds, the time of this attempt) and `webhook-signature`
//! (`v1,` and the base64 HMAC-SHA256 of `id.timestamp.body` under the endpoint's secret).
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use handoff_storage::MessageRow;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::SendError;
use super::http::Client;

/// A new signing secret: `whsec_` and 24 random bytes in base64.
pub fn new_secret() -> Result<String, String> {
    let mut key = [0u8; 24];
    getrandom::fill(&mut key).map_err(|e| format!("randomness: {e}"))?;
    Ok(format!("whsec_{}", B64.encode(key)))
}

/// The `webhook-signature` value of a payload.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &str) -> Result<String, String> {
    let key = B64
        .decode(secret.strip_prefix("whsec_").unwrap_or(secret))
        .map_err(|_| "the endpoint's secret is not whsec_ and base64".to_string())?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).map_err(|e| format!("the secret: {e}"))?;
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    Ok(format!("v1,{}", B64.encode(mac.finalize().into_bytes())))
}

/// Posts one event. The timestamp is the wall clock of this attempt (a receiver refuses
/// old ones); 2xx is delivered, 410 Gone is a permanent refusal, anything else is tried
/// again.
pub async fn send(client: &Client, m: &MessageRow, secret: &str) -> Result<(), SendError> {
    let id = format!("msg_{}", m.id.simple());
    let ts = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default();
    let signature = sign(secret, &id, ts, &m.body).map_err(SendError::Permanent)?;
    let headers = [
        ("content-type", "application/json".to_string()),
        ("webhook-id", id),
        ("webhook-timestamp", ts.to_string()),
        ("webhook-signature", signature),
    ];
    let answer = client
        .post(&m.address, &headers, m.body.clone().into_bytes())
        .await?;
    let said = || {
        let b: String = answer.body.chars().take(200).collect();
        format!("the endpoint answered {}: {}", answer.status, b.trim())
    };
    match answer.status {
        200..=299 => Ok(()),
        410 => Err(SendError::Permanent(said())),
        _ => Err(SendError::Transient(said())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_match_the_standard_webhooks_example() {
        // The example in the Standard Webhooks specification.
        let s = sign(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            r#"{"test": 2432232314}"#,
        )
        .unwrap();
        assert_eq!(s, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        assert!(
            sign("whsec_!!", "a", 1, "b")
                .unwrap_err()
                .contains("base64")
        );
        let fresh = new_secret().unwrap();
        assert!(fresh.starts_with("whsec_") && fresh.len() == 38, "{fresh}");
    }
}
