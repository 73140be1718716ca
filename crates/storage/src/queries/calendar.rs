//! Queries of program calendar.
use super::*;

impl Tx {
    pub async fn program_calendar(&mut self, program_id: Uuid) -> Result<CalendarRow> {
        Ok(
            q!(self, c => sqlx::query_as::<_, CalendarRow>("SELECT business_days, opens, closes, contact_business_hours FROM programs WHERE id = $1").bind(program_id).fetch_one(c).await)?,
        )
    }

    pub async fn set_program_calendar(&mut self, program_id: Uuid, c: &CalendarRow) -> Result<()> {
        let n = q!(self, x => sqlx::query("UPDATE programs SET business_days = $2, opens = $3, closes = $4, contact_business_hours = $5 WHERE id = $1")
            .bind(program_id).bind(&c.business_days).bind(&c.opens).bind(&c.closes).bind(c.contact_business_hours)
            .execute(x).await.map(|r| r.rows_affected()))?;
        one(n)
    }

    pub async fn holidays(&mut self, program_id: Uuid) -> Result<Vec<HolidayRow>> {
        Ok(
            q!(self, c => sqlx::query_as::<_, HolidayRow>("SELECT day, name FROM program_holidays WHERE program_id = $1 ORDER BY day").bind(program_id).fetch_all(c).await)?,
        )
    }

    /// Adds a holiday; false if the program has one that day already.
    pub async fn insert_holiday(&mut self, program_id: Uuid, h: &HolidayRow) -> Result<bool> {
        let n = q!(self, c => sqlx::query("INSERT INTO program_holidays (program_id, day, name) VALUES ($1, $2, $3) ON CONFLICT (program_id, day) DO NOTHING")
            .bind(program_id).bind(h.day).bind(&h.name).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    pub async fn delete_holiday(&mut self, program_id: Uuid, day: NaiveDate) -> Result<()> {
        let n = q!(self, c => sqlx::query("DELETE FROM program_holidays WHERE program_id = $1 AND day = $2").bind(program_id).bind(day).execute(c).await.map(|r| r.rows_affected()))?;
        one(n)
    }
}
