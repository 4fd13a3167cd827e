//! Post-state commitments: the Merkle-Patricia state root of a world and the logs hash.

use alloy_trie::TrieAccount;
use alloy_trie::root::{state_root_unhashed, storage_root_unhashed};
use world_mock::WorldState;
use world_mock::revm::primitives::{B256, KECCAK_EMPTY, Log, keccak256};

/// The state root of every account in `state` (keys hashed, storage tries included).
pub fn state_root(state: &WorldState) -> B256 {
    state_root_unhashed(state.accounts().iter().map(|(address, account)| {
        let storage_root = storage_root_unhashed(
            account.storage.iter().filter(|(_, v)| !v.is_zero()).map(|(k, v)| (B256::from(*k), *v)),
        );
        let code_hash = if account.code_hash.is_zero() { KECCAK_EMPTY } else { account.code_hash };
        let trie = TrieAccount { nonce: account.nonce, balance: account.balance, storage_root, code_hash };
        (*address, trie)
    }))
}

/// Keccak-256 of the RLP list of `logs` (the `logs` field of a state test).
pub fn logs_hash(logs: &[Log]) -> B256 {
    let mut out = Vec::with_capacity(alloy_rlp::list_length(logs));
    alloy_rlp::encode_list(logs, &mut out);
    keccak256(&out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use world_mock::revm::primitives::b256;

    #[test]
    fn empty_commitments() {
        // Root of the empty trie and keccak(rlp([])).
        assert_eq!(state_root(&WorldState::new()), alloy_trie::EMPTY_ROOT_HASH);
        assert_eq!(logs_hash(&[]), b256!("1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347"));
    }
}
