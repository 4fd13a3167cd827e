//! The snapshot header: what decides the figures besides the scenarios. Two snapshots are
//! comparable only when every part matches; a mismatch names the part that differs.
//!
//! The pricing-table hash covers the sources that set Stylus prices and charges (opcode ink and
//! its instrumentation, hostio ink, the chain's gas for Stylus state access, entry, memory,
//! calls and activation). It is a hash of source text, not of the compiled engine: the Wasmer
//! module fingerprint also covers the host's CPU features, which would make a snapshot taken on
//! a laptop incomparable in CI.

use std::fmt::Write;

use alloy_primitives::keccak256;

/// The sources whose content sets prices (paths relative to the workspace root).
pub(crate) const PRICING_SOURCES: &[(&str, &[u8])] = &[
    ("executors/wasmer/src/pricing.rs", include_bytes!("../../../executors/wasmer/src/pricing.rs")),
    ("executors/wasmer/src/middleware/mod.rs", include_bytes!("../../../executors/wasmer/src/middleware/mod.rs")),
    ("executors/wasmer/src/middleware/meter.rs", include_bytes!("../../../executors/wasmer/src/middleware/meter.rs")),
    ("executors/wasmer/src/middleware/plan.rs", include_bytes!("../../../executors/wasmer/src/middleware/plan.rs")),
    (
        "executors/wasmer/src/middleware/dynamic.rs",
        include_bytes!("../../../executors/wasmer/src/middleware/dynamic.rs"),
    ),
    ("executors/wasmer/src/middleware/depth.rs", include_bytes!("../../../executors/wasmer/src/middleware/depth.rs")),
    ("executors/wasmer/src/middleware/heap.rs", include_bytes!("../../../executors/wasmer/src/middleware/heap.rs")),
    ("executors/wasmer/src/middleware/stack.rs", include_bytes!("../../../executors/wasmer/src/middleware/stack.rs")),
    ("executors/hostio/src/prices.rs", include_bytes!("../../../executors/hostio/src/prices.rs")),
    ("executors/hostio/src/hostio/mod.rs", include_bytes!("../../../executors/hostio/src/hostio/mod.rs")),
    ("executors/hostio/src/hostio/calls.rs", include_bytes!("../../../executors/hostio/src/hostio/calls.rs")),
    ("executors/hostio/src/hostio/chain.rs", include_bytes!("../../../executors/hostio/src/hostio/chain.rs")),
    ("executors/hostio/src/hostio/info.rs", include_bytes!("../../../executors/hostio/src/hostio/info.rs")),
    ("executors/hostio/src/hostio/io.rs", include_bytes!("../../../executors/hostio/src/hostio/io.rs")),
    ("executors/hostio/src/hostio/math.rs", include_bytes!("../../../executors/hostio/src/hostio/math.rs")),
    ("world-mock/src/stylus/mod.rs", include_bytes!("../../../world-mock/src/stylus/mod.rs")),
    ("world-mock/src/stylus/gas.rs", include_bytes!("../../../world-mock/src/stylus/gas.rs")),
    ("world-mock/src/stylus/entry.rs", include_bytes!("../../../world-mock/src/stylus/entry.rs")),
    ("world-mock/src/stylus/memory.rs", include_bytes!("../../../world-mock/src/stylus/memory.rs")),
    ("world-mock/src/stylus/calls.rs", include_bytes!("../../../world-mock/src/stylus/calls.rs")),
    ("world-mock/src/arbos/mod.rs", include_bytes!("../../../world-mock/src/arbos/mod.rs")),
    ("world-mock/src/arbos/abi.rs", include_bytes!("../../../world-mock/src/arbos/abi.rs")),
    ("world-mock/src/arbos/arbgasinfo.rs", include_bytes!("../../../world-mock/src/arbos/arbgasinfo.rs")),
    ("world-mock/src/arbos/arbownerpublic.rs", include_bytes!("../../../world-mock/src/arbos/arbownerpublic.rs")),
    ("world-mock/src/arbos/arbsys.rs", include_bytes!("../../../world-mock/src/arbos/arbsys.rs")),
    ("world-mock/src/arbos/arbwasm.rs", include_bytes!("../../../world-mock/src/arbos/arbwasm.rs")),
    ("world-mock/src/arbos/arbwasmcache.rs", include_bytes!("../../../world-mock/src/arbos/arbwasmcache.rs")),
    ("world-mock/src/arbos/burner.rs", include_bytes!("../../../world-mock/src/arbos/burner.rs")),
    ("world-mock/src/stylus/data_pricer.rs", include_bytes!("../../../world-mock/src/stylus/data_pricer.rs")),
    ("world-mock/src/stylus/activation/costs.rs", include_bytes!("../../../world-mock/src/stylus/activation/costs.rs")),
    ("world-mock/src/stylus/activation/ops.rs", include_bytes!("../../../world-mock/src/stylus/activation/ops.rs")),
];

/// The parts of a snapshot's header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fingerprint {
    /// The diorama version that wrote it.
    pub diorama: String,
    /// Keccak-256 of the pricing sources.
    pub pricing: String,
    /// The EVM rules (revm spec id).
    pub evm: String,
    /// The default ArbOS version (Stylus rules).
    pub arbos: String,
}

/// The header lines' keys with their names in messages, in file order.
pub(crate) const PARTS: [(&str, &str); 4] =
    [("diorama", "diorama version"), ("pricing", "pricing table"), ("evm", "EVM spec"), ("arbos", "ArbOS version")];

impl Fingerprint {
    /// This build's fingerprint.
    pub fn current() -> Self {
        let mut text = Vec::new();
        for (name, source) in PRICING_SOURCES {
            text.extend_from_slice(name.as_bytes());
            text.extend_from_slice(keccak256(source).as_slice());
        }
        Self {
            diorama: env!("CARGO_PKG_VERSION").to_string(),
            pricing: keccak256(&text).to_string(),
            evm: format!("{:?}", world_mock::DEFAULT_SPEC),
            arbos: world_mock::DEFAULT_ARBOS_VERSION.to_string(),
        }
    }

    /// The value of a part by its key.
    pub(crate) fn get(&self, key: &str) -> &str {
        match key {
            "diorama" => &self.diorama,
            "pricing" => &self.pricing,
            "evm" => &self.evm,
            _ => &self.arbos,
        }
    }

    /// One sentence per part that differs: `pricing table: 0x… in the file, 0x… now`.
    pub fn differences(&self, now: &Fingerprint) -> Vec<String> {
        PARTS
            .iter()
            .filter(|(key, _)| self.get(key) != now.get(key))
            .map(|(key, name)| format!("{name}: {} in the file, {} now", self.get(key), now.get(key)))
            .collect()
    }

    /// The header lines.
    pub(crate) fn render(&self, out: &mut String) {
        for (key, _) in PARTS {
            let _ = writeln!(out, "{key} {}", self.get(key));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pricing_folder_file_is_hashed() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        for folder in [
            "executors/wasmer/src/middleware",
            "executors/hostio/src/hostio",
            "world-mock/src/stylus/activation",
            "world-mock/src/arbos",
        ] {
            for entry in std::fs::read_dir(root.join(folder)).unwrap() {
                let name = format!("{folder}/{}", entry.unwrap().file_name().to_string_lossy());
                let listed = PRICING_SOURCES.iter().any(|(n, _)| *n == name);
                // Activation validation and hostio signatures set no price; the function
                // profiler charges nothing (tests compare every figure with it on and off).
                let exempt = name.ends_with("activation/mod.rs")
                    || name.ends_with("activation/validate.rs")
                    || name.ends_with("activation/hostio.rs")
                    || name.ends_with("middleware/profile.rs");
                assert!(listed || exempt, "{name} is not in PRICING_SOURCES");
            }
        }
    }

    #[test]
    fn differences_name_the_part() {
        let now = Fingerprint::current();
        assert!(now.differences(&now).is_empty());
        assert!(now.pricing.starts_with("0x") && now.pricing.len() == 66, "{}", now.pricing);
        assert_eq!(now.evm, "CANCUN");
        let old = Fingerprint { arbos: "32".into(), pricing: "0x00".into(), ..now.clone() };
        assert_eq!(
            old.differences(&now),
            [
                format!("pricing table: 0x00 in the file, {} now", now.pricing),
                "ArbOS version: 32 in the file, 50 now".into()
            ]
        );
    }
}
