//! 利用者 for administrators (accounts and their roles) and 監査 for the auditor (the audit log
//! and its chain check). The services refuse every other role; the menu only leaves them out.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use askama::Template;

use super::error::PageError;
use super::forms::{FieldErrors, Form};
use super::session::{Chrome, Section, Signed};
use super::{Choice, attempt, japan_time, page, page_with, run, see_other};
use crate::domain::codes::Role;
use crate::services::access::{self, NewUser};
use crate::services::{AppContext, ServiceError, districts};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(users_page)
        .service(add_user)
        .service(audit_page)
        .service(verify_chain);
}

/// A user as the table shows them.
pub struct UserRow {
    pub username: String,
    pub role: &'static str,
    pub districts: String,
    pub active: &'static str,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    chrome: Chrome,
    users: Vec<UserRow>,
    roles: Vec<Choice>,
    username: String,
    district_codes: String,
    errors: FieldErrors,
    notice: Option<&'static str>,
}

#[derive(serde::Deserialize)]
struct Done {
    done: Option<String>,
}

async fn users_view(
    ctx: &web::Data<AppContext>,
    signed: &Signed,
    typed: (&str, &str, &str),
    errors: FieldErrors,
    notice: Option<&'static str>,
) -> Result<UsersPage, PageError> {
    let caller = signed.caller.clone();
    let (users, all) = run(ctx, move |ctx| {
        Ok((access::list_users_for(ctx, &caller)?, districts::list(ctx)?))
    })
    .await?;
    let (username, role, district_codes) = typed;
    Ok(UsersPage {
        chrome: signed.chrome(Section::Users),
        users: users
            .iter()
            .map(|u| UserRow {
                username: u.username.clone(),
                role: u.role.label_ja(),
                districts: u
                    .districts
                    .iter()
                    .filter_map(|d| all.iter().find(|x| x.id == *d))
                    .map(|d| format!("{} {}", d.code, d.name))
                    .collect::<Vec<_>>()
                    .join("、"),
                active: if u.active { "有効" } else { "停止" },
            })
            .collect(),
        roles: Role::ALL
            .iter()
            .map(|r| Choice {
                value: r.as_str().to_owned(),
                label: r.label_ja().to_owned(),
                selected: r.as_str() == role,
            })
            .collect(),
        username: username.to_owned(),
        district_codes: district_codes.to_owned(),
        errors,
        notice,
    })
}

#[get("/users")]
async fn users_page(
    ctx: web::Data<AppContext>,
    signed: Signed,
    done: web::Query<Done>,
) -> Result<HttpResponse, PageError> {
    let notice = (done.done.as_deref() == Some("added")).then_some("利用者を追加しました。");
    let view = users_view(&ctx, &signed, ("", "", ""), FieldErrors::default(), notice).await?;
    page(&view)
}

#[post("/users")]
async fn add_user(
    ctx: web::Data<AppContext>,
    signed: Signed,
    form: Form,
) -> Result<HttpResponse, PageError> {
    signed.check(&form)?;
    let username = form.text("username").unwrap_or_default().to_owned();
    let role = form.text("role").unwrap_or_default().to_owned();
    let codes = form.text("districts").unwrap_or_default().to_owned();
    let new = NewUser {
        username: Some(username.clone()),
        role: Some(role.clone()),
        districts: Some(
            codes
                .split([',', '、', ' ', '　'])
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_owned)
                .collect(),
        ),
        password: form.raw("password").map(str::to_owned),
    };
    let caller = signed.caller.clone();
    let result = attempt(&ctx, move |ctx| access::add_user(ctx, &caller, &new)).await?;
    let errors = match result {
        Ok(_) => return Ok(see_other("/users?done=added")),
        Err(ServiceError::Invalid(invalid)) => FieldErrors::from(&invalid),
        Err(ServiceError::Duplicate { .. }) => {
            let mut errors = FieldErrors::default();
            errors.add("username", "このユーザー名はもう使われています");
            errors
        }
        Err(other) => return Err(PageError::Service(other)),
    };
    let view = users_view(&ctx, &signed, (&username, &role, &codes), errors, None).await?;
    page_with(StatusCode::UNPROCESSABLE_ENTITY, &view)
}

/// An entry of the audit log as the table shows it.
pub struct AuditRow {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub people: String,
    pub outcome: String,
}

/// What an audit entry records, in the auditor's words (the code itself when unknown).
fn action_label(action: &str) -> &str {
    match action {
        "login" => "ログイン",
        "login_failed" => "ログイン失敗",
        "logout" => "ログアウト",
        "read" => "閲覧",
        "list" => "一覧",
        "export" => "出力",
        "print" => "印刷",
        "change" => "変更",
        other => other,
    }
}

/// The chain check in words.
pub struct ChainResult {
    pub intact: bool,
    pub entries: i64,
    pub head: String,
    pub anchors: usize,
    pub problem: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    chrome: Chrome,
    rows: Vec<AuditRow>,
    next: Option<String>,
    check: Option<ChainResult>,
}

#[derive(serde::Deserialize)]
struct AuditParams {
    after: Option<i64>,
}

/// Entries per page of the log.
const AUDIT_PAGE: i64 = 100;

async fn audit_view(
    ctx: &web::Data<AppContext>,
    signed: &Signed,
    after: i64,
    check: Option<ChainResult>,
) -> Result<AuditPage, PageError> {
    let caller = signed.caller.clone();
    let entries = run(ctx, move |ctx| {
        access::audit_page_for(ctx, &caller, after, AUDIT_PAGE)
    })
    .await?;
    let next = (entries.len() == usize::try_from(AUDIT_PAGE).unwrap_or(usize::MAX))
        .then(|| entries.last().map(|e| format!("/audit?after={}", e.id)))
        .flatten();
    Ok(AuditPage {
        chrome: signed.chrome(Section::Audit),
        rows: entries
            .iter()
            .map(|e| AuditRow {
                id: e.id,
                at: japan_time(e.at),
                actor: e.record.actor.clone(),
                action: action_label(&e.record.action).to_owned(),
                target: e.record.target.clone(),
                people: e
                    .record
                    .registrant_ids
                    .iter()
                    .map(|r| r.0.to_string())
                    .collect::<Vec<_>>()
                    .join(" "),
                outcome: e.record.outcome.clone(),
            })
            .collect(),
        next,
        check,
    })
}

#[get("/audit")]
async fn audit_page(
    ctx: web::Data<AppContext>,
    signed: Signed,
    params: web::Query<AuditParams>,
) -> Result<HttpResponse, PageError> {
    let view = audit_view(&ctx, &signed, params.after.unwrap_or(0), None).await?;
    page(&view)
}

#[post("/audit/verify")]
async fn verify_chain(
    ctx: web::Data<AppContext>,
    signed: Signed,
    form: Form,
) -> Result<HttpResponse, PageError> {
    signed.check(&form)?;
    let caller = signed.caller.clone();
    let check = run(&ctx, move |ctx| access::verify_audit_for(ctx, &caller)).await?;
    let result = ChainResult {
        intact: check.first_broken.is_none(),
        entries: check.entries,
        head: check.head_hash.chars().take(16).collect(),
        anchors: check.anchors_checked,
        problem: check
            .first_broken
            .map(|(id, why)| format!("記録 {id}：{why}"))
            .unwrap_or_default(),
    };
    let view = audit_view(&ctx, &signed, 0, Some(result)).await?;
    page(&view)
}
