//! `dumpState`: the world as a `.steps.json` file — one `setState` step with the block and every
//! account (balance, nonce, code, storage) — that `externalSteps` includes to rebuild the same
//! world. Stylus programs stay activated through it: their records (and the data pricer) live
//! in the ArbOS state account's storage, which is dumped like any other.

use scenario_format::{Hint, reconstruct};
use serde_json::{Map, Value, json};
use world_mock::World;

fn hex(bytes: &[u8]) -> String {
    format!("0x{}", alloy_primitives::hex::encode(bytes))
}

/// The world as a steps file (pretty JSON).
pub(super) fn dump_state(world: &World) -> String {
    let mut accounts = Map::new();
    for (address, account) in world.state().accounts() {
        let mut entry = Map::new();
        entry.insert("nonce".into(), json!(account.nonce.to_string()));
        entry.insert("balance".into(), json!(account.balance.to_string()));
        if !account.code_bytes().is_empty() {
            entry.insert("code".into(), json!(hex(account.code_bytes())));
        }
        if !account.storage.is_empty() {
            let storage: Map<String, Value> = account
                .storage
                .iter()
                .map(|(k, v)| (hex(&k.to_be_bytes::<32>()), json!(hex(&v.to_be_bytes::<32>()))))
                .collect();
            entry.insert("storage".into(), Value::Object(storage));
        }
        accounts.insert(reconstruct(address.as_slice(), Hint::Address), Value::Object(entry));
    }
    let block = world.block();
    let block = json!({
        "number": block.number.to_string(),
        "timestamp": block.timestamp.to_string(),
        "basefee": block.basefee.to_string(),
        "chainId": block.chain_id.to_string(),
        "coinbase": reconstruct(block.coinbase.as_slice(), Hint::Address),
        "gasLimit": block.gas_limit.to_string(),
        "arbosVersion": block.arbos_version.to_string(),
    });
    let steps = json!({
        "comment": "Written by diorama's dumpState: include it with externalSteps to rebuild this world.",
        "steps": [{ "step": "setState", "block": block, "accounts": accounts }],
    });
    serde_json::to_string_pretty(&steps).unwrap_or_default() + "\n"
}
