//! The home page: per role, where the work stands and where to go next.

use actix_web::{HttpResponse, get, web};
use askama::Template;

use super::error::PageError;
use super::page;
use super::session::{Chrome, Section, Signed};
use crate::domain::codes::Role;
use crate::services::overview::{self, DistrictProgress};
use crate::services::{AppContext, ServiceError};

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

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    chrome: Chrome,
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
    let (rows, total) = if register {
        let caller = signed.caller.clone();
        let ctx = ctx.clone();
        let (rows, total) = web::block(move || overview::by_district(&ctx, &caller))
            .await
            .map_err(|e| PageError::Service(ServiceError::System(e.to_string())))??;
        (rows.iter().map(row).collect(), Some(row(&total)))
    } else {
        (Vec::new(), None)
    };
    page(&HomePage {
        chrome: signed.chrome(Section::Home),
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
