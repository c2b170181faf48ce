//! The functional core: pure types and rules, no I/O and no clock reads.
//! Compiles both into the server and into the browser (wasm).

/// Typed ids.
pub mod ids;
/// Roles of SPEC "Roles".
pub mod role;
