//! What a page answers when it cannot do what was asked: in Japanese, as a page, with the
//! status a tool would expect. Not signed in → to the login page and back afterwards.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpResponse, ResponseError};
use askama::Template;

use crate::services::ServiceError;

/// Why a page could not be shown.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    /// No live session: sign in, then come back to `next`.
    #[error("not signed in")]
    SignIn { next: String, expired: bool },
    /// A form without this session's CSRF token, or posted from another site.
    #[error("cross-site request refused")]
    CrossSite,
    /// A service refused or failed.
    #[error(transparent)]
    Service(#[from] ServiceError),
    /// A template failed to render (a bug, not the user's doing).
    #[error("template: {0}")]
    Render(askama::Error),
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    title: &'static str,
    message: String,
}

impl PageError {
    /// The page's status and its words for the user.
    fn explain(&self) -> (StatusCode, &'static str, String) {
        use ServiceError as S;
        match self {
            Self::SignIn { .. } => (StatusCode::SEE_OTHER, "ログイン", String::new()),
            Self::CrossSite => (
                StatusCode::FORBIDDEN,
                "受け付けられませんでした",
                "この操作は受け付けられませんでした。ページを開き直してから、もう一度お試しください。".into(),
            ),
            Self::Service(S::Forbidden) => (
                StatusCode::FORBIDDEN,
                "権限がありません",
                "このページや操作は、あなたの役割では使えません。必要なときは管理者に相談してください。".into(),
            ),
            Self::Service(S::NotFound(_)) => (
                StatusCode::NOT_FOUND,
                "見つかりません",
                "お探しの記録は見つかりませんでした。番号を確かめるか、名簿から探してください。".into(),
            ),
            Self::Service(S::Unavailable(_) | S::Busy(_)) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "ただいま使えません",
                "データベースが応答しません。何も変更されていません。しばらく待ってから、もう一度お試しください。".into(),
            ),
            Self::Service(S::Invalid(errors)) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "入力を確かめてください",
                errors
                    .errors()
                    .iter()
                    .map(|e| e.message.clone())
                    .collect::<Vec<_>>()
                    .join("／"),
            ),
            Self::Service(S::WrongState(why)) => (
                StatusCode::CONFLICT,
                "この操作はできません",
                why.clone(),
            ),
            Self::Service(S::VersionConflict { .. }) => (
                StatusCode::PRECONDITION_FAILED,
                "ほかの人が先に変更しました",
                "開いている間に、ほかの人がこの記録を変更しました。ページを開き直して、最新の内容を確かめてください。".into(),
            ),
            Self::Service(other) => {
                log::error!("page failed: {other}");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "エラーが起きました",
                    "処理の途中でエラーが起きました。システムの担当者に、この時刻を伝えてください。".into(),
                )
            }
            Self::Render(e) => {
                log::error!("page failed to render: {e}");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "エラーが起きました",
                    "ページを表示できませんでした。システムの担当者に、この時刻を伝えてください。".into(),
                )
            }
        }
    }

    /// The response, outside a handler (the middleware's refusal of a cross-site post).
    pub fn into_response(self) -> HttpResponse {
        self.error_response()
    }
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        self.explain().0
    }

    fn error_response(&self) -> HttpResponse {
        if let Self::SignIn { next, expired } = self {
            let mut location = format!("/login?next={}", super::forms::encode(next));
            if *expired {
                location.push_str("&expired=true");
            }
            return HttpResponse::SeeOther()
                .insert_header((header::LOCATION, location))
                .finish();
        }
        let (status, title, message) = self.explain();
        let body = ErrorPage { title, message }
            .render()
            .unwrap_or_else(|_| "エラーが起きました".to_owned());
        HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .body(body)
    }
}
