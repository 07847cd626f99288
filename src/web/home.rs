//! The home page: per role, where the work stands and where to go next.

use actix_web::{HttpResponse, get, web};
use askama::Template;

use super::error::PageError;
use super::session::{Chrome, Section, Signed};
use super::{japan_time, page, run};
use crate::domain::codes::Role;
use crate::services::overview::{self, DistrictProgress};
use crate::services::{AppContext, districts, incidents};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(home);
}

/// A district's line, with its rates in words.
pub struct ProgressRow {
    pub code: String,
    pub name: String,
    pub registered: String,
    pub consenting: String,
    pub confirmed_plans: String,
    pub plan_rate: String,
    pub needing_supporters: String,
    pub link: Option<String>,
}

/// A count as Japanese offices write it: 1,500.
fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn row(p: &DistrictProgress) -> ProgressRow {
    ProgressRow {
        code: p.code.clone(),
        name: p.name.clone(),
        registered: grouped(p.registered),
        consenting: grouped(p.consenting),
        confirmed_plans: grouped(p.confirmed_plans),
        plan_rate: if p.registered == 0 {
            "—".to_owned()
        } else {
            format!(
                "{:.0}%",
                100.0 * p.confirmed_plans as f64 / p.registered as f64
            )
        },
        needing_supporters: grouped(p.needing_supporters),
        link: p
            .district_id
            .map(|d| format!("/registrants?district_id={}", d.0)),
    }
}

/// An open incident, in words.
pub struct IncidentRow {
    pub name: String,
    pub hazard: &'static str,
    pub since: String,
    pub districts: String,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    chrome: Chrome,
    incidents: Vec<IncidentRow>,
    register: bool,
    rows: Vec<ProgressRow>,
    total: Option<ProgressRow>,
}

#[get("/")]
async fn home(ctx: web::Data<AppContext>, signed: Signed) -> Result<HttpResponse, PageError> {
    let register = matches!(
        signed.caller.role(),
        Role::Admin | Role::Staff | Role::District
    );
    let (rows, total, incidents) = if register {
        let caller = signed.caller.clone();
        let ((rows, total), incidents, all) = run(&ctx, move |ctx| {
            Ok((
                overview::by_district(ctx, &caller)?,
                incidents::list(ctx)?,
                districts::list(ctx)?,
            ))
        })
        .await?;
        let open = incidents
            .iter()
            .filter(|i| i.open)
            .map(|i| IncidentRow {
                name: i.name.clone(),
                hazard: i.hazard_type.label_ja(),
                since: japan_time(i.starts_at),
                districts: if i.districts.is_empty() {
                    "区域で指定".to_owned()
                } else {
                    i.districts
                        .iter()
                        .filter_map(|d| all.iter().find(|x| x.id == *d))
                        .map(|d| format!("{} {}", d.code, d.name))
                        .collect::<Vec<_>>()
                        .join("、")
                },
            })
            .collect();
        (rows.iter().map(row).collect(), Some(row(&total)), open)
    } else {
        (Vec::new(), None, Vec::new())
    };
    page(&HomePage {
        chrome: signed.chrome(Section::Home),
        incidents,
        register,
        rows,
        total,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_are_grouped_by_thousands() {
        assert_eq!(super::grouped(0), "0");
        assert_eq!(super::grouped(999), "999");
        assert_eq!(super::grouped(1500), "1,500");
        assert_eq!(super::grouped(1_234_567), "1,234,567");
    }
}
