//! Accounts (issue 22): the password rule and the kinds of account events. The check
//! against the list of common passwords needs the list, which only the server carries
//! (`service::auth::password`); everything else about a password is decided here.

use serde::{Deserialize, Serialize};

/// The shortest password a person may choose.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// The longest (argon2 would take more, but nobody types more).
pub const MAX_PASSWORD_CHARS: usize = 200;
/// The length of a one-time password the admin hands over.
pub const ONE_TIME_PASSWORD_CHARS: usize = 12;

/// Why a chosen password is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    /// Shorter than [`MIN_PASSWORD_CHARS`].
    #[error("Пароль слишком короткий: не меньше {MIN_PASSWORD_CHARS} символов")]
    TooShort,
    /// Longer than [`MAX_PASSWORD_CHARS`].
    #[error("Пароль слишком длинный: не больше {MAX_PASSWORD_CHARS} символов")]
    TooLong,
    /// One of the common passwords (or one with letters swapped for look-alike digits).
    #[error("Этот пароль есть в списке распространённых паролей — выберите другой")]
    Common,
    /// The same as the one it replaces.
    #[error("Новый пароль совпадает с прежним")]
    Unchanged,
}

/// Checks the length of a chosen password: `is_common` is the list's verdict, asked only
/// when the length is right.
pub fn check_password(
    password: &str,
    is_common: impl FnOnce(&str) -> bool,
) -> Result<(), PasswordError> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(PasswordError::TooShort);
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(PasswordError::TooLong);
    }
    if is_common(password) {
        return Err(PasswordError::Common);
    }
    Ok(())
}

/// What happened to an account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountEventKind {
    /// Created by the admin or from the command line.
    Created,
    /// Name, role or department edited (details: before and after).
    Edited,
    /// The user changed their own password.
    PasswordChanged,
    /// The admin reset the password to a one-time one.
    PasswordReset,
    /// Deactivated: sessions ended, tokens revoked.
    Deactivated,
    /// Active again.
    Reactivated,
    /// A message of the (deactivated) user handed to another executor.
    HandedOver,
}

named_enum!(AccountEventKind {
    Created => ("created", "Учётная запись создана"),
    Edited => ("edited", "Изменены данные"),
    PasswordChanged => ("password_changed", "Пароль изменён пользователем"),
    PasswordReset => ("password_reset", "Пароль сброшен администратором"),
    Deactivated => ("deactivated", "Отключена"),
    Reactivated => ("reactivated", "Включена снова"),
    HandedOver => ("handed_over", "Сообщение передано другому исполнителю"),
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_needs_ten_characters_and_not_a_common_one() {
        let never = |_: &str| false;
        assert_eq!(
            check_password("короткий1", never),
            Err(PasswordError::TooShort)
        );
        assert_eq!(check_password("длинныйпар", never), Ok(()));
        let long = "я".repeat(MAX_PASSWORD_CHARS + 1);
        assert_eq!(check_password(&long, never), Err(PasswordError::TooLong));
        assert_eq!(
            check_password("qwertyuiop", |p| p == "qwertyuiop"),
            Err(PasswordError::Common)
        );
    }

    #[test]
    fn the_list_is_asked_only_about_a_password_of_the_right_length() {
        let mut asked = false;
        let _ = check_password("short", |_| {
            asked = true;
            true
        });
        assert!(!asked);
    }

    #[test]
    fn event_kinds_round_trip_by_name() {
        for kind in AccountEventKind::ALL {
            assert_eq!(AccountEventKind::from_name(kind.as_str()), Some(kind));
            assert!(!kind.label().is_empty());
        }
    }
}
