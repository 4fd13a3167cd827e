//! `compute`: pure-computation benchmarks with a Solidity twin (`compute/Compute.sol`) that
//! implements the same algorithms, so the two VMs' results and costs can be compared.
//!
//!   sieve(uint256 n)(uint256)        number of primes p < n (sieve of Eratosthenes over n bytes)
//!   keccakLoop(uint256 n)(bytes32)   h0 = bytes32(0); h(i+1) = keccak256(h(i)); returns h(n)
//!   fib(uint256 n)(uint256)          a,b = 0,1; n times: a,b = b, a+b (mod 2^256); returns a
//!
//! Any `n > 2**20` reverts with Panic(0x11) in both implementations. No storage.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
extern crate alloc;

use alloc::vec;
use stylus_sdk::{
    alloy_primitives::{B256, U256},
    alloy_sol_types::{Panic, PanicKind},
    crypto::keccak,
    prelude::*,
};

#[derive(SolidityError)]
pub enum ComputeError {
    Panic(Panic),
}

/// Upper bound for every `n`.
const MAX_N: u64 = 1 << 20;

fn bound(n: U256) -> Result<u64, ComputeError> {
    match u64::try_from(n) {
        Ok(n) if n <= MAX_N => Ok(n),
        _ => Err(ComputeError::Panic(Panic::from(PanicKind::UnderOverflow))),
    }
}

#[storage]
#[entrypoint]
pub struct Compute {}

#[public]
impl Compute {
    /// `sieve(uint256 n)(uint256)`: how many primes are below `n`.
    pub fn sieve(&self, n: U256) -> Result<U256, ComputeError> {
        let n = bound(n)? as usize;
        let mut composite = vec![false; n];
        let mut count: u64 = 0;
        let mut i = 2;
        while i < n {
            if !composite[i] {
                count += 1;
                let mut j = i * i;
                while j < n {
                    composite[j] = true;
                    j += i;
                }
            }
            i += 1;
        }
        Ok(U256::from(count))
    }

    /// `keccakLoop(uint256 n)(bytes32)`: keccak256 applied `n` times to 32 zero bytes.
    pub fn keccak_loop(&self, n: U256) -> Result<B256, ComputeError> {
        let n = bound(n)?;
        let mut h = B256::ZERO;
        for _ in 0..n {
            h = keccak(h);
        }
        Ok(h)
    }

    /// `fib(uint256 n)(uint256)`: the n-th Fibonacci number modulo 2^256 (fib(0) = 0).
    pub fn fib(&self, n: U256) -> Result<U256, ComputeError> {
        let n = bound(n)?;
        let (mut a, mut b) = (U256::ZERO, U256::from(1));
        for _ in 0..n {
            let c = a.wrapping_add(b);
            a = b;
            b = c;
        }
        Ok(a)
    }
}
