//! Test support: reads a generated world back (returns in both containers, truth,
//! comms) and checks returns against `matrix-v1.md` with a small independent
//! validator. It does not share code with the generator on purpose: a shared bug
//! would hide itself.

pub mod matrix;
pub mod read;
