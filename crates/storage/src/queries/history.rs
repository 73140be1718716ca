//! Queries of case history.
use super::*;

impl Tx {
    pub async fn insert_case_event(&mut self, e: &CaseEventRow) -> Result<()> {
        self.run(&[Stmt::case_event(e)]).await
    }

    /// Several case events in one statement (one round trip).
    pub async fn insert_case_events(&mut self, events: &[CaseEventRow]) -> Result<()> {
        if events.is_empty() {
            return Ok(());
        }
        let values: Vec<String> = (0..events.len())
            .map(|i| {
                let b = i * 7;
                format!(
                    "(${},${},${},${},${},${},${})",
                    b + 1,
                    b + 2,
                    b + 3,
                    b + 4,
                    b + 5,
                    b + 6,
                    b + 7
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO case_events (id, program_id, encounter_id, kind, summary, actor_id, at) VALUES {}",
            values.join(",")
        );
        q!(self, c => {
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for e in events {
                query = query.bind(e.id).bind(e.program_id).bind(e.encounter_id).bind(e.kind.clone()).bind(e.summary.clone()).bind(e.actor_id).bind(e.at);
            }
            query.execute(c).await.map(|_| ())
        })?;
        Ok(())
    }

    pub async fn case_events(&mut self, encounter_id: Uuid) -> Result<Vec<CaseEventRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, CaseEventRow>("SELECT id, program_id, encounter_id, kind, summary, actor_id, at FROM case_events WHERE encounter_id = $1 ORDER BY at, id").bind(encounter_id).fetch_all(c).await)?,
        )
    }

    pub async fn count_case_events(&mut self, encounter_id: Uuid, kind: &str) -> Result<i64> {
        Ok(
            q!(self, c => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM case_events WHERE encounter_id = $1 AND kind = $2").bind(encounter_id).bind(kind).fetch_one(c).await)?,
        )
    }
}
