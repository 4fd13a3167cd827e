//! Fork names of the test format, the revm spec each one runs under, and the tests skipped as
//! revme skips them.

use std::path::Path;

use world_mock::revm::primitives::hardfork::SpecId;

/// What to do with one `post` fork key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ForkPlan {
    /// Run under this spec.
    Run(SpecId),
    /// Do not run, for this reason.
    Skip(&'static str),
}

/// Maps a fork key of `post` to a spec (the same mapping as revm's statetest types).
pub(crate) fn plan(fork: &str) -> ForkPlan {
    use SpecId::*;
    let spec = match fork {
        "Frontier" => FRONTIER,
        "Homestead" | "FrontierToHomesteadAt5" => HOMESTEAD,
        "EIP150" | "TangerineWhistle" | "HomesteadToDaoAt5" | "HomesteadToEIP150At5" => TANGERINE,
        "EIP158" | "SpuriousDragon" => SPURIOUS_DRAGON,
        "Byzantium" | "EIP158ToByzantiumAt5" => BYZANTIUM,
        "ConstantinopleFix" | "Petersburg" | "ByzantiumToConstantinopleFixAt5" => PETERSBURG,
        "Istanbul" => ISTANBUL,
        "Berlin" => BERLIN,
        "London" | "BerlinToLondonAt5" => LONDON,
        "Paris" | "Merge" => MERGE,
        "Shanghai" => SHANGHAI,
        "Cancun" => CANCUN,
        "Prague" => PRAGUE,
        "Osaka" => OSAKA,
        "Amsterdam" => AMSTERDAM,
        "Constantinople" | "ByzantiumToConstantinopleAt5" => {
            return ForkPlan::Skip("Constantinople (EIP-1283 net metering, withdrawn) is not an EVM spec of revm");
        }
        _ => return ForkPlan::Skip("fork not supported by revm"),
    };
    ForkPlan::Run(spec)
}

/// Sort key of a fork key: chronological for known forks, then by name.
pub(crate) fn order(fork: &str) -> (u8, &str) {
    match plan(fork) {
        ForkPlan::Run(spec) => (spec as u8, fork),
        ForkPlan::Skip(_) => (u8::MAX, fork),
    }
}

/// Why a whole test file is skipped, if it is (revme 43 skips the same files).
///
/// `slow` says whether the few very slow tests are run anyway.
pub(crate) fn skip_file(path: &Path, slow: bool) -> Option<&'static str> {
    let text = path.to_string_lossy();
    if text.contains("paris/eip7610_create_collision") {
        return Some(CREATE_COLLISION);
    }
    let name = path.file_name()?.to_str()?;
    match name {
        "RevertInCreateInInit_Paris.json"
        | "RevertInCreateInInit.json"
        | "dynamicAccountOverwriteEmpty.json"
        | "dynamicAccountOverwriteEmpty_Paris.json"
        | "RevertInCreateInInitCreate2Paris.json"
        | "create2collisionStorage.json"
        | "RevertInCreateInInitCreate2.json"
        | "create2collisionStorageParis.json"
        | "InitCollision.json"
        | "InitCollisionParis.json"
        | "test_init_collision_create_opcode.json" => Some(CREATE_COLLISION),
        "ValueOverflow.json" | "ValueOverflowParis.json" => {
            Some("transaction value does not fit in 256 bits (malformed on purpose; skipped as revme does)")
        }
        "Call50000_sha256.json" | "static_Call50000_sha256.json" | "loopMul.json" | "CALLBlake2f_MaxRounds.json"
            if !slow =>
        {
            Some("very slow (skipped as revme does; run with include_slow)")
        }
        _ => None,
    }
}

const CREATE_COLLISION: &str = "creates over an address that has storage but no code or nonce (EIP-7610); revm does not check storage, skipped as revme does";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_forks() {
        assert_eq!(plan("Cancun"), ForkPlan::Run(SpecId::CANCUN));
        assert_eq!(plan("ConstantinopleFix"), ForkPlan::Run(SpecId::PETERSBURG));
        assert!(matches!(plan("Constantinople"), ForkPlan::Skip(_)));
        assert!(matches!(plan("Nonsense"), ForkPlan::Skip(_)));
        assert!(order("Berlin") < order("Cancun"));
    }

    #[test]
    fn skips_files() {
        assert!(skip_file(Path::new("a/loopMul.json"), false).is_some());
        assert!(skip_file(Path::new("a/loopMul.json"), true).is_none());
        assert!(skip_file(Path::new("a/add11.json"), false).is_none());
    }
}
