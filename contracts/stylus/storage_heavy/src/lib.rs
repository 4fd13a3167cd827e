//! `storage_heavy`: many storage reads and writes per call, to exercise the Stylus storage
//! cache (hits, dirty tracking, coalesced writes, flush at exit, refunds on clearing).
//!
//! Storage layout (Solidity-compatible):
//!   slot 0  mapping(uint256 => uint256) values   values[k] at keccak256(abi.encode(k, uint256(0)))
//!   slot 1  uint256[] items                      length in slot 1,
//!                                                items[i] at uint256(keccak256(abi.encode(uint256(1)))) + i
//!   slot 2  uint256 writes                       total mapping/array element writes requested
//!
//! Out-of-range `itemAt` and `pop` on an empty array revert with Solidity's Panic(0x32) / Panic(0x31).
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
extern crate alloc;

use stylus_sdk::{
    alloy_primitives::U256,
    alloy_sol_types::{Panic, PanicKind},
    prelude::*,
};

#[derive(SolidityError)]
pub enum StorageError {
    Panic(Panic),
}

fn panic(kind: PanicKind) -> StorageError {
    StorageError::Panic(Panic::from(kind))
}

/// Loop bounds are `uint256` in the ABI; anything above this reverts with Panic(0x11)
/// (it could never finish within a block's gas anyway).
const MAX_N: u64 = 1 << 20;

fn bound(n: U256) -> Result<u64, StorageError> {
    match u64::try_from(n) {
        Ok(n) if n <= MAX_N => Ok(n),
        _ => Err(panic(PanicKind::UnderOverflow)),
    }
}

sol_storage! {
    #[entrypoint]
    pub struct StorageHeavy {
        mapping(uint256 => uint256) values;  // slot 0
        uint256[] items;                     // slot 1
        uint256 writes;                      // slot 2
    }
}

impl StorageHeavy {
    fn count_writes(&mut self, n: u64) {
        let w = self.writes.get().wrapping_add(U256::from(n));
        self.writes.set(w);
    }
}

#[public]
impl StorageHeavy {
    /// `fill(uint256 n)`: `values[i] = i + 1` for `i < n` (n fresh slots when empty).
    pub fn fill(&mut self, n: U256) -> Result<(), StorageError> {
        let n = bound(n)?;
        for i in 0..n {
            self.values.insert(U256::from(i), U256::from(i + 1));
        }
        self.count_writes(n);
        Ok(())
    }

    /// `sum(uint256 n)(uint256)`: `Σ values[i]` for `i < n` (wrapping). After `fill(n)` this is
    /// `n(n+1)/2`.
    pub fn sum(&self, n: U256) -> Result<U256, StorageError> {
        let n = bound(n)?;
        let mut acc = U256::ZERO;
        for i in 0..n {
            acc = acc.wrapping_add(self.values.get(U256::from(i)));
        }
        Ok(acc)
    }

    /// `bump(uint256 n, uint256 times)`: `times` passes of `values[i] += 1` for `i < n`.
    /// Every pass after the first hits the storage cache; only the final value of each slot
    /// is written at the flush.
    pub fn bump(&mut self, n: U256, times: U256) -> Result<(), StorageError> {
        let n = bound(n)?;
        let times = bound(times)?;
        for _ in 0..times {
            for i in 0..n {
                let k = U256::from(i);
                let v = self.values.get(k).wrapping_add(U256::from(1));
                self.values.insert(k, v);
            }
        }
        self.count_writes(n.saturating_mul(times));
        Ok(())
    }

    /// `clear(uint256 n)`: `values[i] = 0` for `i < n` (SSTORE refunds).
    pub fn clear(&mut self, n: U256) -> Result<(), StorageError> {
        let n = bound(n)?;
        for i in 0..n {
            self.values.delete(U256::from(i));
        }
        self.count_writes(n);
        Ok(())
    }

    /// `get(uint256 key)(uint256)`: `values[key]`.
    pub fn get(&self, key: U256) -> U256 {
        self.values.get(key)
    }

    /// `set(uint256 key, uint256 value)`: `values[key] = value`.
    pub fn set(&mut self, key: U256, value: U256) {
        self.values.insert(key, value);
        self.count_writes(1);
    }

    /// `push(uint256 n)`: appends `n` items; the item at index `i` is `i + 1`.
    pub fn push(&mut self, n: U256) -> Result<(), StorageError> {
        let n = bound(n)?;
        let start = self.items.len() as u64;
        for i in start..start + n {
            self.items.push(U256::from(i + 1));
        }
        self.count_writes(n);
        Ok(())
    }

    /// `pop()`: removes the last item; Panic(0x31) when empty.
    pub fn pop(&mut self) -> Result<(), StorageError> {
        match self.items.pop() {
            Some(_) => Ok(()),
            None => Err(panic(PanicKind::EmptyArrayPop)),
        }
    }

    /// `length()(uint256)`: number of items.
    pub fn length(&self) -> U256 {
        U256::from(self.items.len())
    }

    /// `itemAt(uint256 index)(uint256)`: Panic(0x32) when `index >= length()`.
    pub fn item_at(&self, index: U256) -> Result<U256, StorageError> {
        self.items
            .get(index)
            .ok_or_else(|| panic(PanicKind::ArrayOutOfBounds))
    }

    /// `sumItems()(uint256)`: `Σ items[i]` (wrapping).
    pub fn sum_items(&self) -> U256 {
        let mut acc = U256::ZERO;
        for i in 0..self.items.len() {
            acc = acc.wrapping_add(self.items.get(i).unwrap_or_default());
        }
        acc
    }

    /// `writes()(uint256)`: the write counter in slot 2.
    pub fn writes(&self) -> U256 {
        self.writes.get()
    }
}
