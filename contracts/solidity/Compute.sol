// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Compute — the Solidity twin of the Stylus `compute` contract
/// (contracts/stylus/compute/src/lib.rs): same functions, same algorithms, same results,
/// so the EVM and Stylus costs of identical work can be compared. No storage.
///
///   sieve(n)       number of primes p < n (sieve of Eratosthenes over n bools)
///   keccakLoop(n)  h0 = bytes32(0); h(i+1) = keccak256(abi.encodePacked(h(i))); returns h(n)
///   fib(n)         a,b = 0,1; n times: a,b = b, a+b (mod 2**256); returns a
///
/// Any n > 2**20 reverts with Panic(0x11), exactly like the Stylus version.
contract Compute {
    uint256 internal constant MAX_N = 1 << 20;

    function _bound(uint256 n) private pure {
        if (n > MAX_N) {
            assembly {
                mstore(0x00, 0x4e487b71) // Panic(uint256)
                mstore(0x20, 0x11)
                revert(0x1c, 0x24)
            }
        }
    }

    function sieve(uint256 n) external pure returns (uint256 count) {
        _bound(n);
        bool[] memory composite = new bool[](n);
        unchecked {
            for (uint256 i = 2; i < n; ++i) {
                if (!composite[i]) {
                    ++count;
                    for (uint256 j = i * i; j < n; j += i) {
                        composite[j] = true;
                    }
                }
            }
        }
    }

    function keccakLoop(uint256 n) external pure returns (bytes32 h) {
        _bound(n);
        unchecked {
            for (uint256 i = 0; i < n; ++i) {
                h = keccak256(abi.encodePacked(h));
            }
        }
    }

    function fib(uint256 n) external pure returns (uint256 a) {
        _bound(n);
        uint256 b = 1;
        unchecked {
            for (uint256 i = 0; i < n; ++i) {
                (a, b) = (b, a + b);
            }
        }
    }
}
