//! `setState` with code resolved to bytes.

use alloy_primitives::{Address, U256};
use scenario_format::{ArbitrumState, BlockState, SetState};

use super::{Needs, PrepareError, StepCx};

/// One account to write.
#[derive(Clone, Debug)]
pub struct AccountSetup {
    /// The account.
    pub address: Address,
    /// New balance, if set.
    pub balance: Option<U256>,
    /// New nonce, if set.
    pub nonce: Option<u64>,
    /// New runtime code, if set.
    pub code: Option<Vec<u8>>,
    /// Storage words to write.
    pub storage: Vec<(U256, U256)>,
    /// Activate the Stylus program at no cost.
    pub activate: bool,
}

/// A prepared `setState`.
#[derive(Clone, Debug)]
pub struct StateSetup {
    /// Accounts, in file order.
    pub accounts: Vec<AccountSetup>,
    /// Block fields to change.
    pub block: Option<BlockState>,
    /// Arbitrum settings to change (boxed: rarely present, and large).
    pub arbitrum: Option<Box<ArbitrumState>>,
    /// `(creator, nonce, address)` names for future deploys.
    pub new_addresses: Vec<(Address, u64, Address)>,
}

pub(crate) fn prepare_set_state(
    cx: &StepCx<'_>,
    set: &SetState,
    needs: &mut Needs,
) -> Result<StateSetup, PrepareError> {
    let mut accounts = Vec::with_capacity(set.accounts.len());
    for (address, account) in &set.accounts {
        let code = match &account.code {
            Some(code) => {
                let path = format!("accounts[{:?}].code", address.original);
                Some(cx.code(code, &path, true, needs)?)
            }
            None => None,
        };
        accounts.push(AccountSetup {
            address: address.value,
            balance: account.balance.as_ref().map(|b| b.value),
            nonce: account.nonce,
            code,
            storage: account
                .storage
                .iter()
                .map(|(k, v)| (U256::from_be_bytes(k.value.0), U256::from_be_bytes(v.value.0)))
                .collect(),
            activate: account.activate,
        });
    }
    let new_addresses = set.new_addresses.iter().map(|n| (n.creator.value, n.nonce, n.address.value)).collect();
    Ok(StateSetup { accounts, block: set.block.clone(), arbitrum: set.arbitrum.clone().map(Box::new), new_addresses })
}

/// Expected code: the expression as written and the runtime bytes it stands for.
#[derive(Clone, Debug)]
pub struct CodeExpect {
    /// As written.
    pub original: String,
    /// Runtime bytes.
    pub bytes: Vec<u8>,
}

/// A prepared `checkState`: the format's check plus expected code resolved to bytes, in
/// account order (`None` where code is not checked or is `*`).
#[derive(Clone, Debug)]
pub struct StateCheck {
    /// The check as written.
    pub check: scenario_format::CheckState,
    /// Resolved expected code per listed account.
    pub codes: Vec<Option<CodeExpect>>,
}

pub(crate) fn prepare_check_state(
    cx: &StepCx<'_>,
    check: &scenario_format::CheckState,
    needs: &mut Needs,
) -> Result<StateCheck, PrepareError> {
    let mut codes = Vec::with_capacity(check.accounts.len());
    for (address, account) in &check.accounts {
        let code = match &account.code {
            Some(scenario_format::Check::Exact(code)) => {
                let path = format!("accounts[{:?}].code", address.original);
                Some(CodeExpect { original: code.original.clone(), bytes: cx.code(code, &path, true, needs)? })
            }
            _ => None,
        };
        codes.push(code);
    }
    Ok(StateCheck { check: check.clone(), codes })
}
