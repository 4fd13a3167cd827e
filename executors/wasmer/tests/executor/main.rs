//! The Wasmer executor, black-box: hand-written WAT programs against a fake chain.

mod arbos_versions;
mod cache;
mod common;
mod depth;
mod fixtures;
mod fuzz;
mod hostio;
mod metering;
mod meters;
mod outcomes;
mod pool;
mod profile;
mod reference;
mod smith;
mod world;
