//! Whether the service can do its work: the database answers.

use diesel::RunQueryDsl;

use super::{AppContext, ServiceResult};

/// Runs `SELECT 1` on a pooled connection.
///
/// # Errors
/// [`super::ServiceError::Unavailable`] when no connection can be had in the configured time.
pub fn check(ctx: &AppContext) -> ServiceResult<()> {
    diesel::sql_query("SELECT 1").execute(&mut *ctx.conn()?)?;
    Ok(())
}
