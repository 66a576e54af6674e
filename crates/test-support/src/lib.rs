//! Helpers shared by crossline's tests (a dev-dependency only, never shipped):
//! text fixtures describing whole returns ([`fixture`]), builders of valid records
//! ([`builders`]) and per-test databases for every backend ([`db`]); scorers against a
//! world's truth ([`score`], [`comms_score`]); a benchmark's own memory and time ([`process`]).

pub mod builders;
pub mod comms_score;
pub mod db;
pub mod fixture;
pub mod process;
pub mod score;
