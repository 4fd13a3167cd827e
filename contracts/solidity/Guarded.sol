// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Guarded — every way a call can fail, plus a payable deposit/withdraw.
///
/// Storage: slot 0 = address owner, slot 1 = mapping(address => uint256) deposits,
/// slot 2 = uint256 totalDeposits, slot 3 = uint256 spins (written by spin()).
///
/// Failure kinds:
///   requirePositive(0)      Error("Guarded: zero")
///   onlyOwner() by other    Error("Guarded: not owner")
///   revertWith(s)           Error(s)
///   plainRevert()           empty revert data
///   failAssert()            Panic(0x01)
///   add(a,b) overflow       Panic(0x11)
///   sub(a,b) underflow      Panic(0x11)
///   divide(a,0)             Panic(0x12)
///   element(i) with i >= 3  Panic(0x32)
///   spin()                  runs out of gas (infinite loop writing storage)
///   invalidOpcode()         INVALID (0xfe): halts, consumes all gas, no revert data
///   deposit() with 0 value  Error("Guarded: no value")
///   withdraw(too much)      Error("Guarded: insufficient deposit")
///   failed ETH send         Error("Guarded: send failed")
///   plain ETH transfer / unknown selector: reverts with empty data (no receive/fallback)
contract Guarded {
    address public owner;                          // slot 0
    mapping(address => uint256) public deposits;   // slot 1
    uint256 public totalDeposits;                  // slot 2
    uint256 public spins;                          // slot 3

    event Deposited(address indexed account, uint256 amount);
    event Withdrawn(address indexed account, uint256 amount);

    constructor() {
        owner = msg.sender;
    }

    function requirePositive(uint256 x) external pure returns (uint256) {
        require(x > 0, "Guarded: zero");
        return x;
    }

    function onlyOwner() external view returns (bool) {
        require(msg.sender == owner, "Guarded: not owner");
        return true;
    }

    function revertWith(string calldata reason) external pure {
        revert(reason);
    }

    function plainRevert() external pure {
        revert();
    }

    function failAssert() external pure {
        assert(false);
    }

    function add(uint256 a, uint256 b) external pure returns (uint256) {
        return a + b;
    }

    function sub(uint256 a, uint256 b) external pure returns (uint256) {
        return a - b;
    }

    function divide(uint256 a, uint256 b) external pure returns (uint256) {
        return a / b;
    }

    /// Index into the fixed array [10, 20, 30].
    function element(uint256 i) external pure returns (uint256) {
        uint256[3] memory xs = [uint256(10), 20, 30];
        return xs[i];
    }

    function spin() external {
        while (true) {
            spins += 1;
        }
    }

    function invalidOpcode() external pure {
        assembly {
            invalid()
        }
    }

    function deposit() external payable {
        require(msg.value > 0, "Guarded: no value");
        deposits[msg.sender] += msg.value;
        totalDeposits += msg.value;
        emit Deposited(msg.sender, msg.value);
    }

    function withdraw(uint256 amount) external {
        require(deposits[msg.sender] >= amount, "Guarded: insufficient deposit");
        deposits[msg.sender] -= amount;
        totalDeposits -= amount;
        (bool ok, ) = msg.sender.call{value: amount}("");
        require(ok, "Guarded: send failed");
        emit Withdrawn(msg.sender, amount);
    }
}
