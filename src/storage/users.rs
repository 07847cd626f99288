//! Queries on `users` and `sessions`: accounts with their role and districts, and bearer
//! sessions kept only as token hashes.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::json::{code, from_text, to_text};
use super::schema::{sessions, users};
use super::{DbConnection, StorageResult};
use crate::domain::access::User;
use crate::domain::codes::Role;
use crate::domain::{DistrictId, UserId};

type Row = (i64, String, String, String, bool);

fn user(row: Row) -> StorageResult<User> {
    let (id, username, role, districts, active) = row;
    Ok(User {
        id: UserId(id),
        username,
        role: code("users.role", &role, Role::parse)?,
        districts: from_text::<Vec<DistrictId>>("users.district_ids", &districts)?,
        active,
    })
}

macro_rules! columns {
    () => {
        (
            users::id,
            users::username,
            users::role,
            users::district_ids,
            users::active,
        )
    };
}

/// Adds a user; the username must be new.
pub fn insert(
    conn: &mut DbConnection,
    username: &str,
    role: Role,
    districts: &[DistrictId],
    password_hash: &str,
    now: NaiveDateTime,
) -> StorageResult<User> {
    let id: i64 = diesel::insert_into(users::table)
        .values((
            users::username.eq(username),
            users::role.eq(role.as_str()),
            users::district_ids.eq(to_text(districts)),
            users::password_hash.eq(password_hash),
            users::active.eq(true),
            users::created_at.eq(now),
        ))
        .returning(users::id)
        .get_result(conn)?;
    user(users::table.find(id).select(columns!()).first(conn)?)
}

/// A user and their password hash, by name.
pub fn find_by_name(
    conn: &mut DbConnection,
    username: &str,
) -> StorageResult<Option<(User, String)>> {
    let row: Option<(Row, String)> = users::table
        .filter(users::username.eq(username))
        .select((columns!(), users::password_hash))
        .first(conn)
        .optional()?;
    row.map(|(r, hash)| Ok((user(r)?, hash))).transpose()
}

/// Every user, by id.
pub fn list(conn: &mut DbConnection) -> StorageResult<Vec<User>> {
    let rows: Vec<Row> = users::table
        .select(columns!())
        .order(users::id.asc())
        .load(conn)?;
    rows.into_iter().map(user).collect()
}

/// How many users exist.
pub fn count(conn: &mut DbConnection) -> StorageResult<i64> {
    Ok(users::table.count().get_result(conn)?)
}

/// Stores a new session.
pub fn insert_session(
    conn: &mut DbConnection,
    token_hash: &str,
    user: UserId,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> StorageResult<()> {
    diesel::insert_into(sessions::table)
        .values((
            sessions::token_hash.eq(token_hash),
            sessions::user_id.eq(user.0),
            sessions::created_at.eq(now),
            sessions::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// The active user of a live session (not expired, not revoked).
pub fn session_user(
    conn: &mut DbConnection,
    token_hash: &str,
    now: NaiveDateTime,
) -> StorageResult<Option<(User, NaiveDateTime)>> {
    let row: Option<(Row, NaiveDateTime)> = sessions::table
        .inner_join(users::table)
        .filter(sessions::token_hash.eq(token_hash))
        .filter(sessions::revoked_at.is_null())
        .filter(sessions::expires_at.gt(now))
        .filter(users::active.eq(true))
        .select((columns!(), sessions::expires_at))
        .first(conn)
        .optional()?;
    row.map(|(r, expires)| Ok((user(r)?, expires))).transpose()
}

/// Ends a session; false when it was not live.
pub fn revoke_session(
    conn: &mut DbConnection,
    token_hash: &str,
    now: NaiveDateTime,
) -> StorageResult<bool> {
    let n = diesel::update(
        sessions::table
            .filter(sessions::token_hash.eq(token_hash))
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(now))
    .execute(conn)?;
    Ok(n > 0)
}

/// Replaces a user's password hash and ends every live session of theirs, so that whoever
/// held the old password is logged out; false for an unknown name.
pub fn set_password(
    conn: &mut DbConnection,
    username: &str,
    password_hash: &str,
    now: NaiveDateTime,
) -> StorageResult<bool> {
    let Some(id) = users::table
        .filter(users::username.eq(username))
        .select(users::id)
        .first::<i64>(conn)
        .optional()?
    else {
        return Ok(false);
    };
    diesel::update(users::table.find(id))
        .set(users::password_hash.eq(password_hash))
        .execute(conn)?;
    diesel::update(
        sessions::table
            .filter(sessions::user_id.eq(id))
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(now))
    .execute(conn)?;
    Ok(true)
}
