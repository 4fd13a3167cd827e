//! The activation data fee (stylus-semantics §1.7, nitro `arbos/programs/data_pricer.go`): a
//! demand model over the bytes of native code that activations add, priced exponentially in
//! the recent demand.

use revm::primitives::U256;

/// Bytes of demand forgiven per second (2^40 bytes a year).
pub const BYTES_PER_SECOND: u32 = 34_865;
/// Minimum price in wei per byte.
pub const MIN_PRICE: u32 = 82_928_201;
/// Demand at which the price rises by a factor of e.
pub const INERTIA: u32 = 21_360_419;
/// The model's initial update time (the Arbitrum genesis hour, 2015-01-16 06:00 UTC).
pub const INITIAL_TIME: u64 = 1_421_388_000;

/// One in basis points.
const ONE_BIPS: u64 = 10_000;

/// The data pricer's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DataPricer {
    /// Outstanding demand in bytes.
    pub demand: u32,
    /// When the model was last updated (seconds).
    pub last_update: u64,
}

impl Default for DataPricer {
    fn default() -> Self {
        Self { demand: 0, last_update: INITIAL_TIME }
    }
}

impl DataPricer {
    /// Adds `bytes` of demand at time `now` and returns the fee in wei for them.
    pub fn update(&mut self, bytes: u32, now: u64) -> U256 {
        let passed = u32::try_from(now.saturating_sub(self.last_update)).unwrap_or(u32::MAX);
        let credit = BYTES_PER_SECOND.saturating_mul(passed);
        self.demand = self.demand.saturating_sub(credit).saturating_add(bytes);
        self.last_update = now;
        let exponent = ONE_BIPS * u64::from(self.demand) / u64::from(INERTIA);
        let multiplier = approx_exp_bips(exponent, 12);
        let per_byte = u64::from(MIN_PRICE).saturating_mul(multiplier) / ONE_BIPS;
        U256::from(per_byte.saturating_mul(u64::from(bytes)))
    }
}

/// `e^(x / 10,000)` in basis points: the Maclaurin series with `terms` terms, evaluated from
/// the innermost term out (Horner), `1 + x/1·(1 + x/2·(1 + … (1 + x/terms)))`, in integers.
pub fn approx_exp_bips(x: u64, terms: u64) -> u64 {
    if terms == 0 {
        return ONE_BIPS;
    }
    let mut result = ONE_BIPS + x / terms;
    for k in (1..terms).rev() {
        result = ONE_BIPS + result.saturating_mul(x) / (k * ONE_BIPS);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_approximation() {
        assert_eq!(approx_exp_bips(0, 12), 10_000);
        assert_eq!(approx_exp_bips(10_000, 12), 27_182); // e
        assert_eq!(approx_exp_bips(20_000, 12), 73_888); // e^2 ≈ 7.389
    }

    #[test]
    fn fee_for_a_first_activation() {
        let mut pricer = DataPricer::default();
        let fee = pricer.update(719_569, 1_700_000_000);
        // exponent 10,000·719,569/21,360,419 = 336 bips → multiplier 10,341.
        let multiplier = approx_exp_bips(336, 12);
        assert_eq!(multiplier, 10_341);
        assert_eq!(fee, U256::from(82_928_201u64 * multiplier / 10_000 * 719_569));
        assert_eq!(pricer, DataPricer { demand: 719_569, last_update: 1_700_000_000 });
    }
}
