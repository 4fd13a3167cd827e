// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Events — emits logs of every shape (0..3 indexed topics, anonymous,
/// dynamic data, indexed dynamic types) and reverts with custom errors.
///
/// Storage: slot 0 = address owner (the deployer), slot 1 = uint256 emitted
/// (how many events this contract has emitted through its emit* functions).
contract Events {
    address public owner;    // slot 0
    uint256 public emitted;  // slot 1

    uint256 public constant MAX = 100;

    // 0 indexed params: topics = [sig]
    event NoArgs();
    event Unindexed(uint256 a, uint256 b);
    // 1 indexed param: topics = [sig, from]
    event OneIndexed(address indexed from, uint256 value);
    // 2 indexed params: topics = [sig, from, to]
    event TwoIndexed(address indexed from, address indexed to, uint256 value);
    // 3 indexed params + dynamic data: topics = [sig, a, b, c], data = abi.encode(note)
    event ThreeIndexed(address indexed a, uint256 indexed b, bytes32 indexed c, string note);
    // anonymous: no signature topic; topics = [a], data = abi.encode(b)
    event Anonymous(uint256 indexed a, uint256 b) anonymous;
    // dynamic data
    event Message(address indexed sender, string text);
    event Data(bytes data);
    // indexed dynamic type: topic[1] = keccak256(bytes(tag))
    event Tagged(string indexed tag, uint256 value);

    error Unauthorized(address caller);
    error OutOfRange(uint256 value, uint256 max);
    error Empty();

    constructor() {
        owner = msg.sender;
    }

    function emitNoArgs() external {
        emitted += 1;
        emit NoArgs();
    }

    function emitUnindexed(uint256 a, uint256 b) external {
        emitted += 1;
        emit Unindexed(a, b);
    }

    function emitOne(uint256 value) external {
        emitted += 1;
        emit OneIndexed(msg.sender, value);
    }

    function emitTwo(address to, uint256 value) external {
        emitted += 1;
        emit TwoIndexed(msg.sender, to, value);
    }

    function emitThree(uint256 b, bytes32 c, string calldata note) external {
        emitted += 1;
        emit ThreeIndexed(msg.sender, b, c, note);
    }

    function emitAnonymous(uint256 a, uint256 b) external {
        emitted += 1;
        emit Anonymous(a, b);
    }

    function emitMessage(string calldata text) external {
        emitted += 1;
        emit Message(msg.sender, text);
    }

    function emitData(bytes calldata data) external {
        emitted += 1;
        emit Data(data);
    }

    function emitTagged(string calldata tag, uint256 value) external {
        emitted += 1;
        emit Tagged(tag, value);
    }

    /// Emits OneIndexed(msg.sender, i) for i = 0 .. n-1, in order.
    function emitMany(uint256 n) external {
        for (uint256 i = 0; i < n; i++) {
            emit OneIndexed(msg.sender, i);
        }
        emitted += n;
    }

    /// Emits a Message, then reverts with Empty(): the log and the write are discarded.
    function emitThenRevert(string calldata text) external {
        emitted += 1;
        emit Message(msg.sender, text);
        revert Empty();
    }

    /// Reverts with Unauthorized(msg.sender) unless called by the owner; returns true.
    function onlyOwner() external view returns (bool) {
        if (msg.sender != owner) revert Unauthorized(msg.sender);
        return true;
    }

    /// Returns value; reverts with OutOfRange(value, 100) when value > 100.
    function checkRange(uint256 value) external pure returns (uint256) {
        if (value > MAX) revert OutOfRange(value, MAX);
        return value;
    }

    /// Always reverts with Empty() (a custom error without arguments).
    function fail() external pure {
        revert Empty();
    }
}
