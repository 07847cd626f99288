//! `/api/v1/volunteer-centre/…`: the disaster volunteer centre — volunteers and check-ins, help
//! requests (ニーズ), the day's teams, rosters and daily statistics.
//!
//! Only the `volunteer_centre`, `staff` and `admin` roles may call these routes (see
//! `http/auth.rs`); every change is written to the audit log under the caller's name.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, patch, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

use super::extract::{IfMatch, JsonBody, with_etag};
use super::registrants::{HolderQuery, Items, pdf_response};
use super::{ApiError, Problem, block};
use crate::domain::volunteer::{
    GroupInput, HelpRequest, HelpRequestInput, Volunteer, VolunteerInput,
};
use crate::domain::{HelpRequestId, TeamId};
use crate::services::access::Caller;
use crate::services::volunteer_centre::{
    self as centre, CheckInResult, DayInput, DayStats, HelpRequestQuery, LendInput, Party,
    Proposal, ReportInput, ReturnInput, TeamPatch, TeamView,
};
use crate::services::{AppContext, CheckIn, Page};

type Ctx = web::Data<AppContext>;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(create_volunteer)
        .service(get_volunteer)
        .service(check_in_volunteer)
        .service(check_out_volunteer)
        .service(create_help_request)
        .service(list_help_requests)
        .service(get_help_request)
        .service(propose_teams)
        .service(list_teams)
        .service(get_team)
        .service(patch_team)
        .service(confirm_team)
        .service(lend_equipment)
        .service(return_equipment)
        .service(depart_team)
        .service(return_team)
        .service(report_team)
        .service(team_slip_pdf)
        .service(roster_pdf)
        .service(day_stats_csv)
        .service(day_stats);
}

/// A body that may be left empty (a check-in at a busy desk sends nothing).
fn optional_body<T: serde::de::DeserializeOwned + Default>(
    bytes: &web::Bytes,
) -> Result<T, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| ApiError::BadJson(e.to_string()))?;
    JsonBody(value).into_input()
}

/// The `date` query of a day's proposal or team list.
#[derive(serde::Deserialize, utoipa::IntoParams)]
struct DateQuery {
    /// YYYY-MM-DD; today (Japan time) when omitted.
    date: Option<String>,
}

fn day_of(ctx: &AppContext, date: Option<&str>) -> Result<chrono::NaiveDate, ApiError> {
    match date {
        Some(d) => Ok(centre::parse_day("date", d)?),
        None => Ok(ctx.today()),
    }
}

/// Registers a volunteer, or a group when the body has `party_name` and `members`
/// ([`GroupInput`]; the answer is then a [`Party`]). Insurance is required unless the server
/// allows otherwise; a minor needs `guardian_consent`.
#[utoipa::path(
    tag = "volunteer-centre",
    request_body(content = VolunteerInput, description = "one volunteer, or a GroupInput {party_name, members}"),
    responses(
        (status = 201, body = Volunteer),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/volunteer-centre/volunteers")]
async fn create_volunteer(
    ctx: Ctx,
    caller: Caller,
    body: JsonBody,
) -> Result<HttpResponse, ApiError> {
    let is_group = body.0.get("members").is_some() || body.0.get("party_name").is_some();
    if is_group {
        let input: GroupInput = body.into_input()?;
        let party: Party = block(&ctx, move |ctx| {
            centre::register_group(ctx, &caller, &input)
        })
        .await?;
        Ok(HttpResponse::Created().json(party))
    } else {
        let input: VolunteerInput = body.into_input()?;
        let v = block(&ctx, move |ctx| {
            centre::register_volunteer(ctx, &caller, &input)
        })
        .await?;
        Ok(with_etag(StatusCode::CREATED, &v, v.version))
    }
}

/// Reads a volunteer by id or registration number (`V-000123`).
#[utoipa::path(
    tag = "volunteer-centre",
    params(("id" = String, Path, description = "numeric id or registration number")),
    responses(
        (status = 200, body = Volunteer),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/volunteer-centre/volunteers/{id}")]
async fn get_volunteer(
    ctx: Ctx,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let key = id.into_inner();
    let v = block(&ctx, move |ctx| centre::get_volunteer(ctx, &caller, &key)).await?;
    Ok(with_etag(StatusCode::OK, &v, v.version))
}

/// Checks a returning volunteer in for the day (201), or answers the open check-in (200).
#[utoipa::path(
    tag = "volunteer-centre",
    params(("id" = String, Path, description = "numeric id or registration number")),
    request_body(content = DayInput, description = "optional"),
    responses(
        (status = 201, body = CheckInResult),
        (status = 200, body = CheckInResult),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/volunteer-centre/volunteers/{id}/check-ins")]
async fn check_in_volunteer(
    ctx: Ctx,
    caller: Caller,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let key = id.into_inner();
    let input: DayInput = optional_body(&body)?;
    let result = block(&ctx, move |ctx| {
        centre::check_in(ctx, &caller, &key, &input)
    })
    .await?;
    let status = if result.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(HttpResponse::build(status).json(result))
}

/// Checks a volunteer out.
#[utoipa::path(
    tag = "volunteer-centre",
    params(("id" = String, Path, description = "numeric id or registration number")),
    request_body(content = DayInput, description = "optional"),
    responses(
        (status = 200, body = CheckIn),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/volunteer-centre/volunteers/{id}/check-out")]
async fn check_out_volunteer(
    ctx: Ctx,
    caller: Caller,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let key = id.into_inner();
    let input: DayInput = optional_body(&body)?;
    let result = block(&ctx, move |ctx| {
        centre::check_out(ctx, &caller, &key, &input)
    })
    .await?;
    Ok(HttpResponse::Ok().json(result))
}

/// Takes a help request (ニーズ); a requester on the register is named by `registrant_id`.
#[utoipa::path(
    tag = "volunteer-centre",
    request_body = HelpRequestInput,
    responses(
        (status = 201, body = HelpRequest),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/volunteer-centre/help-requests")]
async fn create_help_request(
    ctx: Ctx,
    caller: Caller,
    body: JsonBody,
) -> Result<HttpResponse, ApiError> {
    let input: HelpRequestInput = body.into_input()?;
    let r = block(&ctx, move |ctx| {
        centre::create_help_request(ctx, &caller, &input)
    })
    .await?;
    Ok(with_etag(StatusCode::CREATED, &r, r.version))
}

/// Lists help requests in id order, a page at a time.
#[utoipa::path(
    tag = "volunteer-centre",
    params(HelpRequestQuery),
    responses(
        (status = 200, body = Page<HelpRequest>),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/volunteer-centre/help-requests")]
async fn list_help_requests(
    ctx: Ctx,
    caller: Caller,
    query: web::Query<HelpRequestQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let page = block(&ctx, move |ctx| {
        centre::list_help_requests(ctx, &caller, &query)
    })
    .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Reads one help request.
#[utoipa::path(
    tag = "volunteer-centre",
    params(("id" = i64, Path)),
    responses(
        (status = 200, body = HelpRequest),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/volunteer-centre/help-requests/{id}")]
async fn get_help_request(
    ctx: Ctx,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = HelpRequestId(id.into_inner());
    let r = block(&ctx, move |ctx| centre::get_help_request(ctx, &caller, id)).await?;
    Ok(with_etag(StatusCode::OK, &r, r.version))
}

/// Proposes the day's teams from the volunteers checked in and the open and continuing
/// requests (continuing ones first); replaces the day's unconfirmed proposals.
#[utoipa::path(
    tag = "volunteer-centre",
    params(DateQuery),
    responses(
        (status = 200, body = Proposal),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/volunteer-centre/teams/proposals")]
async fn propose_teams(
    ctx: Ctx,
    caller: Caller,
    query: web::Query<DateQuery>,
) -> Result<HttpResponse, ApiError> {
    let day = day_of(&ctx, query.date.as_deref())?;
    let proposal = block(&ctx, move |ctx| centre::propose(ctx, &caller, day)).await?;
    Ok(HttpResponse::Ok().json(proposal))
}

/// The teams of a day, by number.
#[utoipa::path(
    tag = "volunteer-centre",
    params(DateQuery),
    responses((status = 200, body = Items<TeamView>))
)]
#[get("/volunteer-centre/teams")]
async fn list_teams(
    ctx: Ctx,
    caller: Caller,
    query: web::Query<DateQuery>,
) -> Result<HttpResponse, ApiError> {
    let day = day_of(&ctx, query.date.as_deref())?;
    let items = block(&ctx, move |ctx| centre::teams_of_day(ctx, &caller, day)).await?;
    Ok(HttpResponse::Ok().json(Items { items }))
}

/// Reads one team.
#[utoipa::path(
    tag = "volunteer-centre",
    params(("id" = i64, Path)),
    responses(
        (status = 200, body = TeamView, headers(("ETag" = String))),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/volunteer-centre/teams/{id}")]
async fn get_team(ctx: Ctx, caller: Caller, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    let id = TeamId(id.into_inner());
    let team = block(&ctx, move |ctx| centre::get_team(ctx, &caller, id)).await?;
    Ok(with_etag(StatusCode::OK, &team, team.version))
}

/// Adjusts a team's members, leader or destinations; requires the ETag in `If-Match`.
#[utoipa::path(
    tag = "volunteer-centre",
    params(("id" = i64, Path), ("If-Match" = String, Header, description = "ETag of the version read")),
    request_body = TeamPatch,
    responses(
        (status = 200, body = TeamView, headers(("ETag" = String))),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 412, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 428, body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/volunteer-centre/teams/{id}")]
async fn patch_team(
    ctx: Ctx,
    caller: Caller,
    id: web::Path<i64>,
    version: IfMatch,
    body: JsonBody,
) -> Result<HttpResponse, ApiError> {
    let id = TeamId(id.into_inner());
    let patch: TeamPatch = body.into_input()?;
    let team = block(&ctx, move |ctx| {
        centre::update_team(ctx, &caller, id, version.0, &patch)
    })
    .await?;
    Ok(with_etag(StatusCode::OK, &team, team.version))
}

macro_rules! team_step {
    ($(#[$doc:meta])* $name:ident, $path:literal, $service:path) => {
        $(#[$doc])*
        #[utoipa::path(
            tag = "volunteer-centre",
            params(("id" = i64, Path)),
            responses(
                (status = 200, body = TeamView, headers(("ETag" = String))),
                (status = 404, body = Problem, content_type = "application/problem+json"),
                (status = 409, body = Problem, content_type = "application/problem+json"),
            )
        )]
        #[post($path)]
        async fn $name(
            ctx: Ctx,
            caller: Caller,
            id: web::Path<i64>,
        ) -> Result<HttpResponse, ApiError> {
            let id = TeamId(id.into_inner());
            let team = block(&ctx, move |ctx| $service(ctx, &caller, id)).await?;
            Ok(with_etag(StatusCode::OK, &team, team.version))
        }
    };
}

team_step!(
    /// Confirms a proposed team; its requests become `assigned`.
    confirm_team,
    "/volunteer-centre/teams/{id}/confirm",
    centre::confirm_team
);
team_step!(
    /// Records the departure time of a confirmed team.
    depart_team,
    "/volunteer-centre/teams/{id}/depart",
    centre::depart_team
);
team_step!(
    /// Records the return time of a team that departed.
    return_team,
    "/volunteer-centre/teams/{id}/return",
    centre::return_team
);

/// Records equipment lent to a team.
#[utoipa::path(
    tag = "volunteer-centre",
    params(("id" = i64, Path)),
    request_body = LendInput,
    responses(
        (status = 200, body = TeamView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/volunteer-centre/teams/{id}/equipment")]
async fn lend_equipment(
    ctx: Ctx,
    caller: Caller,
    id: web::Path<i64>,
    body: JsonBody,
) -> Result<HttpResponse, ApiError> {
    let id = TeamId(id.into_inner());
    let input: LendInput = body.into_input()?;
    let team = block(&ctx, move |ctx| {
        centre::lend_equipment(ctx, &caller, id, &input)
    })
    .await?;
    Ok(with_etag(StatusCode::OK, &team, team.version))
}

/// Records equipment returned: the listed ids, or everything still out.
#[utoipa::path(
    tag = "volunteer-centre",
    params(("id" = i64, Path)),
    request_body(content = ReturnInput, description = "optional"),
    responses(
        (status = 200, body = TeamView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/volunteer-centre/teams/{id}/equipment/return")]
async fn return_equipment(
    ctx: Ctx,
    caller: Caller,
    id: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let id = TeamId(id.into_inner());
    let input: ReturnInput = optional_body(&body)?;
    let team = block(&ctx, move |ctx| {
        centre::return_equipment(ctx, &caller, id, &input)
    })
    .await?;
    Ok(with_etag(StatusCode::OK, &team, team.version))
}

/// The leader's report on one destination: `done`, or `continuing` (proposed again, first,
/// the next day).
#[utoipa::path(
    tag = "volunteer-centre",
    params(("id" = i64, Path)),
    request_body = ReportInput,
    responses(
        (status = 200, body = TeamView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/volunteer-centre/teams/{id}/report")]
async fn report_team(
    ctx: Ctx,
    caller: Caller,
    id: web::Path<i64>,
    body: JsonBody,
) -> Result<HttpResponse, ApiError> {
    let id = TeamId(id.into_inner());
    let input: ReportInput = body.into_input()?;
    let team = block(&ctx, move |ctx| centre::report(ctx, &caller, id, &input)).await?;
    Ok(with_etag(StatusCode::OK, &team, team.version))
}

/// One team's dispatch slip (派遣票), always one A4 page at 11 pt or more: the centre's phone
/// (setting `centre_phone`, else a line to write it on), the leader, each place with the
/// 【要支援者】 mark for a registered household, its work, tools and notes and the report boxes
/// (long lists cut with 「ほかN件（名簿を参照）」), a map numbering the places No.N, the members
/// with their insurance, the lent equipment, the safety notes (心がけと注意点) and lines for the
/// times and the leader's signature. Registered in the print register as `dispatch_slip`.
#[utoipa::path(
    tag = "volunteer-centre",
    params(("id" = i64, Path)),
    responses(
        (status = 200, content_type = "application/pdf", body = Vec<u8>, headers(("X-Print-Serial" = String))),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/volunteer-centre/teams/{id}/slip.pdf")]
async fn team_slip_pdf(
    ctx: Ctx,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = TeamId(id.into_inner());
    let printed = block(&ctx, move |ctx| centre::slip_pdf(ctx, id, &caller)).await?;
    Ok(pdf_response(printed.bytes, &printed.serial, "dispatch-slip").finish_body())
}

/// The day's roster (活動者名簿), A4 landscape at 11 pt or more, for `holder`: the centre's
/// phone and the safety notes on the first page, then one row per team (leader and phone,
/// members with insurance ✓/×, places with the 【要支援者】 mark and the request's notes, work,
/// people and tools, equipment), the column headings on every page, a last page mapping the
/// places by team number. Registered as kind `roster`.
#[utoipa::path(
    tag = "volunteer-centre",
    params(("date" = String, Path, description = "YYYY-MM-DD"), HolderQuery),
    responses(
        (status = 200, content_type = "application/pdf", body = Vec<u8>, headers(("X-Print-Serial" = String))),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/volunteer-centre/rosters/{date}.pdf")]
async fn roster_pdf(
    ctx: Ctx,
    caller: Caller,
    date: web::Path<String>,
    query: web::Query<HolderQuery>,
) -> Result<HttpResponse, ApiError> {
    let day = centre::parse_day("date", &date)?;
    let holder = query.into_inner().holder.unwrap_or_default();
    let printed = block(&ctx, move |ctx| {
        centre::roster_pdf(ctx, day, &holder, &caller)
    })
    .await?;
    Ok(pdf_response(printed.bytes, &printed.serial, "roster").finish_body())
}

/// The day's statistics as CSV (UTF-8 with BOM for Excel, Japanese headers).
#[utoipa::path(
    tag = "volunteer-centre",
    params(("date" = String, Path, description = "YYYY-MM-DD")),
    responses(
        (status = 200, body = String, content_type = "text/csv"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/volunteer-centre/stats/{date}.csv")]
async fn day_stats_csv(ctx: Ctx, date: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let day = centre::parse_day("date", &date)?;
    let stats = block(&ctx, move |ctx| centre::stats(ctx, day)).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"volunteer-centre-{day}.csv\""),
        ))
        .body(centre::stats_csv(&stats)))
}

/// The day's statistics: volunteers checked in, teams, requests done, continuing and open.
#[utoipa::path(
    tag = "volunteer-centre",
    params(("date" = String, Path, description = "YYYY-MM-DD")),
    responses(
        (status = 200, body = DayStats),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/volunteer-centre/stats/{date}")]
async fn day_stats(ctx: Ctx, date: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let day = centre::parse_day("date", &date)?;
    let stats = block(&ctx, move |ctx| centre::stats(ctx, day)).await?;
    Ok(HttpResponse::Ok().json(stats))
}
