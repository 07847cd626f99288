//! The one error type of the HTTP layer, rendered as `application/problem+json` (RFC 9457).
//!
//! Invalid input → 422 (400 for a body that is not JSON) with the fields named; unknown id → 404;
//! stale version → 412; missing `If-Match` → 428; database down → 503; anything else → 500 with a
//! generic body and the cause in the log. A database fault is never the client's mistake.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::{FieldError, ValidationErrors};
use crate::services::ServiceError;

/// A problem report. `code` is stable and meant for programs; `title` and `detail` for people.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// `urn:sasaeai:problem:{code}`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    pub code: String,
    /// The invalid fields, for `validation_failed`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// The stored version, for `version_conflict`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_version: Option<i64>,
}

/// Everything a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error(transparent)]
    Service(#[from] ServiceError),
    #[error("request body is not valid JSON: {0}")]
    BadJson(String),
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("request body must be JSON")]
    UnsupportedMediaType,
    #[error("request body larger than {0} bytes")]
    PayloadTooLarge(usize),
    #[error("If-Match header required")]
    PreconditionRequired,
    #[error("If-Match does not name a version")]
    PreconditionMalformed,
    #[error("no such route")]
    NoRoute,
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<ValidationErrors> for ApiError {
    fn from(errors: ValidationErrors) -> Self {
        Self::Service(ServiceError::Invalid(errors))
    }
}

impl ApiError {
    fn parts(&self) -> (StatusCode, &'static str, String) {
        use ServiceError as S;
        match self {
            Self::Service(S::Invalid(_)) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
                "入力内容に誤りがあります".into(),
            ),
            Self::Service(S::NotFound(what)) => (
                StatusCode::NOT_FOUND,
                "not_found",
                format!("{what} が見つかりません"),
            ),
            Self::Service(S::VersionConflict { .. }) => (
                StatusCode::PRECONDITION_FAILED,
                "version_conflict",
                "この記録は他の人が先に更新しました。最新の内容を読み込んでからやり直してください"
                    .into(),
            ),
            Self::Service(S::Duplicate { field }) => (
                StatusCode::CONFLICT,
                "duplicate",
                format!("{field} の値はすでに別の記録で使われています"),
            ),
            Self::Service(S::VersionRequired) | Self::PreconditionRequired => (
                StatusCode::PRECONDITION_REQUIRED,
                "precondition_required",
                "更新には If-Match ヘッダー（取得時の ETag）が必要です".into(),
            ),
            Self::Service(S::NotPrintable(_)) => (
                StatusCode::CONFLICT,
                "plan_not_printable",
                "この計画は印刷できません。支援者の状態・同意・確定を確認してください".into(),
            ),
            Self::Service(S::Unauthenticated) => (
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "ログインが必要です（ユーザー名・パスワード、またはトークンを確かめてください）"
                    .into(),
            ),
            Self::Service(S::Throttled { retry_after_secs }) => (
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_attempts",
                format!("ログインの失敗が続いたため、{retry_after_secs}秒後にやり直してください"),
            ),
            Self::Service(S::Forbidden) => (
                StatusCode::FORBIDDEN,
                "forbidden",
                "この操作を行う権限がありません".into(),
            ),
            Self::Service(S::NothingToPrint(omitted)) => (
                StatusCode::CONFLICT,
                "nothing_to_print",
                format!("印刷できる確定済みの計画がありません（印刷できない計画 {omitted} 件）"),
            ),
            Self::Service(S::AlreadyReturned) => (
                StatusCode::CONFLICT,
                "already_returned",
                "この控えはすでに返却済みです".into(),
            ),
            Self::Service(S::NotPending(status)) => (
                StatusCode::CONFLICT,
                "proposal_not_pending",
                format!("この提案はすでに処理済みです（{status}）"),
            ),
            Self::Service(S::WrongState(why)) => (StatusCode::CONFLICT, "wrong_state", why.clone()),
            Self::Service(S::Unavailable(_)) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "データベースに接続できません。しばらくしてからやり直してください".into(),
            ),
            Self::Service(S::Busy(_)) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "busy",
                "混み合っています。数秒待ってからもう一度送ってください（変更は保存されていません）".into(),
            ),
            Self::Service(S::Storage(_) | S::AuditFiles(_) | S::System(_)) | Self::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "サーバー内部でエラーが起きました。管理者に連絡してください".into(),
            ),
            Self::BadJson(e) => (
                StatusCode::BAD_REQUEST,
                "invalid_json",
                format!("JSON として読めません: {e}"),
            ),
            Self::BadRequest(e) => (StatusCode::BAD_REQUEST, "bad_request", e.clone()),
            Self::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Content-Type: application/json で送ってください".into(),
            ),
            Self::PayloadTooLarge(limit) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!("送信データが大きすぎます（上限 {limit} バイト）"),
            ),
            Self::PreconditionMalformed => (
                StatusCode::PRECONDITION_FAILED,
                "version_conflict",
                "If-Match の値がこの記録の ETag と一致しません".into(),
            ),
            Self::NoRoute => (
                StatusCode::NOT_FOUND,
                "no_route",
                "この URL の API はありません".into(),
            ),
        }
    }

    fn title(code: &str) -> &'static str {
        match code {
            "validation_failed" => "入力エラー",
            "not_found" | "no_route" => "見つかりません",
            "version_conflict" => "更新の競合",
            "duplicate" => "重複",
            "proposal_not_pending" | "already_returned" => "処理済み",
            "wrong_state" => "この操作はできません",
            "plan_not_printable" | "nothing_to_print" => "印刷できません",
            "unauthenticated" => "ログインが必要です",
            "too_many_attempts" => "しばらくお待ちください",
            "forbidden" => "権限がありません",
            "unavailable" => "一時的に利用できません",
            "busy" => "混み合っています",
            "invalid_json" | "bad_request" => "不正なリクエスト",
            "unsupported_media_type" => "形式が違います",
            "payload_too_large" => "データが大きすぎます",
            "precondition_required" => "バージョン指定が必要です",
            _ => "サーバーエラー",
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.parts().0
    }

    fn error_response(&self) -> HttpResponse {
        let (status, code, detail) = self.parts();
        if status.is_server_error() {
            // The cause goes to the log, never to the client. Storage errors carry no personal
            // data: diesel's messages name columns and constraints, not values.
            log::error!("{code}: {self}");
        }
        let (errors, current_version) = match self {
            Self::Service(ServiceError::Invalid(e)) => (e.errors().to_vec(), None),
            Self::Service(ServiceError::NotPrintable(issues)) => (
                issues
                    .iter()
                    .map(|(code, message)| FieldError {
                        field: code.clone(),
                        message: message.clone(),
                    })
                    .collect(),
                None,
            ),
            Self::Service(ServiceError::VersionConflict { current }) => {
                (Vec::new(), Some(*current))
            }
            _ => (Vec::new(), None),
        };
        let mut response = HttpResponse::build(status);
        if code == "busy" {
            response.insert_header((actix_web::http::header::RETRY_AFTER, "1"));
        }
        response
            .content_type("application/problem+json")
            .json(Problem {
                kind: format!("urn:sasaeai:problem:{code}"),
                title: Self::title(code).to_owned(),
                status: status.as_u16(),
                detail,
                code: code.to_owned(),
                errors,
                current_version,
            })
    }
}
