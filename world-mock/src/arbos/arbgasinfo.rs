//! ArbGasInfo (`0x6c`, nitro `precompiles/ArbGasInfo.go`): the read methods, from the chain
//! settings ([`super::ArbosConfig`]) and the block. diorama has no L1 pricing model, so the
//! pricing state nitro updates per batch keeps its initial values: no backlog, no surplus, no
//! funds due, no L1 fees for the current transaction. Each value nitro reads from ArbOS storage
//! costs 800 gas. Methods over the multi-gas constraint model are not implemented and say so.

use revm::context_interface::Block;
use revm::primitives::U256;

use super::abi::Out;
use super::{ARB_GAS_INFO, Call, Failure, Method, MethodResult, Precompile, Purity, m, since};

/// nitro's assumed size of a simple transaction, in L1 calldata bytes.
const ASSUMED_SIMPLE_TX_SIZE: u64 = 140;
/// `TxDataNonZeroGasEIP2028`: L1 gas per non-zero calldata byte.
const L1_GAS_PER_BYTE: u64 = 16;
/// `StorageWriteCost`: the L2 gas of a storage write, as ArbGasInfo prices it.
const STORAGE_ARB_GAS: u64 = 20_000;
/// `InitialSpeedLimitPerSecondV6`.
const SPEED_LIMIT_PER_SECOND: u64 = 7_000_000;

const METHODS: [Method; 29] = [
    m("getPricesInWeiWithAggregator(address)", Purity::View),
    m("getPricesInWei()", Purity::View),
    m("getPricesInArbGasWithAggregator(address)", Purity::View),
    m("getPricesInArbGas()", Purity::View),
    m("getGasAccountingParams()", Purity::View),
    since("getMaxTxGasLimit()", Purity::View, 50),
    m("getMinimumGasPrice()", Purity::View),
    m("getL1BaseFeeEstimate()", Purity::View),
    m("getL1BaseFeeEstimateInertia()", Purity::View),
    since("getL1RewardRate()", Purity::View, 11),
    since("getL1RewardRecipient()", Purity::View, 11),
    m("getL1GasPriceEstimate()", Purity::View),
    m("getCurrentTxL1GasFees()", Purity::View),
    m("getGasBacklog()", Purity::View),
    m("getPricingInertia()", Purity::View),
    m("getGasBacklogTolerance()", Purity::View),
    m("getL1PricingSurplus()", Purity::View),
    m("getPerBatchGasCharge()", Purity::View),
    m("getAmortizedCostCapBips()", Purity::View),
    since("getL1FeesAvailable()", Purity::View, 10),
    since("getL1PricingEquilibrationUnits()", Purity::View, 20),
    since("getLastL1PricingUpdateTime()", Purity::View, 20),
    since("getL1PricingFundsDueForRewards()", Purity::View, 20),
    since("getL1PricingUnitsSinceUpdate()", Purity::View, 20),
    since("getLastL1PricingSurplus()", Purity::View, 20),
    since("getMaxBlockGasLimit()", Purity::View, 50),
    since("getGasPricingConstraints()", Purity::View, 50),
    since("getMultiGasPricingConstraints()", Purity::View, 60),
    since("getMultiGasBaseFee()", Purity::View, 60),
];

pub(crate) static PRECOMPILE: Precompile =
    Precompile { address: ARB_GAS_INFO, name: "ArbGasInfo", since: 0, methods: &METHODS, run };

fn run(call: &mut Call<'_>, index: usize) -> MethodResult {
    let config = call.router.arbos.clone();
    let basefee = U256::from(call.ctx.block.basefee());
    let gas_limit = call.router.block.gas_limit;
    let uint = |value: U256| Ok(Out::new().uint(value).into_bytes());
    let small = |value: u64| Ok(Out::new().uint(U256::from(value)).into_bytes());
    let signature = METHODS[index].signature;
    match signature {
        "getPricesInWeiWithAggregator(address)" | "getPricesInWei()" => {
            if signature.ends_with("(address)") {
                call.args.address(0)?;
            }
            call.reads(2)?; // PricePerUnit, MinBaseFeeWei
            let wei_for_l1_calldata = config.l1_base_fee * U256::from(L1_GAS_PER_BYTE);
            let per_l2_tx = wei_for_l1_calldata * U256::from(ASSUMED_SIMPLE_TX_SIZE);
            let base = config.minimum_gas_price.min(basefee);
            Ok(Out::new()
                .uint(per_l2_tx)
                .uint(wei_for_l1_calldata)
                .uint(basefee * U256::from(STORAGE_ARB_GAS))
                .uint(base)
                .uint(basefee - base)
                .uint(basefee)
                .into_bytes())
        }
        "getPricesInArbGasWithAggregator(address)" | "getPricesInArbGas()" => {
            if signature.ends_with("(address)") {
                call.args.address(0)?;
            }
            call.reads(1)?; // PricePerUnit
            let wei_for_l1_calldata = config.l1_base_fee * U256::from(L1_GAS_PER_BYTE);
            let wei_per_l2_tx = wei_for_l1_calldata * U256::from(ASSUMED_SIMPLE_TX_SIZE);
            let (gas_for_l1_calldata, gas_per_l2_tx) = if basefee.is_zero() {
                (U256::ZERO, U256::ZERO)
            } else {
                (wei_for_l1_calldata / basefee, wei_per_l2_tx / basefee)
            };
            Ok(Out::new().uint(gas_per_l2_tx).uint(gas_for_l1_calldata).uint(U256::from(STORAGE_ARB_GAS)).into_bytes())
        }
        "getGasAccountingParams()" => {
            call.reads(2)?;
            let limit = U256::from(gas_limit);
            Ok(Out::new().uint(U256::from(SPEED_LIMIT_PER_SECOND)).uint(limit).uint(limit).into_bytes())
        }
        // diorama's per-transaction and per-block limits are both the block gas limit.
        "getMaxTxGasLimit()" | "getMaxBlockGasLimit()" => {
            call.reads(1)?;
            small(gas_limit)
        }
        "getMinimumGasPrice()" => {
            call.reads(1)?;
            uint(config.minimum_gas_price)
        }
        "getL1BaseFeeEstimate()" | "getL1GasPriceEstimate()" => {
            call.reads(1)?;
            uint(config.l1_base_fee)
        }
        // InitialInertia, InitialPerUnitReward.
        "getL1BaseFeeEstimateInertia()" | "getL1RewardRate()" => {
            call.reads(1)?;
            small(10)
        }
        "getL1RewardRecipient()" => {
            call.reads(1)?;
            Ok(Out::new().address(config.l1_reward_recipient).into_bytes())
        }
        // The poster fee of the current transaction: diorama charges no L1 fee.
        "getCurrentTxL1GasFees()" => small(0),
        "getPricingInertia()" => {
            call.reads(1)?;
            small(102)
        }
        "getGasBacklogTolerance()" => {
            call.reads(1)?;
            small(10)
        }
        // InitialPerBatchGasCostV12.
        "getPerBatchGasCharge()" => {
            call.reads(1)?;
            Ok(Out::new().int(210_000).into_bytes())
        }
        // InitialEquilibrationUnitsV6 = 16 · 10,000,000.
        "getL1PricingEquilibrationUnits()" => {
            call.reads(1)?;
            small(L1_GAS_PER_BYTE * 10_000_000)
        }
        "getGasBacklog()"
        | "getAmortizedCostCapBips()"
        | "getL1FeesAvailable()"
        | "getLastL1PricingUpdateTime()"
        | "getL1PricingFundsDueForRewards()"
        | "getL1PricingUnitsSinceUpdate()"
        | "getLastL1PricingSurplus()" => {
            call.reads(1)?;
            small(0)
        }
        // L1 fees available less the funds due for refunds and rewards (3 reads): all zero.
        "getL1PricingSurplus()" => {
            call.reads(3)?;
            Ok(Out::new().int(0).into_bytes())
        }
        // No constraints are configured: the length is read, the list is empty.
        "getGasPricingConstraints()" | "getMultiGasPricingConstraints()" => {
            call.reads(1)?;
            Ok(Out::empty_array().into_bytes())
        }
        other => Err(Failure::Revert(format!(
            "ArbGasInfo.{other} is not implemented by diorama (it reads nitro's L1 batch-poster or multi-gas state)"
        ))),
    }
}
