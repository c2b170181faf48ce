//! The signed-in user as a resource that refetches after sign-in and sign-out.

use crate::api::auth::{me, Login, Logout};
use crate::dto::CurrentUser;
use crate::error::AppError;
use leptos::prelude::*;

/// Sign-in state shared by the header and the pages.
#[derive(Clone, Copy)]
pub struct Auth {
    /// The sign-in action (the login form).
    pub login: ServerAction<Login>,
    /// The sign-out action (the header's button).
    pub logout: ServerAction<Logout>,
    /// The current user; refetched whenever either action completes.
    pub user: crate::ui::data::Data<Result<Option<CurrentUser>, AppError>>,
}

/// Creates the shared [`Auth`] and provides it as context.
pub fn provide_auth() {
    let login = ServerAction::<Login>::new();
    let logout = ServerAction::<Logout>::new();
    let user = crate::ui::data::load(
        move || (login.version().get(), logout.version().get()),
        |_| me(),
    );
    provide_context(Auth {
        login,
        logout,
        user,
    });
}

/// The shared [`Auth`].
pub fn use_auth() -> Auth {
    // `provide_auth` runs at the root of `App`, so every page finds it.
    use_context::<Auth>().unwrap_or_else(|| {
        let login = ServerAction::<Login>::new();
        let logout = ServerAction::<Logout>::new();
        Auth {
            login,
            logout,
            user: crate::ui::data::load(|| (), |_| me()),
        }
    })
}
