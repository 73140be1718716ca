//! Queries of users, memberships, sessions, tokens.
use super::*;

impl Tx {
    pub async fn insert_user(&mut self, u: &UserRow) -> Result<()> {
        let totp = u
            .totp_secret
            .as_deref()
            .map(|t| crypto::seal(&self.keys, "users.totp_secret", t))
            .transpose()?;
        q!(self, c => sqlx::query("INSERT INTO users (id, username, display_name, password_hash, disabled, created_at, last_sign_in_at, failed_count, failed_since, locked_at, unlocked_at, totp_secret, totp_enrolled_at, totp_last_step) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)")
            .bind(u.id).bind(&u.username).bind(&u.display_name).bind(&u.password_hash).bind(u.disabled).bind(u.created_at).bind(u.last_sign_in_at).bind(u.failed_count).bind(u.failed_since).bind(u.locked_at).bind(u.unlocked_at).bind(&totp).bind(u.totp_enrolled_at).bind(u.totp_last_step)
            .execute(c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn user(&mut self, id: Uuid) -> Result<UserRow> {
        Ok({
            let u = q!(self, c => sqlx::query_as::<_, UserRow>(sel!(USER, "users WHERE id = $1")).bind(id).fetch_one(c).await)?;
            self.open_user(u)?
        })
    }

    pub async fn user_by_name(&mut self, username: &str) -> Result<Option<UserRow>> {
        Ok({
            let u = q!(self, c => sqlx::query_as::<_, UserRow>(sel!(USER, "users WHERE username = $1")).bind(username).fetch_optional(c).await)?;
            u.map(|u| self.open_user(u)).transpose()?
        })
    }

    pub async fn users(&mut self) -> Result<Vec<UserRow>> {
        Ok({
            let us = q!(self, c => sqlx::query_as::<_, UserRow>(sel!(USER, "users ORDER BY username")).fetch_all(c).await)?;
            us.into_iter()
                .map(|u| self.open_user(u))
                .collect::<Result<Vec<_>>>()?
        })
    }

    /// The user, locked against concurrent changes until the transaction ends (on SQLite
    /// the write transaction already excludes other writers).
    pub async fn user_for_update(&mut self, id: Uuid) -> Result<UserRow> {
        let u = match &mut self.inner {
            Inner::Sqlite(c) => {
                sqlx::query_as::<_, UserRow>(sel!(USER, "users WHERE id = $1"))
                    .bind(id)
                    .fetch_one(&mut **c)
                    .await?
            }
            Inner::Pg(c) => {
                sqlx::query_as::<_, UserRow>(sel!(USER, "users WHERE id = $1 FOR UPDATE"))
                    .bind(id)
                    .fetch_one(&mut **c)
                    .await?
            }
        };
        self.open_user(u)
    }

    /// A user with the TOTP secret decrypted (ADR 0009).
    pub(super) fn open_user(&self, mut u: UserRow) -> Result<UserRow> {
        u.totp_secret =
            crypto::open_opt(&self.keys, "users.totp_secret", u.totp_secret.as_deref())?;
        Ok(u)
    }

    /// Records the failed sign-ins in the current window and the lock, if any.
    pub async fn set_sign_in_failures(
        &mut self,
        id: Uuid,
        count: i64,
        since: Option<DateTime<Utc>>,
        locked_at: Option<DateTime<Utc>>,
    ) -> Result<()> {
        let n = q!(self, c => sqlx::query("UPDATE users SET failed_count = $2, failed_since = $3, locked_at = $4 WHERE id = $1").bind(id).bind(count).bind(since).bind(locked_at).execute(c).await.map(|r| r.rows_affected()))?;
        one(n)
    }

    /// Lifts a lock and a disabling for disuse.
    pub async fn unlock_user(&mut self, id: Uuid, at: DateTime<Utc>) -> Result<()> {
        let n = q!(self, c => sqlx::query("UPDATE users SET failed_count = 0, failed_since = NULL, locked_at = NULL, disabled = $2, unlocked_at = $3 WHERE id = $1").bind(id).bind(false).bind(at).execute(c).await.map(|r| r.rows_affected()))?;
        one(n)
    }

    pub async fn set_user_disabled(&mut self, id: Uuid, disabled: bool) -> Result<()> {
        let n = q!(self, c => sqlx::query("UPDATE users SET disabled = $2 WHERE id = $1").bind(id).bind(disabled).execute(c).await.map(|r| r.rows_affected()))?;
        one(n)
    }

    pub async fn set_last_sign_in(&mut self, id: Uuid, at: DateTime<Utc>) -> Result<()> {
        let n = q!(self, c => sqlx::query("UPDATE users SET last_sign_in_at = $2 WHERE id = $1").bind(id).bind(at).execute(c).await.map(|r| r.rows_affected()))?;
        one(n)
    }

    /// Confirms a TOTP enrolment (or clears it with `None`), with the step just used.
    pub async fn set_totp(
        &mut self,
        id: Uuid,
        secret: Option<&str>,
        at: Option<DateTime<Utc>>,
        last_step: i64,
    ) -> Result<()> {
        let secret = secret
            .map(|s| crypto::seal(&self.keys, "users.totp_secret", s))
            .transpose()?;
        let n = q!(self, c => sqlx::query("UPDATE users SET totp_secret = $2, totp_enrolled_at = $3, totp_last_step = $4 WHERE id = $1").bind(id).bind(secret).bind(at).bind(last_step).execute(c).await.map(|r| r.rows_affected()))?;
        one(n)
    }

    /// Records the TOTP step just accepted, if it is later than the last one; false when
    /// another request used this step first.
    pub async fn use_totp_step(&mut self, id: Uuid, step: i64) -> Result<bool> {
        let n = q!(self, c => sqlx::query("UPDATE users SET totp_last_step = $2 WHERE id = $1 AND totp_last_step < $2").bind(id).bind(step).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Replaces a user's recovery codes.
    pub async fn replace_recovery_codes(
        &mut self,
        user_id: Uuid,
        codes: &[RecoveryCodeRow],
    ) -> Result<()> {
        q!(self, c => sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1").bind(user_id).execute(c).await.map(|_| ()))?;
        for r in codes {
            q!(self, c => sqlx::query("INSERT INTO recovery_codes (id, user_id, code_hash, created_at, used_at) VALUES ($1,$2,$3,$4,$5)")
                .bind(r.id).bind(r.user_id).bind(&r.code_hash).bind(r.created_at).bind(r.used_at)
                .execute(c).await.map(|_| ()))?;
        }
        Ok(())
    }

    /// Marks an unused recovery code used; false if there is none with this hash.
    pub async fn use_recovery_code(
        &mut self,
        user_id: Uuid,
        code_hash: &str,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        let n = q!(self, c => sqlx::query("UPDATE recovery_codes SET used_at = $3 WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL").bind(user_id).bind(code_hash).bind(at).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(n > 0)
    }

    /// Unused recovery codes a user has left.
    pub async fn recovery_codes_left(&mut self, user_id: Uuid) -> Result<i64> {
        let n: i64 = q!(self, c => sqlx::query_scalar("SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL").bind(user_id).fetch_one(c).await)?;
        Ok(n)
    }

    /// Ends every session of a user (after a factor is reset).
    pub async fn delete_sessions_of(&mut self, user_id: Uuid) -> Result<()> {
        q!(self, c => sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn set_password(&mut self, id: Uuid, hash: &str) -> Result<()> {
        let n = q!(self, c => sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1").bind(id).bind(hash).execute(c).await.map(|r| r.rows_affected()))?;
        one(n)
    }

    pub async fn insert_membership(&mut self, m: &MembershipRow) -> Result<()> {
        q!(self, c => sqlx::query("INSERT INTO memberships (id, user_id, organization_id, program_id, role, created_at) VALUES ($1,$2,$3,$4,$5,$6)")
            .bind(m.id).bind(m.user_id).bind(m.organization_id).bind(m.program_id).bind(&m.role).bind(m.created_at)
            .execute(c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn delete_membership(&mut self, id: Uuid) -> Result<()> {
        let n = q!(self, c => sqlx::query("DELETE FROM memberships WHERE id = $1").bind(id).execute(c).await.map(|r| r.rows_affected()))?;
        one(n)
    }

    const MEMBERSHIP_VIEW: &'static str = "m.id, m.user_id, u.username, m.organization_id, m.program_id, m.role, o.kind AS org_kind, o.name AS org_name FROM memberships m JOIN organizations o ON o.id = m.organization_id JOIN users u ON u.id = m.user_id";

    pub async fn memberships_of(&mut self, user_id: Uuid) -> Result<Vec<MembershipView>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {} WHERE m.user_id = $1 ORDER BY o.name, m.role",
            Self::MEMBERSHIP_VIEW
        ));
        Ok(
            q!(self, c => sqlx::query_as::<_, MembershipView>(sql).bind(user_id).fetch_all(c).await)?,
        )
    }

    pub async fn memberships_in(&mut self, program_id: Uuid) -> Result<Vec<MembershipView>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {} WHERE m.program_id = $1 ORDER BY u.username, o.name, m.role",
            Self::MEMBERSHIP_VIEW
        ));
        Ok(
            q!(self, c => sqlx::query_as::<_, MembershipView>(sql).bind(program_id).fetch_all(c).await)?,
        )
    }

    pub async fn insert_session(&mut self, s: &SessionRow) -> Result<()> {
        q!(self, c => sqlx::query("INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at, stage, pending_secret) VALUES ($1,$2,$3,$4,$5,$6,$7)")
            .bind(&s.id_hash).bind(s.user_id).bind(&s.csrf_token).bind(s.created_at).bind(s.last_seen_at).bind(&s.stage).bind(&s.pending_secret)
            .execute(c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn session(&mut self, id_hash: &str) -> Result<Option<SessionRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, SessionRow>("SELECT id_hash, user_id, csrf_token, created_at, last_seen_at, stage, pending_secret FROM sessions WHERE id_hash = $1").bind(id_hash).fetch_optional(c).await)?,
        )
    }

    pub async fn session_user(&mut self, id_hash: &str) -> Result<Option<SessionUserRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, SessionUserRow>("SELECT s.id_hash, s.user_id, s.csrf_token, s.created_at, s.last_seen_at, u.username, u.display_name, u.disabled, s.stage FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1").bind(id_hash).fetch_optional(c).await)?,
        )
    }

    pub async fn touch_session(&mut self, id_hash: &str, at: DateTime<Utc>) -> Result<()> {
        q!(self, c => sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1").bind(id_hash).bind(at).execute(c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn delete_session(&mut self, id_hash: &str) -> Result<()> {
        q!(self, c => sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(id_hash).execute(c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn insert_token(&mut self, t: &TokenRow) -> Result<()> {
        q!(self, c => sqlx::query("INSERT INTO api_tokens (id, user_id, token_hash, label, created_at, expires_at, revoked_at) VALUES ($1,$2,$3,$4,$5,$6,$7)")
            .bind(t.id).bind(t.user_id).bind(&t.token_hash).bind(&t.label).bind(t.created_at).bind(t.expires_at).bind(t.revoked_at)
            .execute(c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn token_by_hash(&mut self, hash: &str) -> Result<Option<TokenRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, TokenRow>("SELECT id, user_id, token_hash, label, created_at, expires_at, revoked_at FROM api_tokens WHERE token_hash = $1").bind(hash).fetch_optional(c).await)?,
        )
    }

    pub async fn tokens_of(&mut self, user_id: Uuid) -> Result<Vec<TokenRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, TokenRow>("SELECT id, user_id, token_hash, label, created_at, expires_at, revoked_at FROM api_tokens WHERE user_id = $1 ORDER BY created_at").bind(user_id).fetch_all(c).await)?,
        )
    }

    pub async fn revoke_token(&mut self, id: Uuid, at: DateTime<Utc>) -> Result<()> {
        let n = q!(self, c => sqlx::query("UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL").bind(id).bind(at).execute(c).await.map(|r| r.rows_affected()))?;
        one(n)
    }
}
