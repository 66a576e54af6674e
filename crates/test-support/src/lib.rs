//! Helpers shared by crossline's tests (a dev-dependency only, never shipped):
//! text fixtures describing whole returns ([`fixture`]), builders of valid records
//! ([`builders`]) and per-test databases for every backend ([`db`]).

pub mod builders;
pub mod db;
pub mod fixture;
pub mod score;
