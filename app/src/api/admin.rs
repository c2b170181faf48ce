//! Administration server functions (admin only): users, departments, calendar
//! corrections, settings, API tokens.
