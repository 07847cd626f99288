//! Access: users, login sessions, what each caller may see of the register, declared
//! incidents, and the audit log.
//!
//! A token is 32 random bytes shown once to the client; only its SHA-256 is stored. Passwords
//! are hashed with argon2id. Failed logins are stored with the name tried and the client's
//! address, and too many of them make that address wait, longer with each further failure (see
//! [`login`]); being in the database, the throttle holds across restarts and servers.
//! Visibility follows docs/domain.md: staff and admin see the register; a district user sees people
//! of their districts whom the consent model shares, and during an open incident over their
//! home, everyone there; everything else is invisible.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
use std::time::Duration;

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{AppContext, ServiceError, ServiceResult};
use crate::domain::access::{
    AuditRecord, Grant, Incident, IncidentReach, SharingAnswer, User, check_new_user,
    shared_in_normal_times, token_hash,
};
use crate::domain::codes::{ConsentKind, Role};
use crate::domain::registrant::Registrant;
use crate::domain::{DistrictId, IncidentId, RegistrantId, ValidationErrors};
use crate::spatial::PreparedArea;
use crate::storage::audit::AuditEntry;
use crate::storage::login_failures::{self, Failures};
use crate::storage::{self, audit, consents, incidents, users};

/// The authenticated user of a request.
#[derive(Debug, Clone, PartialEq)]
pub struct Caller {
    pub user: User,
}

impl Caller {
    /// The name written into histories and the audit log.
    pub fn actor(&self) -> &str {
        &self.user.username
    }

    pub fn role(&self) -> Role {
        self.user.role
    }

    /// Sees the whole register.
    pub fn sees_register(&self) -> bool {
        matches!(self.user.role, Role::Admin | Role::Staff)
    }

    /// A caller for tools that run on the server itself (the command line).
    pub fn local(name: &str) -> Self {
        Self {
            user: User {
                id: crate::domain::UserId(0),
                username: name.to_owned(),
                role: Role::Admin,
                districts: Vec::new(),
                active: true,
            },
        }
    }
}

/// A new session: the token to send as `Authorization: Bearer …`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Session {
    pub token: String,
    #[serde(with = "crate::domain::time::utc")]
    pub expires_at: NaiveDateTime,
    pub username: String,
    pub role: Role,
}

/// Login request.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct Credentials {
    pub username: Option<String>,
    pub password: Option<String>,
}

fn random_token() -> ServiceResult<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| ServiceError::System(format!("no system randomness: {e}")))?;
    Ok(crate::domain::access::hex(&bytes))
}

/// A random password of 20 hexadecimal characters (80 bits), for demo users. 80 bits are far
/// beyond the password rule, but a draw could still look like a word run or a date to the
/// estimator; such a draw is replaced rather than letting a demo start fail.
pub(crate) fn random_password() -> ServiceResult<String> {
    for _ in 0..8 {
        let candidate = random_hex20()?;
        if crate::domain::access::password_problem("", &candidate).is_none() {
            return Ok(candidate);
        }
    }
    Err(ServiceError::System(
        "no random password met the password rule in 8 draws".into(),
    ))
}

fn random_hex20() -> ServiceResult<String> {
    Ok(random_token()?.chars().take(20).collect())
}

/// Hashes a password with argon2id and a random salt (a PHC string).
pub(crate) fn hash_password(password: &str) -> ServiceResult<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| ServiceError::System(format!("hashing a password: {e}")))
}

/// Checks a password against a user's argon2 hash. Also run against a fixed hash for unknown
/// users, so that timing does not tell which names exist.
fn password_matches(password: &str, hash: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), hash)
        .is_ok()
}

/// A hash of a password nobody knows, checked for unknown user names.
const DECOY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FzYWVhaWRlY295c2FsdA$3pe7tr8/2t4bzv1FdbmL9iWwAqp7cwX4OIX0bfYsS3E";

/// Logs a user in and returns a new session. `client` is the address the attempt came from
/// (`None` for a tool on the server itself); failures are counted per name and address and per
/// address in the database, so every server and a restarted one throttle alike.
///
/// # Errors
/// [`ServiceError::Invalid`] without a name or password; [`ServiceError::Throttled`] while
/// `client` must wait (see [`login_wait`]); [`ServiceError::Unauthenticated`] for a wrong name
/// or password.
pub fn login(
    ctx: &AppContext,
    credentials: &Credentials,
    client: Option<IpAddr>,
) -> ServiceResult<Session> {
    let username = credentials.username.as_deref().unwrap_or_default().trim();
    let password = credentials.password.as_deref().unwrap_or_default();
    let mut errors = ValidationErrors::new();
    if username.is_empty() {
        errors.push("username", "必須項目です");
    }
    if password.is_empty() {
        errors.push("password", "必須項目です");
    }
    errors.into_result(|| ())?;
    // The name as tried, cut short: it is what a client typed, not personal data of ours.
    let tried: String = username.chars().take(64).collect();
    let client = client.map(client_key);
    let client = client.as_deref();
    let settings = &ctx.settings;
    let mut conn = ctx.conn()?;
    let now = storage::now();
    let kept = settings.login_failures_kept.max(settings.login_window);
    login_failures::purge(&mut conn, ago(now, kept))?;
    if let Some(wait) = login_wait(&mut conn, settings, &tried, client, now)? {
        drop(conn);
        record(ctx, failed_login(&tried, "throttled"))?;
        let secs = u64::try_from(wait.as_millis().div_ceil(1000)).unwrap_or(u64::MAX);
        return Err(ServiceError::Throttled {
            retry_after_secs: secs.max(1),
        });
    }
    let found = users::find_by_name(&mut conn, username)?;
    let ok = match &found {
        Some((user, hash)) => password_matches(password, hash) && user.active,
        None => {
            let _ = password_matches(password, DECOY_HASH);
            false
        }
    };
    let Some((user, _)) = found.filter(|_| ok) else {
        login_failures::insert(&mut conn, &tried, client, storage::now())?;
        drop(conn);
        record(ctx, failed_login(&tried, "wrong_credentials"))?;
        return Err(ServiceError::Unauthenticated);
    };
    login_failures::clear(&mut conn, &tried, client)?;
    let token = random_token()?;
    let now = storage::now();
    let ttl = chrono::Duration::from_std(ctx.settings.session_ttl)
        .unwrap_or_else(|_| chrono::Duration::hours(12));
    let expires_at = now + ttl;
    users::insert_session(&mut conn, &token_hash(&token), user.id, now, expires_at)?;
    drop(conn);
    record(
        ctx,
        AuditRecord {
            actor: user.username.clone(),
            role: Some(user.role),
            action: "login".into(),
            target: "/api/v1/sessions".into(),
            registrant_ids: Vec::new(),
            incident_grants: Vec::new(),
            outcome: "ok".into(),
        },
    )?;
    Ok(Session {
        token,
        expires_at,
        username: user.username,
        role: user.role,
    })
}

/// How long an attempt for `username` from `client` must still wait, if at all. Two rules,
/// the longer wait wins:
///
/// - by account and address: after `login_max_failures` failures for the name from this
///   address within `login_window`, that address waits before trying the name again; the same
///   name from another address is not slowed, so an attacker cannot lock the real user out;
/// - by address: after `login_client_max_failures` failures from this address for any names
///   within the window, it waits before trying any name.
///
/// The wait after the failure that reaches a limit is `login_first_delay`, and each further
/// failure doubles it, up to `login_max_delay`; it runs from the latest failure. Refused
/// attempts are not failures, so asking too early does not lengthen the wait.
fn login_wait(
    conn: &mut storage::DbConnection,
    settings: &crate::config::Settings,
    username: &str,
    client: Option<&str>,
    now: NaiveDateTime,
) -> ServiceResult<Option<Duration>> {
    let since = ago(now, settings.login_window);
    let delays = Delays {
        first: settings.login_first_delay,
        max: settings.login_max_delay,
    };
    let by_name = delays.wait(
        login_failures::for_name_from(conn, username, client, since)?,
        settings.login_max_failures,
        now,
    );
    let by_client = delays.wait(
        login_failures::from(conn, client, since)?,
        settings.login_client_max_failures,
        now,
    );
    Ok(by_name.max(by_client))
}

/// The growing waits of login throttling.
#[derive(Debug, Clone, Copy)]
struct Delays {
    first: Duration,
    max: Duration,
}

impl Delays {
    /// The wait left at `now` after `failures` under a limit of `limit` failures: none below
    /// the limit; `first` after the failure that reaches it, doubled by each further one, at
    /// most `max`, counted from the latest failure.
    fn wait(self, failures: Failures, limit: usize, now: NaiveDateTime) -> Option<Duration> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let latest = failures.latest?;
        if failures.count < limit.max(1) {
            return None;
        }
        let doublings = u32::try_from(failures.count - limit.max(1)).unwrap_or(u32::MAX);
        let factor = 1_u32.checked_shl(doublings).unwrap_or(u32::MAX);
        let delay = self.first.saturating_mul(factor).min(self.max);
        let until = chrono::Duration::from_std(delay)
            .ok()
            .and_then(|d| latest.checked_add_signed(d))?;
        (until - now).to_std().ok().filter(|left| !left.is_zero())
    }
}

/// `span` before `now` (the earliest time when `span` does not fit).
fn ago(now: NaiveDateTime, span: Duration) -> NaiveDateTime {
    chrono::Duration::from_std(span)
        .ok()
        .and_then(|d| now.checked_sub_signed(d))
        .unwrap_or(NaiveDateTime::MIN)
}

/// The address failed logins are counted under: IPv4 as it is; IPv6 cut to its /64 (a single
/// subscriber usually holds a whole /64, and could otherwise walk through its addresses); an
/// IPv4 address written as IPv6 (`::ffff:192.0.2.1`) as IPv4.
fn client_key(ip: IpAddr) -> String {
    match ip.to_canonical() {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{}/64", Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
        }
    }
}

fn failed_login(tried: &str, outcome: &str) -> AuditRecord {
    AuditRecord {
        actor: tried.to_owned(),
        role: None,
        action: "login_failed".into(),
        target: "/api/v1/sessions".into(),
        registrant_ids: Vec::new(),
        incident_grants: Vec::new(),
        outcome: outcome.into(),
    }
}

/// The caller behind a bearer token, if the session is live.
///
/// # Errors
/// [`ServiceError::Unavailable`] when the database is down.
pub fn authenticate(ctx: &AppContext, token: &str) -> ServiceResult<Option<Caller>> {
    let mut conn = ctx.conn()?;
    Ok(
        users::session_user(&mut conn, &token_hash(token), storage::now())?
            .map(|(user, _)| Caller { user }),
    )
}

/// Ends the session of `token`.
///
/// # Errors
/// [`ServiceError::Unauthenticated`] when the session is not live.
pub fn logout(ctx: &AppContext, caller: &Caller, token: &str) -> ServiceResult<()> {
    let mut conn = ctx.conn()?;
    if !users::revoke_session(&mut conn, &token_hash(token), storage::now())? {
        return Err(ServiceError::Unauthenticated);
    }
    drop(conn);
    record(
        ctx,
        caller_record(
            caller,
            "logout",
            "/api/v1/sessions/current",
            Vec::new(),
            Vec::new(),
        ),
    )
}

/// A new user as given by an administrator.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct NewUser {
    pub username: Option<String>,
    /// `admin`, `staff`, `district`, `volunteer_centre` or `auditor`.
    pub role: Option<String>,
    /// District codes (e.g. `D01`) of a `district` user.
    pub districts: Option<Vec<String>>,
    pub password: Option<String>,
}

/// Adds a user.
///
/// # Errors
/// [`ServiceError::Invalid`] for a bad name, role, district or password;
/// [`ServiceError::Duplicate`] for a name in use.
pub fn add_user(ctx: &AppContext, caller: &Caller, new: &NewUser) -> ServiceResult<User> {
    if caller.role() != Role::Admin {
        return Err(ServiceError::Forbidden);
    }
    let username = new
        .username
        .as_deref()
        .unwrap_or_default()
        .trim()
        .to_owned();
    let password = new.password.clone().unwrap_or_default();
    let role = Role::parse(new.role.as_deref().unwrap_or_default())
        .map_err(|m| ValidationErrors::one("role", m))?;
    let mut conn = ctx.conn()?;
    let mut districts = Vec::new();
    for code in new.districts.iter().flatten() {
        match storage::districts::find_by_code(&mut conn, code.trim())? {
            Some(id) => districts.push(id),
            None => {
                return Err(ValidationErrors::one(
                    "districts",
                    format!("地区コード「{code}」は登録されていません"),
                )
                .into());
            }
        }
    }
    check_new_user(&username, role, &districts, &password)?;
    if users::find_by_name(&mut conn, &username)?.is_some() {
        return Err(ServiceError::Duplicate { field: "username" });
    }
    let hash = hash_password(&password)?;
    storage::write_transaction(&mut conn, |conn| {
        let user = users::insert(conn, &username, role, &districts, &hash, storage::now())?;
        let target = format!("user {} added as {}", user.username, role.as_str());
        audit_change(ctx, conn, caller, &target, &[])?;
        Ok(user)
    })
}

/// Sets a new password for an existing user (the administrator's way back in when a
/// password is lost) and ends that user's live sessions. Recorded in the audit log under
/// `operator`.
///
/// # Errors
/// [`ServiceError::Invalid`] for a password that breaks the rules; [`ServiceError::NotFound`]
/// for an unknown name.
pub fn set_password(
    ctx: &AppContext,
    caller: &Caller,
    username: &str,
    password: &str,
) -> ServiceResult<()> {
    if caller.role() != Role::Admin {
        return Err(ServiceError::Forbidden);
    }
    let username = username.trim();
    if let Some(message) = crate::domain::access::password_problem(username, password) {
        return Err(ValidationErrors::one("password", message).into());
    }
    let hash = hash_password(password)?;
    storage::write_transaction(&mut *ctx.conn()?, |conn| {
        if !users::set_password(conn, username, &hash, storage::now())? {
            return Err(ServiceError::NotFound("user"));
        }
        audit_change(
            ctx,
            conn,
            caller,
            &format!("user {username} password set"),
            &[],
        )
    })
}

/// Changes the caller's own password, when `current` is right and `new` keeps the password
/// rule; every session of the user ends, this one too, so the new password is used at once
/// everywhere. Recorded in the audit log (never the passwords).
///
/// # Errors
/// [`ServiceError::Invalid`] under `current_password` for a wrong current password (counted
/// as a failed login, so guessing through this form is throttled like the login) and under
/// `new_password` for one that breaks the rules.
pub fn change_own_password(
    ctx: &AppContext,
    caller: &Caller,
    current: &str,
    new: &str,
) -> ServiceResult<()> {
    let username = caller.actor().to_owned();
    let mut conn = ctx.conn()?;
    let now = storage::now();
    if let Some(wait) = login_wait(&mut conn, &ctx.settings, &username, None, now)? {
        let secs = u64::try_from(wait.as_millis().div_ceil(1000)).unwrap_or(u64::MAX);
        return Err(ServiceError::Throttled {
            retry_after_secs: secs.max(1),
        });
    }
    let matches = users::find_by_name(&mut conn, &username)?
        .is_some_and(|(user, hash)| user.active && password_matches(current, &hash));
    if !matches {
        login_failures::insert(&mut conn, &username, None, storage::now())?;
        drop(conn);
        record(ctx, failed_login(&username, "wrong_current_password"))?;
        return Err(ValidationErrors::one("current_password", "今のパスワードが違います").into());
    }
    if current == new {
        return Err(ValidationErrors::one(
            "new_password",
            "今のパスワードとは違うパスワードにしてください",
        )
        .into());
    }
    if let Some(message) = crate::domain::access::password_problem(&username, new) {
        return Err(ValidationErrors::one("new_password", message).into());
    }
    let hash = hash_password(new)?;
    storage::write_transaction(&mut conn, |conn| {
        if !users::set_password(conn, &username, &hash, storage::now())? {
            return Err(ServiceError::NotFound("user"));
        }
        audit_change(
            ctx,
            conn,
            caller,
            &format!("user {username} changed own password"),
            &[],
        )
    })
}

/// Every user.
///
/// # Errors
/// [`ServiceError::Unavailable`].
pub fn list_users(ctx: &AppContext) -> ServiceResult<Vec<User>> {
    Ok(users::list(&mut *ctx.conn()?)?)
}

/// How many users exist (the demo creates its own only into an empty table).
pub(crate) fn user_count(ctx: &AppContext) -> ServiceResult<i64> {
    Ok(users::count(&mut *ctx.conn()?)?)
}

// ---------------------------------------------------------------------------------------------
// Visibility

/// What a caller may see of the register: the grants in force now.
pub struct Scope {
    caller_districts: Option<Vec<DistrictId>>,
    reaches: Vec<IncidentReach<PreparedArea>>,
}

impl Scope {
    /// The scope of `caller` now: everything for staff and admin, their districts under the
    /// consent model and open incidents for a district user, nothing for other roles.
    ///
    /// # Errors
    /// A storage error.
    pub fn of(
        ctx: &AppContext,
        conn: &mut storage::DbConnection,
        caller: &Caller,
    ) -> ServiceResult<Self> {
        if caller.sees_register() {
            return Ok(Self {
                caller_districts: None,
                reaches: Vec::new(),
            });
        }
        let districts = if caller.role() == Role::District {
            caller.user.districts.clone()
        } else {
            Vec::new()
        };
        let now = storage::now();
        let open: Vec<(Incident, bool)> = incidents::not_closed_without_area(conn, now)?
            .into_iter()
            .filter(|(i, _)| i.open)
            .collect();
        let mut areas = ctx.incident_areas.of_open(conn, &open)?;
        let reaches = open
            .into_iter()
            .map(|(i, _)| IncidentReach {
                id: i.id,
                area: areas.remove(&i.id),
                districts: i.districts,
            })
            .collect();
        Ok(Self {
            caller_districts: Some(districts),
            reaches,
        })
    }

    /// The grant for each record (None: invisible), in order.
    ///
    /// # Errors
    /// A storage error.
    pub fn grants(
        &self,
        ctx: &AppContext,
        conn: &mut storage::DbConnection,
        records: &[Registrant],
    ) -> ServiceResult<Vec<Option<Grant>>> {
        let Some(own) = &self.caller_districts else {
            return Ok(vec![Some(Grant::Register); records.len()]);
        };
        let mine: Vec<&Registrant> = records
            .iter()
            .filter(|r| r.facts.district_id.is_some_and(|d| own.contains(&d)))
            .collect();
        let ids: Vec<RegistrantId> = mine.iter().map(|r| r.id).collect();
        let answers = latest_sharing(conn, &ids)?;
        let today = ctx.today();
        Ok(records
            .iter()
            .map(|r| {
                if !r.facts.district_id.is_some_and(|d| own.contains(&d)) {
                    return None;
                }
                let answer = answers.get(&r.id).copied();
                let registered_on = r.created_at.date();
                if shared_in_normal_times(
                    ctx.settings.consent_model,
                    answer,
                    registered_on,
                    today,
                    ctx.settings.presumed_consent_days,
                ) {
                    return Some(Grant::Consent);
                }
                let home = r.data.location.map(|p| (p.lon(), p.lat()));
                self.reaches
                    .iter()
                    .find(|reach| reach.covers(r.facts.district_id, home))
                    .map(|reach| Grant::Incident(reach.id))
            })
            .collect())
    }

    /// Whether district filtering applies (false for staff and admin).
    pub fn is_limited(&self) -> bool {
        self.caller_districts.is_some()
    }

    /// The districts a limited caller may see people of; `None` for the whole register.
    pub fn districts(&self) -> Option<&[DistrictId]> {
        self.caller_districts.as_deref()
    }
}

/// The grant `caller` has over each record now (None: hidden), in order: the scope and the
/// check of every person, as each page of a view makes them.
///
/// # Errors
/// A storage error.
pub fn grants_of(
    ctx: &AppContext,
    caller: &Caller,
    records: &[Registrant],
) -> ServiceResult<Vec<Option<Grant>>> {
    let mut conn = ctx.conn()?;
    Scope::of(ctx, &mut conn, caller)?.grants(ctx, &mut conn, records)
}

fn latest_sharing(
    conn: &mut storage::DbConnection,
    ids: &[RegistrantId],
) -> ServiceResult<HashMap<RegistrantId, SharingAnswer>> {
    let mut answers = HashMap::new();
    for consent in consents::latest_of_kind(conn, ConsentKind::RegisterSharing, ids)? {
        answers.insert(
            consent.registrant_id,
            SharingAnswer {
                given: consent.given,
                date: consent.date,
            },
        );
    }
    Ok(answers)
}

// ---------------------------------------------------------------------------------------------
// Audit

/// An audit record for what `caller` did.
pub fn caller_record(
    caller: &Caller,
    action: &str,
    target: &str,
    registrant_ids: Vec<RegistrantId>,
    incident_grants: Vec<(RegistrantId, IncidentId)>,
) -> AuditRecord {
    AuditRecord {
        actor: caller.actor().to_owned(),
        role: Some(caller.role()),
        action: action.to_owned(),
        target: target.to_owned(),
        registrant_ids,
        incident_grants,
        outcome: "ok".to_owned(),
    }
}

/// Appends to the audit log in a transaction of its own, for events that change nothing else
/// (a login, a logout, a refused request). Everything that reads or changes the register
/// records itself with [`record_in`] inside its own transaction instead.
///
/// # Errors
/// A storage error (the caller must not answer as if the access had been recorded).
pub fn record(ctx: &AppContext, record: AuditRecord) -> ServiceResult<()> {
    let mut conn = ctx.conn()?;
    storage::write_transaction(&mut conn, |c| record_in(ctx, c, &record))
}

/// Appends to the audit log inside the caller's transaction, so that what it records and the
/// record itself commit together, or neither does. Call it last in the transaction (see
/// [`storage::audit::append`]).
///
/// # Errors
/// A storage error, which rolls the whole transaction back.
pub(crate) fn record_in(
    ctx: &AppContext,
    conn: &mut storage::DbConnection,
    record: &AuditRecord,
) -> ServiceResult<()> {
    audit::append(conn, record, storage::now(), ctx.audit_key()?)?;
    Ok(())
}

/// Records, inside the caller's transaction, that `caller` did `action` on `target`, naming
/// the people concerned and marking those seen only by the incident rule.
///
/// # Errors
/// A storage error, which rolls the whole transaction back.
pub(crate) fn audit_in(
    ctx: &AppContext,
    conn: &mut storage::DbConnection,
    caller: &Caller,
    action: &str,
    target: &str,
    seen: &[(RegistrantId, Grant)],
) -> ServiceResult<()> {
    record_in(ctx, conn, &access_record(caller, action, target, seen))
}

/// Runs a read that names no registrant (supporters, volunteers, help requests) in one write
/// transaction with its audit entry: `f` returns what it read and the target to record, which
/// names the ids read.
///
/// # Errors
/// Whatever `f` returns, and storage errors; nothing is returned unless it is recorded.
pub(crate) fn read_recorded<T>(
    ctx: &AppContext,
    caller: &Caller,
    mut f: impl FnMut(&mut storage::DbConnection) -> ServiceResult<(T, String)>,
) -> ServiceResult<T> {
    storage::audited_read(&mut *ctx.conn()?, |conn| {
        let (found, target) = f(conn)?;
        record_in(
            ctx,
            conn,
            &caller_record(caller, "read", &target, Vec::new(), Vec::new()),
        )?;
        Ok(found)
    })
}

/// `what` and the ids read, as an audit target: `supporters 3,5,8`.
pub(crate) fn ids_target(what: &str, ids: impl IntoIterator<Item = i64>) -> String {
    let ids: Vec<String> = ids.into_iter().map(|id| id.to_string()).collect();
    format!("{what} {}", ids.join(","))
}

/// Records a change of the register inside its transaction, naming the people concerned.
///
/// # Errors
/// A storage error, which rolls the whole transaction back.
pub(crate) fn audit_change(
    ctx: &AppContext,
    conn: &mut storage::DbConnection,
    caller: &Caller,
    target: &str,
    people: &[RegistrantId],
) -> ServiceResult<()> {
    record_in(
        ctx,
        conn,
        &caller_record(caller, "change", target, people.to_vec(), Vec::new()),
    )
}

/// The audit record of people seen, marking those seen only by the incident rule.
pub fn access_record(
    caller: &Caller,
    action: &str,
    target: &str,
    seen: &[(RegistrantId, Grant)],
) -> AuditRecord {
    let ids = seen.iter().map(|(id, _)| *id).collect();
    let grants = seen
        .iter()
        .filter_map(|(id, g)| match g {
            Grant::Incident(i) => Some((*id, *i)),
            _ => None,
        })
        .collect();
    caller_record(caller, action, target, ids, grants)
}

/// A page of the audit log.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditEntry>,
    /// Pass as `after` for the next page.
    pub next_after: Option<i64>,
}

/// A page of the audit log, oldest first, after entry `after`.
///
/// # Errors
/// [`ServiceError::Unavailable`].
pub fn audit_page(ctx: &AppContext, after: i64, limit: i64) -> ServiceResult<Vec<AuditEntry>> {
    let limit = limit.clamp(1, ctx.settings.list_limit_max.max(1000));
    Ok(audit::page(&mut *ctx.conn()?, after, limit)?)
}

/// [`audit_page`] for the auditor, the one role that reads the log (API and pages alike).
///
/// # Errors
/// [`ServiceError::Forbidden`] for any other role.
pub fn audit_page_for(
    ctx: &AppContext,
    caller: &Caller,
    after: i64,
    limit: i64,
) -> ServiceResult<Vec<AuditEntry>> {
    if caller.role() != Role::Auditor {
        return Err(ServiceError::Forbidden);
    }
    audit_page(ctx, after, limit)
}

/// [`verify_audit`] for the auditor (the command line's `audit verify` runs on the server
/// itself).
///
/// # Errors
/// [`ServiceError::Forbidden`] for any other role; as [`verify_audit`].
pub fn verify_audit_for(ctx: &AppContext, caller: &Caller) -> ServiceResult<ChainCheck> {
    if caller.role() != Role::Auditor {
        return Err(ServiceError::Forbidden);
    }
    verify_audit(ctx)
}

/// [`list_users`] for an administrator, the one role that manages accounts.
///
/// # Errors
/// [`ServiceError::Forbidden`] for any other role.
pub fn list_users_for(ctx: &AppContext, caller: &Caller) -> ServiceResult<Vec<User>> {
    if caller.role() != Role::Admin {
        return Err(ServiceError::Forbidden);
    }
    list_users(ctx)
}

// The chain check lives beside the key and anchor files it needs.
pub use super::audit_chain::{ChainCheck, anchor_now, verify_audit};

/// Fields of a registrant a district user sees: what support needs, nothing more (no external
/// id, disability grades, diagnoses, doctor, medicines, allergies, care manager or notes).
const DISTRICT_FIELDS: &[&str] = &[
    "id",
    "version",
    "status",
    "district_id",
    "hazard_exposure",
    "name",
    "name_kana",
    "birth_date",
    "sex",
    "address",
    "phone",
    "latitude",
    "longitude",
    "support_reasons",
    "household",
    "care_level",
    "mobility",
    "medical_devices",
    "electricity_dependent",
    "communication_needs",
    "dwelling",
    "emergency_contacts",
    "priority",
];

/// A registrant as `grant` lets the caller see it: whole for the register's staff, cut to
/// [`DISTRICT_FIELDS`] for a district user, with `shared_by` saying which rule let them see it.
pub fn shown<T: Serialize>(view: &T, grant: Grant) -> serde_json::Value {
    let value = serde_json::to_value(view).unwrap_or_default();
    match (grant, value) {
        (Grant::Register, value) => value,
        (grant, serde_json::Value::Object(mut map)) => {
            map.retain(|k, _| DISTRICT_FIELDS.contains(&k.as_str()));
            let basis = match grant {
                Grant::Incident(id) => serde_json::json!({"rule": "incident", "incident_id": id}),
                _ => serde_json::json!({"rule": "consent"}),
            };
            map.insert("shared_by".into(), basis);
            serde_json::Value::Object(map)
        }
        (_, other) => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> NaiveDateTime {
        chrono::DateTime::from_timestamp(1_783_000_000 + secs, 0)
            .unwrap()
            .naive_utc()
    }

    fn failures(count: i64, latest: i64) -> Failures {
        Failures {
            count,
            latest: Some(at(latest)),
        }
    }

    #[test]
    fn login_waits_start_at_the_limit_double_with_each_failure_and_stop_at_the_cap() {
        let delays = Delays {
            first: Duration::from_secs(2),
            max: Duration::from_secs(900),
        };
        let secs = |s| Some(Duration::from_secs(s));
        assert_eq!(delays.wait(failures(4, 0), 5, at(0)), None);
        assert_eq!(delays.wait(failures(5, 0), 5, at(0)), secs(2));
        assert_eq!(delays.wait(failures(6, 0), 5, at(0)), secs(4));
        assert_eq!(delays.wait(failures(7, 0), 5, at(0)), secs(8));
        assert_eq!(
            delays.wait(failures(7, 0), 5, at(3)),
            secs(5),
            "the wait runs from the latest failure"
        );
        assert_eq!(delays.wait(failures(7, 0), 5, at(8)), None);
        assert_eq!(
            delays.wait(failures(14, 0), 5, at(0)),
            secs(900),
            "1024 s capped"
        );
        assert_eq!(delays.wait(failures(i64::MAX, 0), 5, at(0)), secs(900));
        let none = Failures {
            count: 0,
            latest: None,
        };
        assert_eq!(delays.wait(none, 0, at(0)), None);
    }

    #[test]
    fn random_demo_passwords_meet_the_password_rule_without_redrawing() {
        for _ in 0..300 {
            let drawn = random_hex20().unwrap();
            assert_eq!(drawn.len(), 20);
            assert_eq!(
                crate::domain::access::password_problem("demo-staff", &drawn),
                None,
                "{drawn}"
            );
        }
    }

    #[test]
    fn failures_are_counted_per_ipv4_address_and_per_ipv6_network() {
        let key = |s: &str| client_key(s.parse().unwrap());
        assert_eq!(key("192.0.2.7"), "192.0.2.7");
        assert_eq!(key("::ffff:192.0.2.7"), "192.0.2.7");
        assert_eq!(key("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(key("2001:db8:1:2:bbbb::9"), key("2001:db8:1:2:aaaa::1"));
        assert_ne!(key("2001:db8:1:3::1"), key("2001:db8:1:2::1"));
    }
}
