//! Administrations of a deployment (SPEC "Roles", issue 19): whose work a caller reads and
//! acts on, and where a new message goes. A district deployment has exactly one; a region
//! has one per municipal administration, and the regional roles read across all of them.

use crate::domain::ids::AdministrationId;
use crate::domain::role::Role;

/// The administrations whose messages a caller reads and acts on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Every administration: the authority (ЦУР), a regional observer, the region's admin.
    Region,
    /// One administration's own.
    One(AdministrationId),
}

impl Scope {
    /// The scope of a user or token with `role` that belongs to `administration`. The
    /// regional roles read everywhere; an admin without an administration is the region's
    /// admin. (The database refuses any other role without an administration.)
    pub fn of(role: Role, administration: Option<AdministrationId>) -> Self {
        match administration {
            Some(a) if !role.is_regional() => Scope::One(a),
            _ => Scope::Region,
        }
    }

    /// Whether a message of `administration` is within the scope.
    pub fn allows(self, administration: AdministrationId) -> bool {
        match self {
            Scope::Region => true,
            Scope::One(own) => own == administration,
        }
    }

    /// The one administration, if the scope is one.
    pub fn only(self) -> Option<AdministrationId> {
        match self {
            Scope::Region => None,
            Scope::One(a) => Some(a),
        }
    }
}

/// Why an administration, a membership or a routing is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AdministrationError {
    /// The short code is not 2–32 latin letters, digits or hyphens starting with a letter.
    #[error("Код администрации «{0}»: от 2 до 32 строчных латинских букв, цифр или дефисов, начиная с буквы")]
    BadCode(String),
    /// The name is empty or too long.
    #[error("Название администрации должно быть от 1 до 200 символов")]
    BadName,
    /// No administration has the code.
    #[error("Нет администрации с кодом «{code}»; допустимы: {valid}")]
    Unknown {
        /// The code asked for.
        code: String,
        /// The valid codes, comma-separated.
        valid: String,
    },
    /// Several administrations and none named.
    #[error("Укажите администрацию (administration); допустимы: {valid}")]
    Missing {
        /// The valid codes, comma-separated.
        valid: String,
    },
    /// A caller of one administration named another.
    #[error("Сообщение можно принять только в свою администрацию «{own}»")]
    NotOwn {
        /// The caller's administration's code.
        own: String,
    },
    /// An administration's admin asked for another's settings.
    #[error("Настройки другой администрации недоступны: только своей «{own}»")]
    OtherSettings {
        /// The admin's administration's code.
        own: String,
    },
    /// A regional role was given an administration.
    #[error("Роль «{0}» региональная и не относится к администрации")]
    RegionalRole(&'static str),
    /// A role of an administration was given none while there are several.
    #[error("Для роли «{role}» укажите администрацию; допустимы: {valid}")]
    NeedsAdministration {
        /// The role's label.
        role: &'static str,
        /// The valid codes, comma-separated.
        valid: String,
    },
}

/// A valid short code: trimmed, lowercased, 2–32 latin letters, digits or hyphens,
/// starting with a letter (`luga`, `vyborg-2`).
pub fn check_code(code: &str) -> Result<String, AdministrationError> {
    let code = code.trim().to_lowercase();
    let ok = (2..=32).contains(&code.len())
        && code.starts_with(|c: char| c.is_ascii_lowercase())
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(code)
    } else {
        Err(AdministrationError::BadCode(code))
    }
}

/// A valid name: trimmed, 1–200 characters.
pub fn check_name(name: &str) -> Result<String, AdministrationError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(AdministrationError::BadName);
    }
    Ok(name.to_owned())
}

/// An administration as the rules need it: its id and code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Known {
    /// Id.
    pub id: AdministrationId,
    /// Short code.
    pub code: String,
}

fn codes(all: &[Known]) -> String {
    all.iter()
        .map(|a| a.code.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Which administration a user or token with `role` belongs to, given the code asked
/// for (`requested`) and the deployment's administrations. Regional roles belong to none;
/// an admin without a code is the region's admin when there are several; any other role
/// needs one, which defaults to the only administration of a district deployment.
pub fn membership(
    role: Role,
    requested: Option<&str>,
    all: &[Known],
) -> Result<Option<AdministrationId>, AdministrationError> {
    if role.is_regional() {
        return match requested {
            Some(_) => Err(AdministrationError::RegionalRole(role.as_str())),
            None => Ok(None),
        };
    }
    match (requested, all) {
        (Some(code), _) => find(code, all).map(Some),
        (None, [only]) => Ok(Some(only.id)),
        (None, _) if role == Role::Admin => Ok(None),
        (None, _) => Err(AdministrationError::NeedsAdministration {
            role: role.label(),
            valid: codes(all),
        }),
    }
}

fn find(code: &str, all: &[Known]) -> Result<AdministrationId, AdministrationError> {
    let code = code.trim().to_lowercase();
    all.iter()
        .find(|a| a.code == code)
        .map(|a| a.id)
        .ok_or_else(|| AdministrationError::Unknown {
            code,
            valid: codes(all),
        })
}

/// Where a new message goes: the administration named by `requested` (a code), else the
/// caller's own, else the only one of the deployment. A regional caller must name one
/// when there are several; a caller of one administration takes messages only into it.
pub fn route(
    scope: Scope,
    requested: Option<&str>,
    all: &[Known],
) -> Result<AdministrationId, AdministrationError> {
    let asked = requested
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(|c| find(c, all))
        .transpose()?;
    match (scope, asked, all) {
        (Scope::One(own), Some(a), _) if a != own => Err(AdministrationError::NotOwn {
            own: all
                .iter()
                .find(|k| k.id == own)
                .map(|k| k.code.clone())
                .unwrap_or_default(),
        }),
        (_, Some(a), _) => Ok(a),
        (Scope::One(own), None, _) => Ok(own),
        (Scope::Region, None, [only]) => Ok(only.id),
        (Scope::Region, None, _) => Err(AdministrationError::Missing { valid: codes(all) }),
    }
}

/// Whose settings (schedule, calendar corrections, deadline lengths, limits, templates,
/// alerts, SMTP) an admin of `scope` edits, given the code asked for: `None` is the
/// region's, the deployment's own in a deployment of one administration. An
/// administration's admin edits their own (in a deployment of several); the region's
/// admin the region's, or the administration named.
pub fn settings_of(
    scope: Scope,
    requested: Option<&str>,
    all: &[Known],
) -> Result<Option<AdministrationId>, AdministrationError> {
    if all.len() <= 1 {
        return Ok(None);
    }
    let asked = requested
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(|c| find(c, all))
        .transpose()?;
    match (scope, asked) {
        (Scope::One(own), Some(a)) if a != own => Err(AdministrationError::OtherSettings {
            own: all
                .iter()
                .find(|k| k.id == own)
                .map(|k| k.code.clone())
                .unwrap_or_default(),
        }),
        (Scope::One(own), _) => Ok(Some(own)),
        (Scope::Region, asked) => Ok(asked),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all() -> Vec<Known> {
        vec![
            Known {
                id: AdministrationId(1),
                code: "main".into(),
            },
            Known {
                id: AdministrationId(2),
                code: "luga".into(),
            },
        ]
    }

    #[test]
    fn codes_are_short_latin_and_lowercased() {
        assert_eq!(check_code(" Luga "), Ok("luga".into()));
        assert_eq!(check_code("vyborg-2"), Ok("vyborg-2".into()));
        for bad in ["l", "луга", "2luga", "lu ga", "lu_ga", &"a".repeat(33)] {
            assert!(check_code(bad).is_err(), "{bad}");
        }
        assert!(check_name("  ").is_err());
        assert_eq!(check_name(" Лужский район "), Ok("Лужский район".into()));
    }

    #[test]
    fn the_scope_of_regional_roles_is_the_region() {
        let one = Some(AdministrationId(2));
        assert_eq!(Scope::of(Role::Authority, one), Scope::Region);
        assert_eq!(Scope::of(Role::RegionalObserver, None), Scope::Region);
        assert_eq!(Scope::of(Role::Admin, None), Scope::Region);
        assert_eq!(
            Scope::of(Role::Coordinator, one),
            Scope::One(AdministrationId(2))
        );
        assert!(Scope::One(AdministrationId(2)).allows(AdministrationId(2)));
        assert!(!Scope::One(AdministrationId(2)).allows(AdministrationId(1)));
        assert!(Scope::Region.allows(AdministrationId(1)));
    }

    #[test]
    fn intake_routes_by_code_own_or_only_administration() {
        let region = Scope::Region;
        assert_eq!(route(region, Some("luga"), &all()), Ok(AdministrationId(2)));
        let missing = route(region, None, &all()).unwrap_err();
        assert_eq!(
            missing.to_string(),
            "Укажите администрацию (administration); допустимы: main, luga"
        );
        assert!(matches!(
            route(region, Some("tosno"), &all()),
            Err(AdministrationError::Unknown { .. })
        ));
        assert_eq!(route(region, None, &all()[..1]), Ok(AdministrationId(1)));
        let own = Scope::One(AdministrationId(1));
        assert_eq!(route(own, None, &all()), Ok(AdministrationId(1)));
        assert_eq!(route(own, Some("MAIN"), &all()), Ok(AdministrationId(1)));
        assert!(matches!(
            route(own, Some("luga"), &all()),
            Err(AdministrationError::NotOwn { .. })
        ));
    }

    #[test]
    fn membership_follows_the_role() {
        assert_eq!(membership(Role::Authority, None, &all()), Ok(None));
        assert!(membership(Role::RegionalObserver, Some("luga"), &all()).is_err());
        assert_eq!(
            membership(Role::Coordinator, Some("luga"), &all()),
            Ok(Some(AdministrationId(2)))
        );
        assert!(membership(Role::Coordinator, None, &all()).is_err());
        assert_eq!(
            membership(Role::Coordinator, None, &all()[..1]),
            Ok(Some(AdministrationId(1)))
        );
        assert_eq!(membership(Role::Admin, None, &all()), Ok(None));
        assert_eq!(
            membership(Role::Admin, None, &all()[..1]),
            Ok(Some(AdministrationId(1)))
        );
    }

    #[test]
    fn an_admin_edits_the_settings_of_their_own_scope() {
        let (region, own) = (Scope::Region, Scope::One(AdministrationId(2)));
        // One administration: its settings are the deployment's.
        assert_eq!(settings_of(own, Some("luga"), &all()[..1]), Ok(None));
        assert_eq!(settings_of(region, None, &all()), Ok(None));
        assert_eq!(settings_of(region, Some(" "), &all()), Ok(None));
        assert_eq!(
            settings_of(region, Some("Luga"), &all()),
            Ok(Some(AdministrationId(2)))
        );
        assert!(matches!(
            settings_of(region, Some("nowhere"), &all()),
            Err(AdministrationError::Unknown { .. })
        ));
        assert_eq!(
            settings_of(own, None, &all()),
            Ok(Some(AdministrationId(2)))
        );
        assert_eq!(
            settings_of(own, Some("luga"), &all()),
            Ok(Some(AdministrationId(2)))
        );
        assert!(matches!(
            settings_of(own, Some("main"), &all()),
            Err(AdministrationError::OtherSettings { .. })
        ));
    }
}
