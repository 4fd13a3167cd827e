// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Child — a tiny contract deployed by Factory. Storage: slot 0 = uint256 value.
contract Child {
    uint256 public value;

    constructor(uint256 v) {
        value = v;
    }
}

/// @title Factory — deploys Child with CREATE and CREATE2 and predicts CREATE2 addresses.
/// Storage: slot 0 = uint256 created (number of children deployed).
contract Factory {
    uint256 public created;

    event Created(address child);

    /// CREATE: address = keccak256(rlp([factory, nonce]))[12:]; the factory's nonce
    /// starts at 1 (EIP-161), so the first child uses nonce 1.
    function create(uint256 v) external returns (address child) {
        child = address(new Child(v));
        created += 1;
        emit Created(child);
    }

    /// CREATE2: reverts (empty revert data) if that salt and v were already used.
    function create2(bytes32 salt, uint256 v) external returns (address child) {
        child = address(new Child{salt: salt}(v));
        created += 1;
        emit Created(child);
    }

    /// keccak256(0xff ++ factory ++ salt ++ keccak256(Child.creationCode ++ abi.encode(v)))[12:]
    function computeAddress(bytes32 salt, uint256 v) external view returns (address) {
        bytes32 initCodeHash = keccak256(abi.encodePacked(type(Child).creationCode, abi.encode(v)));
        bytes32 h = keccak256(abi.encodePacked(bytes1(0xff), address(this), salt, initCodeHash));
        return address(uint160(uint256(h)));
    }
}
