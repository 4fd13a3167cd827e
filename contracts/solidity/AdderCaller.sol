// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// The C Stylus program `contracts/c/adder.c`.
interface IAdder {
    function add(uint256 amount) external returns (uint256 total);
    function total() external view returns (uint256);
}

/// Calls the C program from Solidity.
contract AdderCaller {
    event Forwarded(uint256 total);

    function addVia(address adder, uint256 amount) external returns (uint256 total) {
        total = IAdder(adder).add(amount);
        emit Forwarded(total);
    }

    function totalOf(address adder) external view returns (uint256) {
        return IAdder(adder).total();
    }
}
