//! ArbOwnerPublic (`0x6b`, nitro `precompiles/ArbOwnerPublic.go`): the read methods, from the
//! chain settings ([`super::ArbosConfig`]). Address sets cost what nitro's `AddressSet` reads:
//! membership one read, a listing its size plus one read per member.

use revm::primitives::{Address, U256};

use super::abi::Out;
use super::burner::PARAMS;
use super::{ARB_OWNER_PUBLIC, Call, Failure, Method, MethodResult, Precompile, Purity, m, since};

const METHODS: [Method; 17] = [
    m("isChainOwner(address)", Purity::View),
    since("rectifyChainOwner(address)", Purity::Write, 11),
    m("getAllChainOwners()", Purity::View),
    since("getNativeTokenManagementFrom()", Purity::View, 50),
    since("isNativeTokenOwner(address)", Purity::View, 41),
    since("getAllNativeTokenOwners()", Purity::View, 41),
    since("getTransactionFilteringFrom()", Purity::View, 60),
    since("isTransactionFilterer(address)", Purity::View, 60),
    since("getAllTransactionFilterers()", Purity::View, 60),
    since("getFilteredFundsRecipient()", Purity::View, 60),
    m("getNetworkFeeAccount()", Purity::View),
    since("getInfraFeeAccount()", Purity::View, 5),
    since("getBrotliCompressionLevel()", Purity::View, 20),
    since("getParentGasFloorPerToken()", Purity::View, 50),
    since("getScheduledUpgrade()", Purity::View, 20),
    since("isCalldataPriceIncreaseEnabled()", Purity::View, 40),
    since("getMaxStylusContractFragments()", Purity::View, 60),
];

pub(crate) static PRECOMPILE: Precompile =
    Precompile { address: ARB_OWNER_PUBLIC, name: "ArbOwnerPublic", since: 0, methods: &METHODS, run };

fn run(call: &mut Call<'_>, index: usize) -> MethodResult {
    let config = call.router.arbos.clone();
    let owners = &config.chain_owners;
    let word = |value: u64| Ok(Out::new().uint(U256::from(value)).into_bytes());
    match METHODS[index].signature {
        "isChainOwner(address)" => {
            let address = call.args.address(0)?;
            call.reads(1)?;
            Ok(Out::new().bool(owners.contains(&address)).into_bytes())
        }
        "rectifyChainOwner(address)" => {
            let address = call.args.address(0)?;
            call.reads(1)?;
            if !owners.contains(&address) {
                return Err(Failure::Revert("RectifyMapping: Address is not an owner".into()));
            }
            // diorama's owner set is always consistent (nitro reads the slot to check).
            call.reads(1)?;
            Err(Failure::Revert("RectifyMapping: Owner address is correctly mapped".into()))
        }
        "getAllChainOwners()" => members(call, owners),
        // diorama has no native-token owners and no transaction filterers.
        "isNativeTokenOwner(address)" | "isTransactionFilterer(address)" => {
            call.args.address(0)?;
            call.reads(1)?;
            Ok(Out::new().bool(false).into_bytes())
        }
        "getAllNativeTokenOwners()" | "getAllTransactionFilterers()" => members(call, &[]),
        "getNativeTokenManagementFrom()" | "getTransactionFilteringFrom()" | "getParentGasFloorPerToken()" => {
            call.reads(1)?;
            word(0)
        }
        "getFilteredFundsRecipient()" => {
            call.reads(1)?;
            Ok(Out::new().address(Address::ZERO).into_bytes())
        }
        "getNetworkFeeAccount()" => {
            call.reads(1)?;
            Ok(Out::new().address(config.network_fee_account).into_bytes())
        }
        "getInfraFeeAccount()" => {
            call.reads(1)?;
            Ok(Out::new().address(config.infra_fee_account).into_bytes())
        }
        // Set to 1 by the ArbOS 20 upgrade.
        "getBrotliCompressionLevel()" => {
            call.reads(1)?;
            word(1)
        }
        // No upgrade is scheduled: version and timestamp are read, then (0, 0).
        "getScheduledUpgrade()" => {
            call.reads(2)?;
            Ok(Out::new().uint(U256::ZERO).uint(U256::ZERO).into_bytes())
        }
        "isCalldataPriceIncreaseEnabled()" => {
            call.reads(1)?;
            Ok(Out::new().bool(false).into_bytes())
        }
        "getMaxStylusContractFragments()" => {
            call.burn(PARAMS)?;
            word(call.router.params.max_fragment_count.into())
        }
        other => unreachable!("ArbOwnerPublic method {other} has no body"),
    }
}

/// `AddressSet.AllMembers`: the size, then each member.
fn members(call: &mut Call<'_>, members: &[Address]) -> MethodResult {
    call.reads(1 + members.len() as u64)?;
    Ok(Out::address_array(members).into_bytes())
}
