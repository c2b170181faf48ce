//! The list of common passwords: the one `zxcvbn` carries (MIT; 30,000 passwords from
//! leaked sets, ranked). A password is common when it is, as a whole, one of them —
//! letter case ignored, and letters swapped for look-alike digits («p@ssw0rd») or written
//! backwards counted as the same. The rule around it is `domain::account::check_password`.

use crate::domain::account::{check_password, PasswordError};
use crate::error::AppError;
use zxcvbn::matching::patterns::MatchPattern;

/// True when `password` is one of the list's passwords.
pub fn is_common(password: &str) -> bool {
    let estimate = zxcvbn::zxcvbn(password, &[]);
    let whole = password.chars().count();
    estimate.sequence().iter().any(|m| {
        m.i == 0
            && m.j + 1 == whole
            && matches!(&m.pattern, MatchPattern::Dictionary(d)
                // `Passwords` is the default dictionary (the type is not exported).
                if d.dictionary_name == Default::default())
    })
}

/// A password a person chose, checked: long enough and not a common one.
pub fn chosen(password: &str) -> Result<(), AppError> {
    check_password(password, is_common).map_err(|e| AppError::validation("password", e.to_string()))
}

impl From<PasswordError> for AppError {
    fn from(e: PasswordError) -> Self {
        AppError::validation("password", e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_passwords_are_found_and_chosen_ones_are_not() {
        for common in [
            "qwertyuiop",
            "1234567890",
            "Password",
            "p@ssw0rd",
            "iloveyou",
        ] {
            assert!(is_common(common), "{common}");
        }
        for chosen in [
            "Лес-у-реки-2026",
            "tram7-violet-dune",
            "password-for-otklik-42",
        ] {
            assert!(!is_common(chosen), "{chosen}");
        }
    }

    #[test]
    fn a_common_password_of_ten_characters_is_refused_in_russian() {
        let e = chosen("qwertyuiop").unwrap_err();
        assert!(e.to_string().contains("распространённых"), "{e}");
        assert!(chosen("короткий").is_err());
        assert!(chosen("Лес-у-реки-2026").is_ok());
    }
}
