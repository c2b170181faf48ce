//! Typed ids: never a bare `i64` across module boundaries.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(transparent)]
        #[cfg_attr(feature = "ssr", derive(sqlx::Type, utoipa::ToSchema), sqlx(transparent))]
        pub struct $name(pub i64);

        impl<'de> Deserialize<'de> for $name {
            /// A number, or a string of one (a form field).
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                crate::domain::lenient::integer(d).map($name)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// A user of the system.
    UserId
);
id_type!(
    /// A department of the administration.
    DepartmentId
);
id_type!(
    /// A message from an open source.
    MessageId
);
id_type!(
    /// A recorded deadline of a message.
    DeadlineId
);
id_type!(
    /// An uploaded file.
    FileId
);
id_type!(
    /// A municipal administration of the deployment.
    AdministrationId
);
id_type!(
    /// An entry of an administration's topic catalogue.
    TopicId
);
