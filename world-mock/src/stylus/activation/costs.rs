//! What activation computes from a module's counted features: native-size estimate, init
//! costs (stylus-semantics §1.5) and activation gas (§1.6). Every term divides separately and
//! saturates, as nitro's do.

use super::{ActivationError, ModuleStats};

/// Gas burnt by every `activateProgram` before the metered work (§1.2).
pub const ACTIVATION_FIXED_GAS: u64 = 1_659_168;
/// Gas per microsecond of estimated activation work: fudge 2 × speed 7e6 / sync rate 5e5.
const GAS_PER_MICROSECOND: u64 = 28;

fn term(count: u64, numerator: u64, denominator: u64) -> u64 {
    count.saturating_mul(numerator) / denominator
}

/// Estimated native code size in bytes.
pub fn asm_estimate(s: &ModuleStats) -> u32 {
    let bytes = 512_000u64
        .saturating_add(term(s.functions, 996_829, 1_000))
        .saturating_add(term(s.type_len, 11_416, 1_000))
        .saturating_add(term(s.wasm_len, 62_628, 10_000));
    u32::try_from(bytes).unwrap_or(u32::MAX)
}

/// Cached init cost (before scaling).
///
/// nitro's `data_len` term (`crates/prover/src/binary.rs::instrument`) is
/// `Σ datas[i].range.len() + Σ elements[i].range.len()`: wasmparser's `range` is the segment's
/// whole encoding, so headers and offset expressions count, not only the payload bytes and the
/// element entries. On stylus-semantics §9's counter (one data segment of 1,148 bytes encoded in
/// 1,156, one element segment of 17 entries encoded in 22) that is 1,178 bytes, not 1,165, and
/// the cost is 933, not 923.
pub fn cached_init_cost(s: &ModuleStats) -> Result<u16, ActivationError> {
    let data_len = s.data_segments_len.saturating_add(s.element_segments_len);
    let cost = term(s.functions, 13_420, 100_000)
        .saturating_add(term(s.type_len, 89, 100_000))
        .saturating_add(term(s.wasm_len, 122, 100_000))
        .saturating_add(term(s.globals, 1_628, 1_000))
        .saturating_add(term(data_len, 75_244, 100_000))
        .saturating_add(u64::from(s.footprint) * 5);
    u16::try_from(cost).map_err(|_| ActivationError::CostOverflow { what: "cached init cost", value: cost })
}

/// Init cost (before scaling); Stylus version 1 also includes the cached init cost.
pub fn init_cost(s: &ModuleStats, version: u16) -> Result<u16, ActivationError> {
    let mut cost = term(s.functions, 8_252, 1_000)
        .saturating_add(term(s.type_len, 1_059, 1_000))
        .saturating_add(term(s.wasm_len, 1_286, 10_000));
    if version == 1 {
        cost = cost.saturating_add(u64::from(cached_init_cost(s)?));
    }
    u16::try_from(cost).map_err(|_| ActivationError::CostOverflow { what: "init cost", value: cost })
}

/// The metered activation gas (on top of [`ACTIVATION_FIXED_GAS`]): estimated microseconds of
/// work per feature, times 28. The code-size term applies from ArbOS 32. As in nitro
/// (`crates/prover/src/programs/mod.rs::Module::activate`), data is priced by payload bytes
/// (`Data::data`) but elements by their encoded size (`Element::range`).
pub fn activation_gas(s: &ModuleStats, arbos_version: u64) -> u64 {
    let wasm = if arbos_version >= 32 { term(s.wasm_len, 31_733, 100_000) } else { 0 };
    [
        wasm,
        term(s.functions, 17_263, 100_000),
        term(s.data_bytes, 17_376, 100_000),
        term(s.element_segments_len, 17_376, 100_000),
        u64::from(s.footprint).saturating_mul(2_217),
        term(s.instrumented_opcodes, 535, 1_000),
    ]
    .into_iter()
    .fold(0u64, |gas, us| gas.saturating_add(us.saturating_mul(GAS_PER_MICROSECOND)))
}
