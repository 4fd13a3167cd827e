//! Gas of ArbOS precompiles, the way nitro meters it (`precompiles/context.go`,
//! `arbos/storage/storage.go`): every method burns gas for the ArbOS storage it touches, and the
//! dispatcher adds the cost of copying arguments and results.

/// `StorageReadCost` = `SloadGasEIP2200`: one ArbOS storage word read.
pub const STORAGE_READ: u64 = 800;
/// `StorageWriteCost` = `SstoreSetGasEIP2200`: writing a non-zero word.
pub const STORAGE_WRITE: u64 = 20_000;
/// `StorageWriteZeroCost` = `SstoreResetGasEIP2200`: writing a zero word.
pub const STORAGE_WRITE_ZERO: u64 = 5_000;
/// `StorageCodeHashCost` = `ColdAccountAccessCostEIP2929`: reading an account's code hash.
pub const CODE_HASH: u64 = 2_600;
/// `Programs().Params()`: the Stylus parameters are read as warm (`WarmStorageReadCostEIP2929`).
pub const PARAMS: u64 = 100;
/// `CopyGas` per 32-byte word of arguments and of results.
pub const COPY_WORD: u64 = 3;

/// nitro's write cost: zero words are cheaper.
pub fn write_cost(nonzero: bool) -> u64 {
    if nonzero { STORAGE_WRITE } else { STORAGE_WRITE_ZERO }
}

/// `storage.Keccak`: 30 + 6 per word hashed.
pub fn keccak_cost(bytes: usize) -> u64 {
    30 + 6 * (bytes as u64).div_ceil(32)
}

/// Gas for copying `bytes` of arguments or results.
pub fn copy_cost(bytes: usize) -> u64 {
    COPY_WORD * (bytes as u64).div_ceil(32)
}

/// The precompile ran out of gas; like nitro's `BurnOut`, all gas is used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutOfGas;

/// A precompile call's gas meter (nitro's `Context`).
#[derive(Clone, Copy, Debug)]
pub struct Burner {
    supplied: u64,
    used: u64,
}

impl Burner {
    /// A meter for a call given `supplied` gas.
    pub fn new(supplied: u64) -> Self {
        Self { supplied, used: 0 }
    }

    /// Gas not yet used.
    pub fn left(&self) -> u64 {
        self.supplied - self.used
    }

    /// Gas used so far.
    pub fn used(&self) -> u64 {
        self.used
    }

    /// Burns `amount`; when not enough is left, burns everything (`BurnOut`).
    pub fn burn(&mut self, amount: u64) -> Result<(), OutOfGas> {
        if self.left() < amount {
            return Err(self.burn_out());
        }
        self.used += amount;
        Ok(())
    }

    /// Burns all that is left.
    pub fn burn_out(&mut self) -> OutOfGas {
        self.used = self.supplied;
        OutOfGas
    }
}
