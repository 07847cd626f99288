//! The day's papers: the roster and each team's dispatch slip, through the print register.

use super::*;

/// A printed document and its serial.
#[derive(Debug, Clone)]
pub struct Printed {
    pub bytes: Vec<u8>,
    pub serial: String,
}

pub(super) fn roster_team(view: &TeamView) -> RosterTeam {
    let member = |m: &MemberView| RosterMember {
        registration_number: m.registration_number.clone(),
        name: m.name.clone(),
        phone: m.phone.clone(),
        insured: m.insured,
        party_name: m.party_name.clone(),
        minor: m.age_band.is_minor(),
    };
    RosterTeam {
        number: view.number,
        status: view.status.label_ja().to_owned(),
        leader: view.leader.as_ref().map(member),
        members: view.members.iter().map(member).collect(),
        requests: view
            .requests
            .iter()
            .map(|r| RosterRequest {
                id: r.id.0,
                requester_name: r.requester_name.clone(),
                address: r.address.clone(),
                phone: r.phone.clone(),
                registrant: r.is_registrant,
                work: r
                    .work_types
                    .iter()
                    .map(|w| w.label_ja())
                    .collect::<Vec<_>>()
                    .join("・"),
                people_needed: r.people_needed,
                details: if r.skills_needed.is_empty() {
                    String::new()
                } else {
                    format!(
                        "必要な技能: {}",
                        r.skills_needed
                            .iter()
                            .map(|s| s.label_ja())
                            .collect::<Vec<_>>()
                            .join("・")
                    )
                },
                tools: r.tools.clone(),
                notes: r.notes.clone(),
                latitude: r.latitude,
                longitude: r.longitude,
            })
            .collect(),
        equipment: view
            .equipment
            .iter()
            .map(|e| {
                let back = if e.returned_at.is_some() {
                    "（返却済）"
                } else {
                    ""
                };
                format!("{}×{}{back}", e.item, e.quantity)
            })
            .collect(),
    }
}

/// Registrants of the register whose homes the listed teams visit: the print register must
/// know every printed copy that carries their data.
pub(super) fn registrants_shown(
    conn: &mut DbConnection,
    views: &[TeamView],
) -> ServiceResult<Vec<crate::domain::RegistrantId>> {
    let ids: Vec<HelpRequestId> = views
        .iter()
        .flat_map(|t| t.requests.iter().filter(|r| r.is_registrant).map(|r| r.id))
        .collect();
    let mut out: Vec<_> = help_requests::find_many(conn, &ids)?
        .into_iter()
        .filter_map(|r| r.data.registrant_id)
        .collect();
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

/// The day's roster as PDF, registered in the print register (kind `roster`) and audited in
/// one transaction, rendered after it commits. If rendering fails the copy is withdrawn.
///
/// # Errors
/// A storage error, or [`ServiceError::Storage`] wrapping a render failure.
pub fn roster_pdf(
    ctx: &AppContext,
    day: NaiveDate,
    holder: &str,
    actor: Actor<'_>,
) -> ServiceResult<Printed> {
    let holder = holder_or_default(holder);
    let mut conn = ctx.conn()?;
    let (roster, shown) = storage::write_transaction(&mut conn, |conn| {
        let records = teams::for_day(conn, day)?;
        let views = views(conn, records)?;
        let shown = registrants_shown(conn, &views)?;
        let copy = prints::register(conn, "roster", &shown, None, actor, &holder)?;
        record_print(ctx, conn, actor, &copy.serial, &shown)?;
        let roster = Roster {
            serial: copy.serial,
            day,
            printed_by: actor.actor().to_owned(),
            holder,
            centre_phone: ctx.settings.centre_phone.clone(),
            teams: views.iter().map(roster_team).collect(),
        };
        Ok::<_, ServiceError>((roster, shown))
    })?;
    rendered(ctx, &mut conn, actor, &roster.serial, &shown, || {
        render_roster(&roster)
    })
}

/// One team's dispatch slip as PDF, registered (kind `dispatch_slip`), held by the leader.
///
/// # Errors
/// [`ServiceError::NotFound`] for an unknown team.
pub fn slip_pdf(ctx: &AppContext, id: TeamId, actor: Actor<'_>) -> ServiceResult<Printed> {
    let mut conn = ctx.conn()?;
    let (slip, shown) = storage::write_transaction(&mut conn, |conn| {
        let view = view_team(conn, id)?;
        let shown = registrants_shown(conn, std::slice::from_ref(&view))?;
        let holder = match &view.leader {
            Some(l) => format!("第{}班リーダー {}", view.number, l.registration_number),
            None => format!("第{}班", view.number),
        };
        let copy = prints::register(conn, "dispatch_slip", &shown, None, actor, &holder)?;
        record_print(ctx, conn, actor, &copy.serial, &shown)?;
        let slip = DispatchSlip {
            serial: copy.serial,
            day: view.date,
            printed_by: actor.actor().to_owned(),
            centre_phone: ctx.settings.centre_phone.clone(),
            team: roster_team(&view),
        };
        Ok::<_, ServiceError>((slip, shown))
    })?;
    rendered(ctx, &mut conn, actor, &slip.serial, &shown, || {
        render_slip(&slip)
    })
}

/// Renders a copy registered and audited already, outside the write lock; a copy that fails
/// to render is withdrawn from the register and the failure recorded.
fn rendered(
    ctx: &AppContext,
    conn: &mut DbConnection,
    actor: Actor<'_>,
    serial: &str,
    shown: &[crate::domain::RegistrantId],
    render: impl FnOnce() -> Result<Vec<u8>, crate::reports::roster::RenderError>,
) -> ServiceResult<Printed> {
    match render() {
        Ok(bytes) => Ok(Printed {
            bytes,
            serial: serial.to_owned(),
        }),
        Err(e) => Err(crate::services::prints::withdraw_failed(
            ctx,
            conn,
            actor,
            serial,
            shown,
            render_failed(e),
        )),
    }
}

pub(super) fn holder_or_default(holder: &str) -> String {
    let holder = text::normalize_spaces(holder);
    if holder.is_empty() {
        DEFAULT_HOLDER.to_owned()
    } else {
        holder
    }
}

pub(super) fn render_failed(e: crate::reports::roster::RenderError) -> ServiceError {
    ServiceError::System(format!("rendering a document: {e}"))
}

/// Records a printed roster or slip in the audit log, in the print's transaction.
fn record_print(
    ctx: &AppContext,
    conn: &mut DbConnection,
    actor: Actor<'_>,
    serial: &str,
    shown: &[crate::domain::RegistrantId],
) -> ServiceResult<()> {
    let record =
        crate::services::access::caller_record(actor, "print", serial, shown.to_vec(), Vec::new());
    crate::services::access::record_in(ctx, conn, &record)
}
