//! What a call pays before a Stylus program runs (stylus-semantics §4, nitro
//! `programs.go::CallProgram`): the memory model's price for the program's footprint, plus
//! init gas (uncached programs) and cached-init gas (cached programs, and every Stylus v2+
//! program).

use super::memory::{PageCounters, page_gas_cost};
use super::{ProgramInfo, StylusParams};

/// Init gas: `MinInitGas·128 + ceil(initCost·InitCostScalar·2/100)`.
pub fn init_gas(program: &ProgramInfo, params: &StylusParams) -> u64 {
    let scaled = u64::from(program.init_cost) * u64::from(params.init_cost_scalar) * 2;
    u64::from(params.min_init_gas) * 128 + scaled.div_ceil(100)
}

/// Cached-init gas: `MinCachedInitGas·32 + ceil(cachedCost·CachedCostScalar·2/100)`.
pub fn cached_gas(program: &ProgramInfo, params: &StylusParams) -> u64 {
    let scaled = u64::from(program.cached_cost) * u64::from(params.cached_cost_scalar) * 2;
    u64::from(params.min_cached_init_gas) * 32 + scaled.div_ceil(100)
}

/// Init and cached-init gas a call to `program` pays (memory excluded).
pub fn program_call_gas(program: &ProgramInfo, params: &StylusParams) -> u64 {
    let mut gas = 0;
    if program.cached || program.version > 1 {
        gas += cached_gas(program, params);
    }
    if !program.cached {
        gas += init_gas(program, params);
    }
    gas
}

/// Gas for holding the program's `footprint` pages open on top of `pages`; `u64::MAX` past the
/// page limit.
pub fn footprint_gas(program: &ProgramInfo, params: &StylusParams, pages: PageCounters) -> u64 {
    if u32::from(pages.open) + u32::from(program.footprint) > u32::from(params.page_limit) {
        return u64::MAX;
    }
    page_gas_cost(program.footprint, pages.open, pages.ever, params.free_pages, params.page_gas)
}

/// The whole entry cost of a call when `pages` are open.
pub fn entry_gas(program: &ProgramInfo, params: &StylusParams, pages: PageCounters) -> u64 {
    footprint_gas(program, params, pages).saturating_add(program_call_gas(program, params))
}

/// EVM memory cost of returning `len` bytes (`3·words + words²/512`), the least gas a program
/// returning that much must use from ArbOS 31 on.
pub fn return_data_gas(len: usize) -> u64 {
    let words = (len as u64).div_ceil(32);
    words.saturating_mul(3).saturating_add(words.saturating_mul(words) / 512)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v2_uncached_pays_both() {
        let params = StylusParams::default();
        let program =
            ProgramInfo { version: 2, init_cost: 3_072, cached_cost: 933, footprint: 1, ..Default::default() };
        // stylus-semantics §9: 8,832 + 3,072 + 352 + 933 = 13,189, one page is free.
        assert_eq!(entry_gas(&program, &params, PageCounters::default()), 13_189);
        let cached = ProgramInfo { cached: true, ..program };
        assert_eq!(entry_gas(&cached, &params, PageCounters::default()), 352 + 933);
    }
}
