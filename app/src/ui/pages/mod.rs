//! Pages, one file per route.

/// `/admin/...` — administration.
pub mod admin;
/// `/alerts` — «Уведомления»: the user's deadline alerts.
pub mod alerts;
/// `/approval` — «Согласование» (authority).
pub mod approval;
/// `/board` — «Табло»: per administration, what needs attention now.
pub mod board;
/// `/` — «Работа»: the dashboard.
pub mod dashboard;
/// `/escalation` — «Эскалация» (coordinator): overdue and due-soon messages.
pub mod escalation;
/// `/import` — CSV import.
pub mod import;
/// `/messages/new` — the intake form.
pub mod intake;
/// `/login` — sign-in.
pub mod login;
/// `/messages/:id` — one message.
pub mod message;
/// `/my-figures` — «Мои показатели»: the person's own figures this month.
pub mod my_figures;
/// Any unknown address.
pub mod not_found;
/// `/account/password` — «Смена пароля».
pub mod password;
/// `/reports` — «Отчёты»: figures, charts, the rating of departments.
pub mod reports;
