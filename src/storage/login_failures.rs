//! Queries on `login_failures`: one row per wrong name or password, with the name tried and
//! the client's address, so that login throttling is the same on every server and after a
//! restart.

use chrono::NaiveDateTime;
use diesel::dsl::{count_star, max};
use diesel::prelude::*;

use super::schema::login_failures;
use super::{DbConnection, StorageResult};

/// How many failures there were since some time, and when the latest was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Failures {
    pub count: i64,
    pub latest: Option<NaiveDateTime>,
}

/// Records a failed login for `username` (cut to 64 characters by the caller) from `client`
/// (`None`: a tool on the server itself).
pub fn insert(
    conn: &mut DbConnection,
    username: &str,
    client: Option<&str>,
    at: NaiveDateTime,
) -> StorageResult<()> {
    diesel::insert_into(login_failures::table)
        .values((
            login_failures::at.eq(at),
            login_failures::username.eq(username),
            login_failures::client.eq(client),
        ))
        .execute(conn)?;
    Ok(())
}

/// Failures for `username` from `client` at or after `since`.
pub fn for_name_from(
    conn: &mut DbConnection,
    username: &str,
    client: Option<&str>,
    since: NaiveDateTime,
) -> StorageResult<Failures> {
    let query = login_failures::table
        .filter(login_failures::username.eq(username))
        .filter(login_failures::at.ge(since))
        .select((count_star(), max(login_failures::at)))
        .into_boxed();
    let (count, latest) = match client {
        Some(client) => query
            .filter(login_failures::client.eq(client))
            .first(conn)?,
        None => query.filter(login_failures::client.is_null()).first(conn)?,
    };
    Ok(Failures { count, latest })
}

/// Failures from `client`, for any name, at or after `since`.
pub fn from(
    conn: &mut DbConnection,
    client: Option<&str>,
    since: NaiveDateTime,
) -> StorageResult<Failures> {
    let query = login_failures::table
        .filter(login_failures::at.ge(since))
        .select((count_star(), max(login_failures::at)))
        .into_boxed();
    let (count, latest) = match client {
        Some(client) => query
            .filter(login_failures::client.eq(client))
            .first(conn)?,
        None => query.filter(login_failures::client.is_null()).first(conn)?,
    };
    Ok(Failures { count, latest })
}

/// Forgets the failures for `username` from `client` (after a successful login there).
pub fn clear(
    conn: &mut DbConnection,
    username: &str,
    client: Option<&str>,
) -> StorageResult<usize> {
    let rows = login_failures::table.filter(login_failures::username.eq(username));
    Ok(match client {
        Some(client) => {
            diesel::delete(rows.filter(login_failures::client.eq(client))).execute(conn)?
        }
        None => diesel::delete(rows.filter(login_failures::client.is_null())).execute(conn)?,
    })
}

/// Removes every failure older than `before`; the number removed.
pub fn purge(conn: &mut DbConnection, before: NaiveDateTime) -> StorageResult<usize> {
    Ok(
        diesel::delete(login_failures::table.filter(login_failures::at.lt(before)))
            .execute(conn)?,
    )
}
