//! The functional core: pure types and rules, no I/O and no clock reads.
//! Compiles both into the server and into the browser (wasm).

/// For a fieldless enum with a stable name and a Russian label per variant: `ALL`,
/// `as_str`, `label`, `from_name` and `Display` (the stable name), written once.
macro_rules! named_enum {
    ($name:ident { $($variant:ident => ($str:literal, $label:literal)),+ $(,)? }) => {
        impl $name {
            /// Every value, in declaration order.
            pub const ALL: [$name; [$(stringify!($variant)),+].len()] = [$($name::$variant),+];

            /// The stable name (database, API, CLI).
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $str),+
                }
            }

            /// The Russian label shown in the interface.
            pub fn label(self) -> &'static str {
                match self {
                    $($name::$variant => $label),+
                }
            }

            /// The value whose stable name is `s`.
            pub fn from_name(s: &str) -> Option<Self> {
                Self::ALL.into_iter().find(|v| v.as_str() == s)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// Accounts: the password rule and the kinds of account events.
pub mod account;
/// Administrations of a deployment: scope of a caller, routing of a new message.
pub mod administration;
/// Working-time calendar: schedule, production calendar, working-time arithmetic.
pub mod calendar;
/// Cases: posts about one problem linked to a lead message.
pub mod case;
/// Live countdowns and Russian formatting of times and durations.
pub mod countdown;
/// Dates and times in the interface's shapes.
pub mod datefmt;
/// The deadline rules of SPEC (§5–§10) as data, and helpers over recorded deadlines.
pub mod deadline;
/// Word diff of draft versions.
pub mod diff;
/// Typed ids.
pub mod ids;
/// Numbers and booleans read also from form strings.
pub mod lenient;
/// What the message list sorts, filters and pages by; who may see which message.
pub mod listing;
/// §12 flagging of obscene or threatening text.
pub mod moderation;
/// Instants as people and systems write them.
pub mod moment;
/// Social networks.
pub mod network;
/// Publishing an approved answer through a network's API: post links, refusals.
pub mod publishing;
pub mod report;
/// Roles of SPEC "Roles".
pub mod role;
/// Topics: the default catalogue, and suggesting one from a post's text.
pub mod topic;
/// The message workflow: states, commands, permissions, deadline effects.
pub mod workflow;
