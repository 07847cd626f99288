//! Signing in and out of the pages, the session cookie and the CSRF token.
//!
//! The cookie holds the API's own session token (the same store, expiry and login throttling
//! as `POST /api/v1/sessions`), HttpOnly so no script can read it, SameSite=Strict so no other
//! site's page sends it, and Secure when the page came over TLS. The CSRF token of a session is
//! a hash of its token: it needs no storage, holds on every server behind a load balancer, and
//! cannot be made without the cookie that no script can read.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use sha2::Digest;

use super::error::PageError;
use super::forms::Form;
use super::{attempt, page, page_with, run};
use crate::domain::codes::Role;
use crate::services::access::{self, Caller, Credentials};
use crate::services::{AppContext, ServiceError};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "sasaeai_session";
/// The form field (and the `X-CSRF-Token` header for htmx requests) carrying the CSRF token.
pub const CSRF_FIELD: &str = "csrf";

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(login_page)
        .service(login)
        .service(logout)
        .service(password_page)
        .service(change_password);
}

/// A signed-in user of the pages: the caller every service gets, and their session.
pub struct Signed {
    pub caller: Caller,
    token: String,
}

impl Signed {
    /// The CSRF token of this session, for the forms of the page.
    pub fn csrf(&self) -> String {
        csrf_of(&self.token)
    }

    /// Refuses a form whose CSRF token is not this session's.
    pub fn check(&self, form: &Form) -> Result<(), PageError> {
        let sent = form.text(CSRF_FIELD).unwrap_or_default();
        if constant_time_eq(sent.as_bytes(), self.csrf().as_bytes()) {
            Ok(())
        } else {
            Err(PageError::CrossSite)
        }
    }

    /// What every page's frame shows: the user, their role, the menu, the CSRF token.
    pub fn chrome(&self, current: Section) -> Chrome {
        let role = self.caller.role();
        let nav = Section::ALL
            .iter()
            .filter(|s| s.roles().contains(&role))
            .map(|s| NavItem {
                href: s.href(),
                label: s.label(),
                current: *s == current,
            })
            .collect();
        Chrome {
            user: self.caller.actor().to_owned(),
            role: role.label_ja(),
            csrf: self.csrf(),
            nav,
        }
    }
}

/// The parts of the site in the menu; each lists the roles it is shown to (the services
/// decide what each may do; the menu only leaves out what would be refused).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Home,
    Register,
    Prints,
    Users,
    Audit,
    Account,
}

impl Section {
    const ALL: &'static [Self] = &[
        Self::Home,
        Self::Register,
        Self::Prints,
        Self::Users,
        Self::Audit,
        Self::Account,
    ];

    fn href(self) -> &'static str {
        match self {
            Self::Home => "/",
            Self::Register => "/registrants",
            Self::Prints => "/prints",
            Self::Users => "/users",
            Self::Audit => "/audit",
            Self::Account => "/account/password",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::Home => "ホーム",
            Self::Register => "名簿",
            Self::Prints => "印刷",
            Self::Users => "利用者",
            Self::Audit => "監査",
            Self::Account => "パスワード変更",
        }
    }

    fn roles(self) -> &'static [Role] {
        use Role::{Admin, Auditor, District, Staff, VolunteerCentre};
        match self {
            Self::Home | Self::Account => &[Admin, Staff, District, VolunteerCentre, Auditor],
            Self::Register | Self::Prints => &[Admin, Staff, District],
            Self::Users => &[Admin],
            Self::Audit => &[Auditor],
        }
    }
}

/// The frame of a page: header, menu and the token its forms carry.
pub struct Chrome {
    pub user: String,
    pub role: &'static str,
    pub csrf: String,
    pub nav: Vec<NavItem>,
}

pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

fn csrf_of(token: &str) -> String {
    let mut hash = sha2::Sha256::new();
    hash.update(b"sasaeai page csrf\0");
    hash.update(token.as_bytes());
    crate::domain::access::hex(&hash.finalize()[..16])
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The session token of the request's cookie.
fn cookie_token(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get_all(header::COOKIE)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.trim().to_owned())
        .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Where to come back to after signing in: the path asked for, when it is one of ours.
fn return_path(req: &HttpRequest) -> String {
    let path = req.uri().path_and_query().map_or("/", |p| p.as_str());
    if req.method() == actix_web::http::Method::GET {
        path.to_owned()
    } else {
        "/".to_owned()
    }
}

impl FromRequest for Signed {
    type Error = PageError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, PageError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let ctx = req.app_data::<web::Data<AppContext>>().cloned();
        let token = cookie_token(req);
        let next = return_path(req);
        Box::pin(async move {
            let ctx =
                ctx.ok_or_else(|| PageError::Service(ServiceError::System("no context".into())))?;
            let Some(token) = token else {
                return Err(PageError::SignIn {
                    next,
                    expired: false,
                });
            };
            let lookup = token.clone();
            let caller = run(&ctx, move |ctx| access::authenticate(ctx, &lookup)).await?;
            match caller {
                Some(caller) => Ok(Self { caller, token }),
                None => Err(PageError::SignIn {
                    next,
                    expired: true,
                }),
            }
        })
    }
}

/// A `next` parameter that stays on this server (a path, never `//host` or a scheme).
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_owned(),
        _ => "/".to_owned(),
    }
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    next: String,
    username: String,
    message: Option<String>,
    notice: Option<&'static str>,
}

#[derive(serde::Deserialize)]
struct LoginQuery {
    next: Option<String>,
    expired: Option<bool>,
    signed_out: Option<bool>,
    password_changed: Option<bool>,
}

#[get("/login")]
async fn login_page(query: web::Query<LoginQuery>) -> Result<HttpResponse, PageError> {
    let notice = if query.expired == Some(true) {
        Some("一定の時間が過ぎたため、ログアウトしました。もう一度ログインしてください。")
    } else if query.signed_out == Some(true) {
        Some("ログアウトしました。")
    } else if query.password_changed == Some(true) {
        Some("パスワードを変更しました。新しいパスワードでログインしてください。")
    } else {
        None
    };
    page(&LoginPage {
        next: safe_next(query.next.as_deref()),
        username: String::new(),
        message: None,
        notice,
    })
}

#[post("/login")]
async fn login(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    form: Form,
) -> Result<HttpResponse, PageError> {
    let next = safe_next(form.text("next"));
    let credentials = Credentials {
        username: form.text("username").map(str::to_owned),
        password: form.raw("password").map(str::to_owned),
    };
    let username = credentials.username.clone().unwrap_or_default();
    // The TCP peer, never a forwarding header, as for the API's login.
    let client = req.peer_addr().map(|a| a.ip());
    let secure = req.connection_info().scheme() == "https";
    let result = attempt(&ctx, move |ctx| access::login(ctx, &credentials, client)).await?;
    let message = match result {
        Ok(session) => {
            let max_age = (session.expires_at - chrono::Utc::now().naive_utc())
                .num_seconds()
                .max(0);
            let cookie = format!(
                "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{}",
                session.token,
                if secure { "; Secure" } else { "" }
            );
            return Ok(HttpResponse::SeeOther()
                .insert_header((header::LOCATION, next))
                .insert_header((header::SET_COOKIE, cookie))
                .finish());
        }
        Err(ServiceError::Invalid(_)) => "ユーザー名とパスワードを入力してください。".to_owned(),
        Err(ServiceError::Unauthenticated) => "ユーザー名またはパスワードが違います。".to_owned(),
        Err(ServiceError::Throttled { retry_after_secs }) => format!(
            "ログインの失敗が続いたため、しばらく受け付けません。{retry_after_secs}秒ほど待ってから、もう一度お試しください。"
        ),
        Err(other) => return Err(PageError::Service(other)),
    };
    page_with(
        actix_web::http::StatusCode::UNAUTHORIZED,
        &LoginPage {
            next,
            username,
            message: Some(message),
            notice: None,
        },
    )
}

/// The cookie that ends the browser's copy of the session.
fn cleared_cookie() -> String {
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
}

#[post("/logout")]
async fn logout(
    ctx: web::Data<AppContext>,
    signed: Signed,
    form: Form,
) -> Result<HttpResponse, PageError> {
    signed.check(&form)?;
    let Signed { caller, token } = signed;
    // A session that already ended is as good as ended now.
    match attempt(&ctx, move |ctx| access::logout(ctx, &caller, &token)).await? {
        Ok(()) | Err(ServiceError::Unauthenticated) => {}
        Err(e) => return Err(PageError::Service(e)),
    }
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/login?signed_out=true"))
        .insert_header((header::SET_COOKIE, cleared_cookie()))
        .finish())
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    chrome: Chrome,
    errors: super::forms::FieldErrors,
}

#[get("/account/password")]
async fn password_page(signed: Signed) -> Result<HttpResponse, PageError> {
    page(&PasswordPage {
        chrome: signed.chrome(Section::Account),
        errors: super::forms::FieldErrors::default(),
    })
}

#[post("/account/password")]
async fn change_password(
    ctx: web::Data<AppContext>,
    signed: Signed,
    form: Form,
) -> Result<HttpResponse, PageError> {
    signed.check(&form)?;
    let current = form.raw("current_password").unwrap_or_default().to_owned();
    let new = form.raw("new_password").unwrap_or_default().to_owned();
    let repeated = form.raw("new_password_again").unwrap_or_default();
    let chrome = signed.chrome(Section::Account);
    if new != repeated {
        let mut errors = super::forms::FieldErrors::default();
        errors.add(
            "new_password_again",
            "確認のため、同じパスワードをもう一度入力してください",
        );
        return page_with(
            actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
            &PasswordPage { chrome, errors },
        );
    }
    let caller = signed.caller;
    let result = attempt(&ctx, move |ctx| {
        access::change_own_password(ctx, &caller, &current, &new)
    })
    .await?;
    match result {
        // Every session ended with the old password, this one too.
        Ok(()) => Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, "/login?password_changed=true"))
            .insert_header((header::SET_COOKIE, cleared_cookie()))
            .finish()),
        Err(ServiceError::Throttled { retry_after_secs }) => {
            let mut errors = super::forms::FieldErrors::default();
            errors.add(
                "current_password",
                &format!("失敗が続いたため、{retry_after_secs}秒ほど待ってからお試しください"),
            );
            page_with(
                actix_web::http::StatusCode::TOO_MANY_REQUESTS,
                &PasswordPage { chrome, errors },
            )
        }
        Err(ServiceError::Invalid(invalid)) => page_with(
            actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
            &PasswordPage {
                chrome,
                errors: super::forms::FieldErrors::from(&invalid),
            },
        ),
        Err(e) => Err(PageError::Service(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_of_this_server_are_followed_after_login() {
        assert_eq!(
            safe_next(Some("/registrants?q=%E3%81%82")),
            "/registrants?q=%E3%81%82"
        );
        assert_eq!(safe_next(Some("//evil.example/")), "/");
        assert_eq!(safe_next(Some("https://evil.example/")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn the_csrf_token_belongs_to_its_session() {
        assert_eq!(csrf_of("abc"), csrf_of("abc"));
        assert_ne!(csrf_of("abc"), csrf_of("abd"));
        assert_eq!(csrf_of("abc").len(), 32);
        assert!(constant_time_eq(b"same", b"same"));
        assert!(!constant_time_eq(b"same", b"sane"));
        assert!(!constant_time_eq(b"same", b"samey"));
    }
}
