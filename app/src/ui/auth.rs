//! The signed-in user as a resource that refetches after sign-in and sign-out.

use crate::api::auth::{me, Logout};
use crate::dto::CurrentUser;
use crate::error::AppError;
use leptos::prelude::*;

/// Sign-in state shared by the header and the pages.
#[derive(Clone, Copy)]
pub struct Auth {
    /// Bumped by the sign-in page whenever its action completes. (The sign-in action
    /// itself is the page's: its code stays in the page's chunk.)
    pub signed_in: RwSignal<u64>,
    /// The sign-out action (the header's button).
    pub logout: ServerAction<Logout>,
    /// The current user; refetched after every sign-in and sign-out.
    pub user: crate::ui::data::Data<Result<Option<CurrentUser>, AppError>>,
}

impl Auth {
    /// What changes with every sign-in and sign-out (tracked: a resource source).
    pub fn version(&self) -> (u64, usize) {
        (self.signed_in.get(), self.logout.version().get())
    }
}

/// One constructor for the provided [`Auth`] and the fallback, so the browser bundle
/// carries the user resource's code once.
fn new_auth() -> Auth {
    let signed_in = RwSignal::new(0);
    let logout = ServerAction::<Logout>::new();
    let user = crate::ui::data::load(move || (signed_in.get(), logout.version().get()), |_| me());
    Auth {
        signed_in,
        logout,
        user,
    }
}

/// Creates the shared [`Auth`] and provides it as context.
pub fn provide_auth() {
    provide_context(new_auth());
}

/// The shared [`Auth`].
pub fn use_auth() -> Auth {
    // `provide_auth` runs at the root of `App`, so every page finds it.
    use_context::<Auth>().unwrap_or_else(new_auth)
}
