//! Queries of participants.
use super::*;

impl Tx {
    pub async fn insert_participant(&mut self, p: &ParticipantRow) -> Result<()> {
        self.run(&[Stmt::participant(p)]).await
    }

    /// The person's language and interpreter need, as last recorded.
    pub async fn language_of(&mut self, participant_id: Uuid) -> Result<Option<LanguageRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, LanguageRow>("SELECT participant_id, language, needs_interpreter, updated_at, updated_by FROM participant_languages WHERE participant_id = $1")
            .bind(participant_id).fetch_optional(c).await)?,
        )
    }

    pub async fn set_language(&mut self, l: &LanguageRow) -> Result<()> {
        self.run(&[Stmt::language(l)]).await
    }

    pub async fn participant(&mut self, id: Uuid) -> Result<ParticipantRow> {
        Ok({
            let rows = q!(self, c => sqlx::query_as::<_, ParticipantRaw>(sel!(PARTICIPANT, "participants WHERE id = $1")).bind(id).fetch_one(c).await)?;
            self.open_participant(rows)?
        })
    }

    pub async fn participant_by_match_key(
        &mut self,
        program_id: Uuid,
        key: &str,
    ) -> Result<Option<ParticipantRow>> {
        Ok({
            let key = crypto::blind(&self.keys, crypto::MATCH_DOMAIN, key);
            let raw = q!(self, c => sqlx::query_as::<_, ParticipantRaw>(sel!(PARTICIPANT, "participants WHERE program_id = $1 AND match_key = $2 LIMIT 1")).bind(program_id).bind(key).fetch_optional(c).await)?;
            raw.map(|r| self.open_participant(r)).transpose()?
        })
    }

    /// Participants whose normalised last name starts with `last` (and first name with
    /// `first`, and born on `dob`, when given), found by blind tokens (ADR 0009) and
    /// sorted by name after decryption.
    /// People of a program found by a last-name prefix, perhaps a first-name prefix and a
    /// birth date; with `agency`, only people that agency has met (an encounter of its).
    pub async fn search_participants(
        &mut self,
        program_id: Uuid,
        last: &str,
        first: Option<&str>,
        dob: Option<NaiveDate>,
        agency: Option<Uuid>,
        limit: i64,
    ) -> Result<Vec<ParticipantRow>> {
        let dob = dob.map(|d| d.format("%F").to_string());
        let terms = crypto::query_terms(last, first, dob.as_deref());
        let mut patterns: Vec<String> = terms
            .iter()
            .map(|t| format!("% {} %", crypto::token(&self.keys, t)))
            .collect();
        patterns.resize(3, "%".into());
        let raws = match agency {
            None => {
                q!(self, c => sqlx::query_as::<_, ParticipantRaw>(sel!(PARTICIPANT, "participants WHERE program_id = $1 AND search_name LIKE $2 AND search_name LIKE $3 AND search_name LIKE $4 LIMIT $5"))
                .bind(program_id).bind(&patterns[0]).bind(&patterns[1]).bind(&patterns[2]).bind(limit)
                .fetch_all(c).await)?
            }
            Some(agency) => {
                q!(self, c => sqlx::query_as::<_, ParticipantRaw>(sel!(PARTICIPANT, "participants WHERE program_id = $1 AND search_name LIKE $2 AND search_name LIKE $3 AND search_name LIKE $4 \
                AND id IN (SELECT participant_id FROM encounters WHERE agency_id = $6) LIMIT $5"))
                .bind(program_id).bind(&patterns[0]).bind(&patterns[1]).bind(&patterns[2]).bind(limit).bind(agency)
                .fetch_all(c).await)?
            }
        };
        let mut rows = raws
            .into_iter()
            .map(|r| self.open_participant(r))
            .collect::<Result<Vec<_>>>()?;
        rows.sort_by(|a, b| {
            (a.last_name.to_lowercase(), a.first_name.to_lowercase())
                .cmp(&(b.last_name.to_lowercase(), b.first_name.to_lowercase()))
        });
        Ok(rows)
    }

    /// A participant as stored (encrypted fields) made readable.
    pub(super) fn open_participant(&self, r: ParticipantRaw) -> Result<ParticipantRow> {
        let k = &self.keys;
        let dob = crypto::open(k, "participants.dob", &r.dob)?;
        Ok(ParticipantRow {
            id: r.id,
            program_id: r.program_id,
            first_name: crypto::open(k, "participants.first_name", &r.first_name)?,
            last_name: crypto::open(k, "participants.last_name", &r.last_name)?,
            dob: NaiveDate::parse_from_str(&dob, "%F")
                .map_err(|_| StoreError::Corrupt("participants.dob: not a date".into()))?,
            sex: r.sex,
            race: r.race,
            ethnicity: r.ethnicity,
            phone: crypto::open_opt(k, "participants.phone", r.phone.as_deref())?,
            email: crypto::open_opt(k, "participants.email", r.email.as_deref())?,
            match_key: r.match_key,
            search_name: r.search_name,
            created_at: r.created_at,
            created_by: r.created_by,
            erased_at: r.erased_at,
        })
    }

    /// Rows that carry a participant's name, decrypted.
    pub(super) fn open_names<R: HasName>(&self, mut rows: Vec<R>) -> Result<Vec<R>> {
        for r in &mut rows {
            let (first, last) = r.names();
            *first = crypto::open(&self.keys, "participants.first_name", first)?;
            *last = crypto::open(&self.keys, "participants.last_name", last)?;
        }
        Ok(rows)
    }
}
