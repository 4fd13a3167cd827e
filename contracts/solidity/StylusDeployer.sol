// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// The ArbWasm precompile (0x71) methods the deployer needs.
interface IArbWasm {
    function activateProgram(address program) external payable returns (uint16 version, uint256 dataFee);
    function stylusVersion() external view returns (uint16 version);
    function codehashVersion(bytes32 codehash) external view returns (uint16 version);
}

/// diorama's StylusDeployer: the interface, events, errors and behaviour of Arbitrum's
/// StylusDeployer, the contract that `cargo stylus deploy` sends a constructor deploy to. In one
/// transaction it creates the program from its init code, activates it if its code hash is not
/// active at the current Stylus version (paying the data fee out of `msg.value - initValue`),
/// calls it with `initData` and `initValue` (the SDK's `stylus_constructor` call), refunds what
/// is left of `msg.value` to the caller and emits `ContractDeployed`. The runner installs it at
/// cargo-stylus's default deployer address when a scenario deploys Stylus code with a
/// `constructor`.
contract StylusDeployer {
    IArbWasm private constant ARB_WASM = IArbWasm(address(0x71));

    event ContractDeployed(address deployedContract);

    error ContractDeploymentError(bytes bytecode);
    error ContractInitializationError(address newContract, bytes data);
    error RefundExcessValueError(uint256 excessValue);
    error EmptyBytecode();
    error InitValueButNotInitData();

    /// Creates, activates (if needed) and initialises a Stylus program; returns its address.
    /// A non-zero `salt` creates with CREATE2 and a salt hashed with `initData`.
    function deploy(bytes calldata bytecode, bytes calldata initData, uint256 initValue, bytes32 salt)
        external
        payable
        returns (address program)
    {
        if (salt != bytes32(0)) {
            salt = initSalt(salt, initData);
        }
        program = createProgram(bytecode, salt);
        uint256 dataFee;
        if (requiresActivation(program)) {
            (, dataFee) = ARB_WASM.activateProgram{value: msg.value - initValue}(program);
        }
        if (initData.length != 0) {
            (bool ok, bytes memory data) = program.call{value: initValue}(initData);
            if (!ok) {
                revert ContractInitializationError(program, data);
            }
        } else if (initValue != 0) {
            revert InitValueButNotInitData();
        }
        uint256 excess = msg.value - dataFee - initValue;
        if (excess != 0) {
            (bool sent,) = payable(msg.sender).call{value: excess}("");
            if (!sent) {
                revert RefundExcessValueError(excess);
            }
        }
        emit ContractDeployed(program);
    }

    /// The CREATE2 salt for a user salt and the init data the program is called with.
    function initSalt(bytes32 salt, bytes calldata initData) public pure returns (bytes32) {
        return keccak256(abi.encodePacked(salt, initData));
    }

    /// Whether the code at `program` still needs activating at the current Stylus version.
    function requiresActivation(address program) public view returns (bool) {
        uint16 version;
        try ARB_WASM.codehashVersion(program.codehash) returns (uint16 active) {
            version = active;
        } catch {
            version = 0;
        }
        return version != ARB_WASM.stylusVersion();
    }

    function createProgram(bytes memory bytecode, bytes32 salt) private returns (address program) {
        if (bytecode.length == 0) {
            revert EmptyBytecode();
        }
        assembly {
            switch salt
            case 0 { program := create(0, add(bytecode, 0x20), mload(bytecode)) }
            default { program := create2(0, add(bytecode, 0x20), mload(bytecode), salt) }
            // A reverted init code: pass its revert data on.
            if and(iszero(program), gt(returndatasize(), 0)) {
                let at := mload(0x40)
                returndatacopy(at, 0, returndatasize())
                revert(at, returndatasize())
            }
        }
        if (program == address(0)) {
            revert ContractDeploymentError(bytecode);
        }
    }
}
