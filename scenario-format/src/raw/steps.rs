//! Raw step objects. Every step struct also accepts its `step` tag (see [`super::parse_scenario`],
//! which reads each step straight from the file text to keep exact error paths) and the common
//! `id` and `comment`.

use super::common::{AbiRaw, CheckMap, RawMap, StepTag, Text, ValueRaw};
use super::expect::ExpectRaw;
use super::state::{AccountCheckRaw, AccountRaw, ArbitrumRaw, BlockRaw, NewAddressRaw};
use serde::Deserialize;

/// `setState`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields, rename_all = "camelCase", expecting = "an object")]
pub struct SetStateRaw {
    /// The tag (`"setState"`) when read directly.
    pub step: Option<StepTag>,
    /// Step id.
    pub id: Option<Text>,
    /// Free text.
    pub comment: Option<Text>,
    /// Address → account.
    pub accounts: Option<RawMap<AccountRaw>>,
    /// Block environment.
    pub block: Option<BlockRaw>,
    /// Arbitrum chain settings.
    pub arbitrum: Option<ArbitrumRaw>,
    /// Addresses of future deploys.
    pub new_addresses: Option<Vec<NewAddressRaw>>,
}

/// `deploy`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields, rename_all = "camelCase", expecting = "an object")]
pub struct DeployRaw {
    /// The tag when read directly.
    pub step: Option<StepTag>,
    /// Step id.
    pub id: Option<Text>,
    /// Free text.
    pub comment: Option<Text>,
    /// The transaction.
    pub tx: DeployTxRaw,
    /// Expectations.
    pub expect: Option<Box<ExpectRaw>>,
}

/// `deploy.tx`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields, rename_all = "camelCase", expecting = "an object")]
pub struct DeployTxRaw {
    /// Sender.
    pub from: ValueRaw,
    /// Code expression.
    pub code: ValueRaw,
    /// `constructor(types)`.
    pub constructor: Option<Text>,
    /// Constructor arguments.
    pub args: Option<Vec<AbiRaw>>,
    /// Value sent.
    pub value: Option<ValueRaw>,
    /// Gas limit.
    pub gas_limit: Option<ValueRaw>,
    /// Gas price.
    pub gas_price: Option<ValueRaw>,
    /// Activate the deployed Stylus program in the same step.
    pub activate: Option<bool>,
}

/// `activate`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields, rename_all = "camelCase", expecting = "an object")]
pub struct ActivateRaw {
    /// The tag when read directly.
    pub step: Option<StepTag>,
    /// Step id.
    pub id: Option<Text>,
    /// Free text.
    pub comment: Option<Text>,
    /// The transaction.
    pub tx: ActivateTxRaw,
    /// Expectations.
    pub expect: Option<Box<ExpectRaw>>,
}

/// `activate.tx`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields, rename_all = "camelCase", expecting = "an object")]
pub struct ActivateTxRaw {
    /// Sender.
    pub from: ValueRaw,
    /// Program to activate.
    pub program: ValueRaw,
    /// Value sent (default: the data fee).
    pub value: Option<ValueRaw>,
    /// Gas limit.
    pub gas_limit: Option<ValueRaw>,
}

/// `call` and `query`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields, rename_all = "camelCase", expecting = "an object")]
pub struct CallRaw {
    /// The tag when read directly.
    pub step: Option<StepTag>,
    /// Step id.
    pub id: Option<Text>,
    /// Free text.
    pub comment: Option<Text>,
    /// The transaction.
    pub tx: CallTxRaw,
    /// Expectations.
    pub expect: Option<Box<ExpectRaw>>,
}

/// `call.tx` / `query.tx`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields, rename_all = "camelCase", expecting = "an object")]
pub struct CallTxRaw {
    /// Sender (required for `call`).
    pub from: Option<ValueRaw>,
    /// Callee.
    pub to: ValueRaw,
    /// Solidity signature, optionally with return types.
    pub function: Option<Text>,
    /// Arguments.
    pub args: Option<Vec<AbiRaw>>,
    /// Raw calldata (without `function`).
    pub data: Option<ValueRaw>,
    /// Value sent.
    pub value: Option<ValueRaw>,
    /// Gas limit.
    pub gas_limit: Option<ValueRaw>,
    /// Gas price.
    pub gas_price: Option<ValueRaw>,
}

/// `transfer`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields, rename_all = "camelCase", expecting = "an object")]
pub struct TransferRaw {
    /// The tag when read directly.
    pub step: Option<StepTag>,
    /// Step id.
    pub id: Option<Text>,
    /// Free text.
    pub comment: Option<Text>,
    /// The transaction.
    pub tx: TransferTxRaw,
    /// Expectations.
    pub expect: Option<Box<ExpectRaw>>,
}

/// `transfer.tx`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields, rename_all = "camelCase", expecting = "an object")]
pub struct TransferTxRaw {
    /// Sender.
    pub from: ValueRaw,
    /// Recipient.
    pub to: ValueRaw,
    /// Amount.
    pub value: ValueRaw,
}

/// `checkState`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields, rename_all = "camelCase", expecting = "an object")]
pub struct CheckStateRaw {
    /// The tag when read directly.
    pub step: Option<StepTag>,
    /// Step id.
    pub id: Option<Text>,
    /// Free text.
    pub comment: Option<Text>,
    /// Address → expected account; exact unless `"+": ""`.
    pub accounts: CheckMap<AccountCheckRaw>,
}

/// `dumpState`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields, rename_all = "camelCase", expecting = "an object")]
pub struct DumpStateRaw {
    /// The tag when read directly.
    pub step: Option<StepTag>,
    /// Step id.
    pub id: Option<Text>,
    /// Free text.
    pub comment: Option<Text>,
    /// Output file (default: print).
    pub path: Option<Text>,
}

/// `externalSteps`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields, rename_all = "camelCase", expecting = "an object")]
pub struct ExternalStepsRaw {
    /// The tag when read directly.
    pub step: Option<StepTag>,
    /// Step id.
    pub id: Option<Text>,
    /// Free text.
    pub comment: Option<Text>,
    /// The `.steps.json` / `.scen.json` file, relative to this one.
    pub path: Text,
}

super::common::objects_only!(
    SetStateRaw,
    DeployRaw,
    DeployTxRaw,
    ActivateRaw,
    ActivateTxRaw,
    CallRaw,
    CallTxRaw,
    TransferRaw,
    TransferTxRaw,
    CheckStateRaw,
    DumpStateRaw,
    ExternalStepsRaw
);
