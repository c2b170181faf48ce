//! Pages, one file per route.

/// `/` — the start page of the signed-in user.
pub mod home;
/// `/login` — sign-in.
pub mod login;
/// Any unknown address.
pub mod not_found;
