//! The functional core: pure types and rules, no I/O and no clock reads.
//! Compiles both into the server and into the browser (wasm).

/// Working-time calendar: schedule, production calendar, working-time arithmetic.
pub mod calendar;
/// The deadline rules of SPEC (§5–§10) as data, and helpers over recorded deadlines.
pub mod deadline;
/// Typed ids.
pub mod ids;
/// §12 flagging of obscene or threatening text.
pub mod moderation;
/// Social networks.
pub mod network;
/// Roles of SPEC "Roles".
pub mod role;
/// The message workflow: states, commands, permissions, deadline effects.
pub mod workflow;
