//! `dumpState`: the world as a `.steps.json` file that `externalSteps` includes to rebuild the
//! same world: a first `setState` with the block, the scenario's accounts (balance, nonce, code,
//! storage) and the Arbitrum settings that differ from the defaults, and a second holding, apart,
//! the chain's own accounts (Arbitrum precompiles, the ArbOS state account, the network fee
//! account), which activation and L2→L1 messages write. Stylus programs stay activated through
//! it: their records (and the data pricer) live in the ArbOS state account's storage.

use scenario_format::{Hint, reconstruct};
use serde_json::{Map, Value, json};
use world_mock::World;
use world_mock::arbos::ArbosConfig;

fn hex(bytes: &[u8]) -> String {
    format!("0x{}", alloy_primitives::hex::encode(bytes))
}

/// The world as a steps file (pretty JSON).
pub(super) fn dump_state(world: &World) -> String {
    let (mut accounts, mut system) = (Map::new(), Map::new());
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
        let target = if world.is_system_account(address) { &mut system } else { &mut accounts };
        target.insert(reconstruct(address.as_slice(), Hint::Address), Value::Object(entry));
    }
    let settings = world.block();
    let mut block = json!({
        "number": settings.number.to_string(),
        "timestamp": settings.timestamp.to_string(),
        "basefee": settings.basefee.to_string(),
        "chainId": settings.chain_id.to_string(),
        "coinbase": reconstruct(settings.coinbase.as_slice(), Hint::Address),
        "gasLimit": settings.gas_limit.to_string(),
        "arbosVersion": settings.arbos_version.to_string(),
    });
    if let Some(l1) = settings.l1_number {
        block["l1Number"] = json!(l1.to_string());
    }
    let mut step = json!({ "step": "setState", "block": block, "accounts": accounts });
    if let Some(arbitrum) = arbitrum_settings(world) {
        step["arbitrum"] = arbitrum;
    }
    let mut steps = vec![step];
    if !system.is_empty() {
        steps.push(json!({
            "step": "setState",
            "comment": "Arbitrum system accounts (chain internals: precompiles, ArbOS state, network fee account)",
            "accounts": system,
        }));
    }
    let comment = "Written by diorama's dumpState: include it with externalSteps to rebuild this world.";
    serde_json::to_string_pretty(&json!({ "comment": comment, "steps": steps })).unwrap_or_default() + "\n"
}

/// The ArbOS settings that differ from the defaults, in `setState.arbitrum` form.
fn arbitrum_settings(world: &World) -> Option<Value> {
    let (config, defaults) = (world.arbos_config(), ArbosConfig::default());
    let address = |a: &alloy_primitives::Address| json!(reconstruct(a.as_slice(), Hint::Address));
    let mut out = Map::new();
    if config.chain_owners != defaults.chain_owners {
        out.insert("chainOwners".into(), Value::Array(config.chain_owners.iter().map(address).collect()));
    }
    if config.cache_managers != defaults.cache_managers {
        out.insert("cacheManagers".into(), Value::Array(config.cache_managers.iter().map(address).collect()));
    }
    if config.network_fee_account != defaults.network_fee_account {
        out.insert("networkFeeAccount".into(), address(&config.network_fee_account));
    }
    if config.infra_fee_account != defaults.infra_fee_account {
        out.insert("infraFeeAccount".into(), address(&config.infra_fee_account));
    }
    if config.l1_base_fee != defaults.l1_base_fee {
        out.insert("l1BaseFee".into(), json!(config.l1_base_fee.to_string()));
    }
    if config.minimum_gas_price != defaults.minimum_gas_price {
        out.insert("minimumGasPrice".into(), json!(config.minimum_gas_price.to_string()));
    }
    let params = world.stylus_params();
    let base = world_mock::stylus::StylusParams::for_arbos_version(params.arbos_version);
    let numbers: [(&str, u64, u64); 6] = [
        ("stylusVersion", params.version.into(), base.version.into()),
        ("activationGas", params.activation_gas, base.activation_gas),
        ("expiryDays", params.expiry_days.into(), base.expiry_days.into()),
        ("keepaliveDays", params.keepalive_days.into(), base.keepalive_days.into()),
        ("blockCacheSize", params.block_cache_size.into(), base.block_cache_size.into()),
        ("maxFragmentCount", params.max_fragment_count.into(), base.max_fragment_count.into()),
    ];
    for (key, value, default) in numbers {
        if value != default {
            out.insert(key.into(), json!(value.to_string()));
        }
    }
    (!out.is_empty()).then_some(Value::Object(out))
}
