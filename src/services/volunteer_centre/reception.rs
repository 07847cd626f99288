//! Reception: volunteers register alone or as a group, and check in and out by their number.

use super::*;

/// A group registered together.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Party {
    pub party_id: VolunteerId,
    pub party_name: String,
    pub members: Vec<Volunteer>,
}

/// Registers one volunteer and gives them a registration number.
///
/// # Errors
/// [`ServiceError::Invalid`] naming each invalid field (no insurance, a minor without a
/// guardian's consent…).
pub fn register_volunteer(
    ctx: &AppContext,
    caller: &Caller,
    input: &VolunteerInput,
) -> ServiceResult<Volunteer> {
    let data = VolunteerData::parse(
        input,
        ctx.today(),
        ctx.settings.volunteer_insurance_required,
    )?;
    audited(ctx, caller, "volunteer registered", |conn| {
        Ok(volunteers::insert(conn, &data, None, storage::now())?)
    })
}

/// Registers a group: every member gets a registration number; they share a party id (the
/// first member's) so that a proposal never splits them.
///
/// # Errors
/// [`ServiceError::Invalid`] naming each invalid field as `members[i].field`.
pub fn register_group(
    ctx: &AppContext,
    caller: &Caller,
    input: &GroupInput,
) -> ServiceResult<Party> {
    let group = GroupData::parse(
        input,
        ctx.today(),
        ctx.settings.volunteer_insurance_required,
    )?;
    audited(ctx, caller, "volunteer group registered", |conn| {
        let now = storage::now();
        let mut members = Vec::with_capacity(group.members.len());
        let mut party = None;
        for data in &group.members {
            let v = volunteers::insert(conn, data, Some((party, &group.party_name)), now)?;
            party = party.or(v.party_id);
            members.push(v);
        }
        Ok(Party {
            party_id: party.unwrap_or(VolunteerId(0)),
            party_name: group.party_name.clone(),
            members,
        })
    })
}

/// Reads one volunteer.
///
/// # Errors
/// [`ServiceError::NotFound`].
pub fn get_volunteer(ctx: &AppContext, caller: &Caller, key: &str) -> ServiceResult<Volunteer> {
    audited_read(ctx, caller, &format!("volunteer {}", key.trim()), |conn| {
        find_volunteer(conn, key)
    })
}

/// The day of a check-in or check-out; today in Japan when omitted.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DayInput {
    /// YYYY-MM-DD; today (Japan time) when omitted.
    pub date: Option<String>,
}

impl DayInput {
    fn day(&self, ctx: &AppContext) -> Result<NaiveDate, ValidationErrors> {
        match self.date.as_deref() {
            Some(d) => parse_day("date", d),
            None => Ok(ctx.today()),
        }
    }
}

/// A check-in and whether it was made now (false: the volunteer was already checked in).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CheckInResult {
    #[serde(flatten)]
    pub check_in: CheckIn,
    pub registration_number: String,
    pub name: String,
    pub insured: bool,
    pub created: bool,
}

/// Checks a returning volunteer in for the day; checking in twice returns the open check-in.
///
/// # Errors
/// [`ServiceError::NotFound`] for an unknown id or number; [`ServiceError::Invalid`] for a bad
/// date.
pub fn check_in(
    ctx: &AppContext,
    caller: &Caller,
    key: &str,
    input: &DayInput,
) -> ServiceResult<CheckInResult> {
    let day = input.day(ctx)?;
    audited(
        ctx,
        caller,
        &format!("volunteer {} check-in", key.trim()),
        |conn| {
            let v = find_volunteer(conn, key)?;
            let (check_in, created) = match volunteers::open_check_in(conn, v.id, day)? {
                Some(open) => (open, false),
                None => (
                    volunteers::insert_check_in(conn, v.id, day, storage::now())?,
                    true,
                ),
            };
            Ok(CheckInResult {
                check_in,
                registration_number: v.registration_number,
                name: v.data.name,
                insured: v.data.insured,
                created,
            })
        },
    )
}

/// Checks a volunteer out.
///
/// # Errors
/// [`ServiceError::NotFound`]; [`ServiceError::WrongState`] when not checked in that day.
pub fn check_out(
    ctx: &AppContext,
    caller: &Caller,
    key: &str,
    input: &DayInput,
) -> ServiceResult<CheckIn> {
    let day = input.day(ctx)?;
    audited(
        ctx,
        caller,
        &format!("volunteer {} check-out", key.trim()),
        |conn| {
            let v = find_volunteer(conn, key)?;
            let open = volunteers::open_check_in(conn, v.id, day)?.ok_or_else(|| {
                ServiceError::WrongState("この日の受付（チェックイン）がありません".into())
            })?;
            Ok(volunteers::check_out(conn, open.id, storage::now())?)
        },
    )
}
