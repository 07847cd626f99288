//! 印刷: a district's plans in one PDF, its safety-check sheet, one person's plan, and the
//! register of printed copies with their return.
//!
//! Printing is a change (every copy is registered, with its holder, in the same transaction
//! as its audit entry), so each print is a form posted with the CSRF token; the answer is the
//! PDF itself. The services decide who may print whose plan.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpResponse, get, post, web};
use askama::Template;

use super::error::PageError;
use super::forms::{FieldErrors, Form};
use super::session::{Chrome, Section, Signed};
use super::{Choice, attempt, japan_time, page, page_with, run, see_other};
use crate::domain::codes::HazardType;
use crate::domain::{DistrictId, RegistrantId, ValidationErrors};
use crate::services::printing::{self, BatchQuery, PrintOptions};
use crate::services::prints::{self, PrintQuery};
use crate::services::{AppContext, ServiceError, districts};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(prints_page)
        .service(print_plans)
        .service(print_sheet)
        .service(print_one_plan)
        .service(return_copy);
}

/// A copy of the register.
pub struct CopyRow {
    pub serial: String,
    pub kind: &'static str,
    pub district: String,
    pub people: usize,
    pub holder: String,
    pub printed: String,
    pub printed_by: String,
    pub returned: Option<String>,
}

#[derive(Template)]
#[template(path = "prints.html")]
struct PrintsPage {
    chrome: Chrome,
    districts: Vec<Choice>,
    hazards: Vec<Choice>,
    staff: bool,
    copies: Vec<CopyRow>,
    outstanding_only: bool,
    errors: FieldErrors,
    notice: Option<&'static str>,
}

#[derive(serde::Deserialize)]
struct PrintsParams {
    all: Option<String>,
    done: Option<String>,
}

fn kind_label(kind: &str) -> &'static str {
    match kind {
        "plan" => "個別避難計画",
        "plan_batch" => "個別避難計画（地区一括）",
        "safety_check_sheet" => "安否確認リスト",
        _ => "印刷物",
    }
}

/// The page, as the caller may see it: the print register only for the register's staff.
async fn prints_view(
    ctx: &web::Data<AppContext>,
    signed: &Signed,
    outstanding_only: bool,
    errors: FieldErrors,
    notice: Option<&'static str>,
) -> Result<PrintsPage, PageError> {
    let caller = signed.caller.clone();
    let staff = caller.sees_register();
    let (all, copies) = run(ctx, move |ctx| {
        let all = districts::list(ctx)?;
        let copies = if staff {
            let query = PrintQuery {
                outstanding: Some(outstanding_only),
                holder: None,
            };
            prints::list(ctx, &caller, &query)?
        } else {
            Vec::new()
        };
        Ok((all, copies))
    })
    .await?;
    // A district user prints for their own districts (the service refuses others too).
    let mine = &signed.caller.user.districts;
    let name_of = |d: Option<DistrictId>| {
        d.and_then(|d| all.iter().find(|x| x.id == d))
            .map_or_else(String::new, |d| format!("{} {}", d.code, d.name))
    };
    Ok(PrintsPage {
        chrome: signed.chrome(Section::Prints),
        districts: all
            .iter()
            .filter(|d| staff || mine.contains(&d.id))
            .map(|d| Choice {
                value: d.id.0.to_string(),
                label: format!("{} {}", d.code, d.name),
                selected: false,
            })
            .collect(),
        hazards: HazardType::ALL
            .iter()
            .map(|h| Choice {
                value: h.as_str().to_owned(),
                label: h.label_ja().to_owned(),
                selected: false,
            })
            .collect(),
        staff,
        copies: copies
            .iter()
            .rev()
            .map(|c| CopyRow {
                serial: c.serial.clone(),
                kind: kind_label(&c.kind),
                district: name_of(c.district_id),
                people: c.registrant_ids.len(),
                holder: c.holder.clone(),
                printed: japan_time(c.printed_at),
                printed_by: c.printed_by.clone(),
                returned: c.returned_at.map(|at| {
                    format!(
                        "{}（{}）",
                        japan_time(at),
                        c.returned_by.clone().unwrap_or_default()
                    )
                }),
            })
            .collect(),
        outstanding_only,
        errors,
        notice,
    })
}

#[get("/prints")]
async fn prints_page(
    ctx: web::Data<AppContext>,
    signed: Signed,
    params: web::Query<PrintsParams>,
) -> Result<HttpResponse, PageError> {
    let notice = match params.done.as_deref() {
        Some("returned") => Some("返却を記録しました。"),
        _ => None,
    };
    let view = prints_view(
        &ctx,
        &signed,
        params.all.is_none(),
        FieldErrors::default(),
        notice,
    )
    .await?;
    page(&view)
}

/// The PDF as the answer to a print form: saved under a name with its serial.
fn pdf(bytes: Vec<u8>, serial: &str, name: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header(("X-Print-Serial", serial.to_owned()))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}-{serial}.pdf\""),
        ))
        .body(bytes)
}

/// A print the service refused: the page again, with the reason beside the field.
async fn refused(
    ctx: &web::Data<AppContext>,
    signed: &Signed,
    form_name: &str,
    error: ServiceError,
) -> Result<HttpResponse, PageError> {
    let mut errors = FieldErrors::default();
    match error {
        ServiceError::Invalid(invalid) => {
            for e in invalid.errors() {
                errors.add(&format!("{form_name}.{}", e.field), &e.message);
            }
        }
        ServiceError::NothingToPrint(omitted) => errors.add(
            &format!("{form_name}.district_id"),
            &format!(
                "この条件で印刷できる計画はありません（確定していない・同意や支援者が揃っていないなどで{omitted}件を除きました）"
            ),
        ),
        other => return Err(PageError::Service(other)),
    }
    let view = prints_view(ctx, signed, true, errors, None).await?;
    page_with(StatusCode::UNPROCESSABLE_ENTITY, &view)
}

fn district_of(form: &Form, form_name: &str) -> Result<DistrictId, ServiceError> {
    form.text("district_id")
        .and_then(|d| d.parse::<i64>().ok())
        .map(DistrictId)
        .ok_or_else(|| {
            ServiceError::Invalid(ValidationErrors::one(
                "district_id",
                format!(
                    "{}する校区を選んでください",
                    if form_name == "sheet" {
                        "リストを印刷"
                    } else {
                        "印刷"
                    }
                ),
            ))
        })
}

#[post("/prints/plans")]
async fn print_plans(
    ctx: web::Data<AppContext>,
    signed: Signed,
    form: Form,
) -> Result<HttpResponse, PageError> {
    signed.check(&form)?;
    let district = match district_of(&form, "plans") {
        Ok(d) => d,
        Err(e) => return refused(&ctx, &signed, "plans", e).await,
    };
    let query = BatchQuery {
        holder: form.text("holder").map(str::to_owned),
        tier: form.text("tier").map(str::to_owned),
        tear_off: Some(form.ticked("tear_off")),
    };
    let caller = signed.caller.clone();
    let result = attempt(&ctx, move |ctx| {
        printing::district_plans_pdf(ctx, district, &query, &caller, &mut |_, _| {})
    })
    .await?;
    match result {
        Ok(batch) => Ok(pdf(batch.bytes, &batch.serial, "plans")),
        Err(e) => refused(&ctx, &signed, "plans", e).await,
    }
}

#[post("/prints/sheet")]
async fn print_sheet(
    ctx: web::Data<AppContext>,
    signed: Signed,
    form: Form,
) -> Result<HttpResponse, PageError> {
    signed.check(&form)?;
    let district = match district_of(&form, "sheet") {
        Ok(d) => d,
        Err(e) => return refused(&ctx, &signed, "sheet", e).await,
    };
    let holder = form.text("holder").unwrap_or_default().to_owned();
    let hazard = form.text("hazard").map(str::to_owned);
    let caller = signed.caller.clone();
    let result = attempt(&ctx, move |ctx| {
        printing::safety_sheet_pdf(
            ctx,
            district,
            &holder,
            hazard.as_deref(),
            &caller,
            &mut |_, _| {},
        )
    })
    .await?;
    match result {
        Ok(sheet) => Ok(pdf(sheet.bytes, &sheet.serial, "safety-check-sheet")),
        Err(e) => refused(&ctx, &signed, "sheet", e).await,
    }
}

#[post("/registrants/{id}/plan.pdf")]
async fn print_one_plan(
    ctx: web::Data<AppContext>,
    signed: Signed,
    path: web::Path<i64>,
    form: Form,
) -> Result<HttpResponse, PageError> {
    signed.check(&form)?;
    let id = RegistrantId(*path);
    let holder = form.text("holder").unwrap_or_default().to_owned();
    let options = PrintOptions {
        tear_off: form.ticked("tear_off"),
    };
    let caller = signed.caller.clone();
    match run(&ctx, move |ctx| {
        printing::plan_pdf(ctx, &caller, id, &holder, options)
    })
    .await
    {
        Ok((bytes, serial)) => Ok(pdf(bytes, &serial, "plan")),
        Err(PageError::Service(ServiceError::NotPrintable(issues))) => {
            // The plan's check says why, in Japanese, as on the API.
            let reasons: Vec<String> = issues.into_iter().map(|(_, why)| why).collect();
            Err(PageError::Service(ServiceError::WrongState(format!(
                "この計画はまだ印刷できません：{}",
                reasons.join("／")
            ))))
        }
        Err(PageError::Service(ServiceError::NotFound("plan"))) => Err(PageError::Service(
            ServiceError::WrongState("この方の個別避難計画はまだありません。".into()),
        )),
        Err(other) => Err(other),
    }
}

#[post("/prints/{serial}/return")]
async fn return_copy(
    ctx: web::Data<AppContext>,
    signed: Signed,
    path: web::Path<String>,
    form: Form,
) -> Result<HttpResponse, PageError> {
    signed.check(&form)?;
    let serial = path.into_inner();
    let caller = signed.caller.clone();
    match run(&ctx, move |ctx| {
        prints::mark_returned(ctx, &serial, &caller)
    })
    .await
    {
        Ok(_) | Err(PageError::Service(ServiceError::AlreadyReturned)) => {
            Ok(see_other("/prints?done=returned"))
        }
        Err(other) => Err(other),
    }
}
