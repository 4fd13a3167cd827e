//! Stylus constructors. A `deploy` of Stylus code with a `constructor` is sent the way
//! `cargo stylus deploy --constructor-args … --constructor-value …` sends it: one transaction to
//! the StylusDeployer (installed at cargo-stylus's default deployer address), which creates the
//! program, activates it if needed (paying the data fee out of the value), calls the SDK's
//! `stylus_constructor` entry with the ABI-encoded arguments and the constructor value, refunds
//! the rest and emits `ContractDeployed`. The runner sends the data fee plus 20 % (as
//! cargo-stylus does) on top of the constructor value, takes the created address from the event,
//! names it after the sender's `newAddresses` entry, and reports a constructor's revert as the
//! step's revert (unwrapping `ContractInitializationError`).

use std::sync::{Arc, OnceLock};

use alloy_dyn_abi::DynSolValue;
use alloy_primitives::{Address, B256, Bytes, U256, address, keccak256};
use world_mock::{Commit, TxOutcome, TxRequest, TxStatus, World};

use crate::abi::Signature;

/// Where `cargo stylus deploy` finds the StylusDeployer (its default `--deployer-address`).
pub const STYLUS_DEPLOYER: Address = address!("cEcba2F1DC234f70Dd89F2041029807F8D03A990");

/// The StylusDeployer's functions, so that traces decode calls to it.
pub const FUNCTIONS: &[&str] = &[
    "deploy(bytes,bytes,uint256,bytes32)(address)",
    "requiresActivation(address)(bool)",
    "initSalt(bytes32,bytes)(bytes32)",
    "activateProgram(address)(uint16,uint256)",
    "codehashVersion(bytes32)(uint16)",
    "stylusVersion()(uint16)",
];

/// The StylusDeployer's errors, so that its reverts are decoded in messages.
pub const ERRORS: &[&str] = &[
    "ContractDeploymentError(bytes)",
    "ContractInitializationError(address,bytes)",
    "RefundExcessValueError(uint256)",
    "EmptyBytecode()",
    "InitValueButNotInitData()",
];

/// [`FUNCTIONS`], parsed once.
pub(crate) fn functions() -> &'static [Arc<Signature>] {
    static PARSED: OnceLock<Vec<Arc<Signature>>> = OnceLock::new();
    PARSED.get_or_init(|| Signature::parse_each(FUNCTIONS))
}

/// [`ERRORS`], parsed once.
pub(crate) fn errors() -> &'static [Arc<Signature>] {
    static PARSED: OnceLock<Vec<Arc<Signature>>> = OnceLock::new();
    PARSED.get_or_init(|| Signature::parse_each(ERRORS))
}

/// The SDK routes a constructor call by the selector of `stylus_constructor()`, whatever the
/// constructor's parameters.
pub fn constructor_selector() -> [u8; 4] {
    world_mock::stylus::selector("stylus_constructor()")
}

/// diorama's StylusDeployer (`contracts/solidity/StylusDeployer.sol`), runtime code.
fn deployer_code() -> &'static [u8] {
    static CODE: OnceLock<Vec<u8>> = OnceLock::new();
    CODE.get_or_init(|| {
        let artifact: serde_json::Value =
            serde_json::from_str(include_str!("../../fixtures/artifacts/StylusDeployer.json")).unwrap_or_default();
        let hex = artifact["deployedBytecode"].as_str().unwrap_or_default().trim_start_matches("0x");
        alloy_primitives::hex::decode(hex).unwrap_or_default()
    })
}

/// A constructor deploy, prepared.
#[derive(Clone, Debug)]
pub struct DeployerCall {
    /// The program's on-chain code (for the data fee and the activation check).
    pub program: Vec<u8>,
    /// The constructor's value (`initValue`).
    pub init_value: U256,
}

/// `deploy(bytes bytecode, bytes initData, uint256 initValue, bytes32 salt)` calldata.
pub fn deploy_calldata(init_code: &[u8], init_data: &[u8], init_value: U256, salt: B256) -> Bytes {
    let args = DynSolValue::Tuple(vec![
        DynSolValue::Bytes(init_code.to_vec()),
        DynSolValue::Bytes(init_data.to_vec()),
        DynSolValue::Uint(init_value, 256),
        DynSolValue::FixedBytes(salt, 32),
    ]);
    let mut data = world_mock::stylus::selector("deploy(bytes,bytes,uint256,bytes32)").to_vec();
    data.extend(args.abi_encode_params());
    data.into()
}

/// Sends a prepared constructor deploy (`request` is addressed to the deployer, its value is the
/// constructor value) and reports it as a deploy: `created` from `ContractDeployed`, a
/// constructor's revert data as the output.
pub fn send(world: &mut World, request: &TxRequest, call: &DeployerCall) -> Result<TxOutcome, DeployerError> {
    install(world)?;
    let mut request = request.clone();
    let codehash = keccak256(&call.program);
    if !world.program_is_active(codehash) {
        let fee = world.data_fee(&call.program).map_err(|e| DeployerError::NotActivatable(e.to_string()))?;
        request.value = call.init_value.saturating_add(fee * U256::from(120) / U256::from(100));
    }
    // The sender's `newAddresses` name for this nonce names what the deployer creates, for
    // this transaction only.
    let sender_nonce = world.state().account(&request.from).map_or(0, |a| a.nonce);
    let deployer_nonce = world.state().account(&STYLUS_DEPLOYER).map_or(0, |a| a.nonce);
    let named = world.named_address(request.from, sender_nonce);
    if let Some(name) = named {
        world.name_new_address(STYLUS_DEPLOYER, deployer_nonce, name);
    }
    let executed = world.execute(&request, Commit::Yes);
    if named.is_some() {
        world.forget_name(STYLUS_DEPLOYER, deployer_nonce);
    }
    let mut outcome = match executed {
        Ok(outcome) => outcome,
        Err(rejected) => return Ok(crate::execute::rejected_outcome(rejected.0)),
    };
    let deployed = keccak256("ContractDeployed(address)");
    outcome.created = outcome
        .logs
        .iter()
        .find(|log| log.address == STYLUS_DEPLOYER && log.topics().first() == Some(&deployed))
        .and_then(|log| log.data.data.get(12..32).map(Address::from_slice));
    if outcome.status == TxStatus::Revert
        && let Some(inner) = constructor_revert(&outcome.output)
    {
        outcome.output = inner;
        outcome.halt_reason = Some("the constructor reverted (StylusDeployer: ContractInitializationError)".into());
    }
    Ok(outcome)
}

/// The constructor's revert data inside `ContractInitializationError(address, bytes)`.
fn constructor_revert(output: &[u8]) -> Option<Bytes> {
    let selector = world_mock::stylus::selector("ContractInitializationError(address,bytes)");
    let body = output.strip_prefix(&selector[..])?;
    let ty =
        alloy_dyn_abi::DynSolType::Tuple(vec![alloy_dyn_abi::DynSolType::Address, alloy_dyn_abi::DynSolType::Bytes]);
    match ty.abi_decode_params(body).ok()? {
        DynSolValue::Tuple(values) => match values.get(1) {
            Some(DynSolValue::Bytes(data)) => Some(data.clone().into()),
            _ => None,
        },
        _ => None,
    }
}

/// Why a constructor deploy through the StylusDeployer could not be sent.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DeployerError {
    /// This build has no StylusDeployer bytecode.
    #[error("the StylusDeployer artifact is missing from this build")]
    Missing,
    /// The program cannot be activated, so its data fee is unknown.
    #[error("the program cannot be activated: {0}")]
    NotActivatable(String),
}

/// Puts the deployer's code at its address, as on an Arbitrum chain, unless some code is there.
fn install(world: &mut World) -> Result<(), DeployerError> {
    let existing = world.state().account(&STYLUS_DEPLOYER).map(|a| a.code_bytes().to_vec()).unwrap_or_default();
    if !existing.is_empty() {
        return Ok(()); // a scenario's own deployer (e.g. from a dump) is used as it is
    }
    let code = deployer_code();
    if code.is_empty() {
        return Err(DeployerError::Missing);
    }
    world.state_mut().set_code(STYLUS_DEPLOYER, code);
    world.state_mut().account_mut(STYLUS_DEPLOYER).nonce = 1;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_and_calldata() {
        assert_eq!(constructor_selector(), [0x55, 0x85, 0x25, 0x8d]);
        let data = deploy_calldata(&[0xaa], &[0x55, 0x85, 0x25, 0x8d], U256::from(7), B256::ZERO);
        assert_eq!(&data[..4], &world_mock::stylus::selector("deploy(bytes,bytes,uint256,bytes32)"));
        assert_eq!(data.len(), 4 + 32 * 4 + 64 + 64);
        assert!(!deployer_code().is_empty());
    }

    #[test]
    fn a_constructor_revert_is_unwrapped() {
        let inner = [0x08, 0xc3, 0x79, 0xa0];
        let mut data = world_mock::stylus::selector("ContractInitializationError(address,bytes)").to_vec();
        data.extend(
            DynSolValue::Tuple(vec![DynSolValue::Address(Address::ZERO), DynSolValue::Bytes(inner.to_vec())])
                .abi_encode_params(),
        );
        assert_eq!(constructor_revert(&data).as_deref().map(|d| &d[..]), Some(&inner[..]));
        assert_eq!(constructor_revert(&[1, 2, 3]), None);
    }
}
