//! `AppError`: the one error type that server functions return and the UI matches on.
//! Messages are Russian (users read them); causes of `Internal` are logged, never sent.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// An error a user can be shown.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum AppError {
    /// No session, or the session's user no longer exists.
    #[error("Требуется вход в систему")]
    Unauthorized,
    /// Wrong login or password (deliberately not saying which).
    #[error("Неверный логин или пароль")]
    BadCredentials,
    /// Too many failed sign-ins: of this login from this address, or from this address.
    #[error("Слишком много неудачных попыток входа. Повторите через {}.", wait_ru(*.seconds))]
    TooManyAttempts {
        /// Seconds until the next attempt is allowed.
        seconds: i64,
    },
    /// The server is at its limit of concurrent password checks.
    #[error("Сервер занят: слишком много входов одновременно. Повторите через несколько секунд.")]
    Busy,
    /// The role may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// No such thing.
    #[error("{0}")]
    NotFound(String),
    /// The thing changed meanwhile, or already exists.
    #[error("{0}")]
    Conflict(String),
    /// Bad input in a named field.
    #[error("{message}")]
    Validation {
        /// The field (form name) at fault.
        field: String,
        /// What is wrong, in Russian.
        message: String,
    },
    /// Something broke on the server; details are in the server log only.
    #[error("Внутренняя ошибка сервера. Попробуйте ещё раз.")]
    Internal,
    /// The request did not reach the server or its answer was unreadable.
    #[error("Нет связи с сервером: {0}")]
    Transport(String),
    /// A social network's API refused or failed to publish (the reason in Russian); the
    /// request stays in the outbox.
    #[error("{0}")]
    Network(String),
}

impl AppError {
    /// A validation error for `field`.
    pub fn validation(field: &str, message: impl Into<String>) -> Self {
        AppError::Validation {
            field: field.to_owned(),
            message: message.into(),
        }
    }

    /// The HTTP status this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthorized | AppError::BadCredentials => 401,
            AppError::TooManyAttempts { .. } => 429,
            AppError::Busy => 503,
            AppError::Forbidden(_) => 403,
            AppError::NotFound(_) => 404,
            AppError::Conflict(_) => 409,
            AppError::Validation { .. } => 422,
            AppError::Internal => 500,
            AppError::Transport(_) | AppError::Network(_) => 502,
        }
    }

    /// A stable machine-readable code (the REST API's `error.code`).
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthorized => "unauthorized",
            AppError::BadCredentials => "bad_credentials",
            AppError::TooManyAttempts { .. } => "too_many_attempts",
            AppError::Busy => "busy",
            AppError::Forbidden(_) => "forbidden",
            AppError::NotFound(_) => "not_found",
            AppError::Conflict(_) => "conflict",
            AppError::Validation { .. } => "validation",
            AppError::Internal => "internal",
            AppError::Transport(_) => "transport",
            AppError::Network(_) => "network",
        }
    }
}

/// A wait in Russian: «40 с», «3 мин» (rounded up to whole minutes from a minute on).
fn wait_ru(seconds: i64) -> String {
    if seconds < 60 {
        format!("{} с", seconds.max(1))
    } else {
        format!("{} мин", (seconds + 59) / 60)
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(msg) | ServerFnErrorErr::Deserialization(msg) => {
                crate::dto::action::explain_known(&msg, None).unwrap_or_else(|| {
                    AppError::validation("form", format!("Неверные данные формы: {msg}"))
                })
            }
            other => AppError::Transport(other.to_string()),
        }
    }
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::AppError;

    impl From<sqlx::Error> for AppError {
        fn from(e: sqlx::Error) -> Self {
            tracing::error!(error = %e, "database error");
            AppError::Internal
        }
    }

    impl From<tower_sessions::session::Error> for AppError {
        fn from(e: tower_sessions::session::Error) -> Self {
            tracing::error!(error = %e, "session error");
            AppError::Internal
        }
    }

    impl From<tokio::task::JoinError> for AppError {
        fn from(e: tokio::task::JoinError) -> Self {
            tracing::error!(error = %e, "blocking task failed");
            AppError::Internal
        }
    }
}
