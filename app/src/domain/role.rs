//! Roles of SPEC "Roles": who may do what is decided in `workflow`; this is the vocabulary.

use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// A user's (or API token's) role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "ssr",
    derive(sqlx::Type, utoipa::ToSchema),
    sqlx(type_name = "TEXT", rename_all = "snake_case")
)]
pub enum Role {
    /// Users, departments, schedule, calendar, network limits, API tokens.
    Admin,
    /// Receives and distributes messages; everything except approval.
    Coordinator,
    /// Acts on messages assigned to them.
    Executor,
    /// The regional authority (ЦУР): intake, approval, send back.
    Authority,
    /// Reads everything (head of the administration).
    Observer,
    /// Reads everything of every administration (the region's staff).
    RegionalObserver,
}

named_enum!(Role {
    Admin => ("admin", "Администратор"),
    Coordinator => ("coordinator", "Ответственный за взаимодействие"),
    Executor => ("executor", "Исполнитель"),
    Authority => ("authority", "Уполномоченный ОИВ (ЦУР)"),
    Observer => ("observer", "Наблюдатель"),
    RegionalObserver => ("regional_observer", "Региональный наблюдатель"),
});

impl Role {
    /// Whether the role belongs to the region rather than to one administration: the
    /// authority (ЦУР) and the regional observer read across all administrations.
    pub fn is_regional(self) -> bool {
        matches!(self, Role::Authority | Role::RegionalObserver)
    }
}

/// A role name that is not one of SPEC's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Неизвестная роль «{0}»: допустимы admin, coordinator, executor, authority, observer, regional_observer")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::from_name(s).ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_names_round_trip_and_unknown_is_refused() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>(), Ok(r));
        }
        assert_eq!("root".parse::<Role>(), Err(UnknownRole("root".to_owned())));
        assert_eq!(
            serde_json::to_string(&Role::Authority).unwrap(),
            "\"authority\""
        );
    }
}
