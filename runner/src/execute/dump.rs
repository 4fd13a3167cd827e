//! `dumpState`: the world in `setState` form, so a dump can seed another scenario.

use scenario_format::{Hint, reconstruct};
use serde_json::{Map, Value, json};
use world_mock::World;

/// The world as a `setState` step (pretty JSON).
pub(super) fn dump_state(world: &World) -> String {
    let mut accounts = Map::new();
    for (address, account) in world.state().accounts() {
        let mut entry = Map::new();
        entry.insert("nonce".into(), json!(account.nonce.to_string()));
        entry.insert("balance".into(), json!(account.balance.to_string()));
        if !account.code_bytes().is_empty() {
            entry.insert("code".into(), json!(format!("0x{}", alloy_primitives::hex::encode(account.code_bytes()))));
        }
        if !account.storage.is_empty() {
            let storage: Map<String, Value> = account
                .storage
                .iter()
                .map(|(k, v)| {
                    (
                        format!("0x{}", alloy_primitives::hex::encode(k.to_be_bytes::<32>())),
                        json!(format!("0x{}", alloy_primitives::hex::encode(v.to_be_bytes::<32>()))),
                    )
                })
                .collect();
            entry.insert("storage".into(), Value::Object(storage));
        }
        accounts.insert(reconstruct(address.as_slice(), Hint::Address), Value::Object(entry));
    }
    let step = json!({ "step": "setState", "accounts": accounts });
    serde_json::to_string_pretty(&step).unwrap_or_default() + "\n"
}
