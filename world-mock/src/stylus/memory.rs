//! The Stylus memory model (stylus-semantics §2.4, nitro `arbos/programs/memory.go`): each
//! transaction tracks the WASM pages its programs hold open now (`open`) and the most it ever
//! held (`ever`). Pages beyond the free ones cost `page_gas` each, plus an exponential term
//! charged only when `ever` reaches a new high.

/// `exp(pages)` for 0..=128 pages: `floor(b^pages)` with `b = 31,874,000^(1/128)`, so that 128
/// pages (8 MiB) cost about 32 M gas. Checked against the formula in the tests below; indices
/// past 128 cost `u64::MAX` (a transaction cannot hold more than 128 pages).
const EXP: [u32; 129] = [
    1, 1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5, 5, 6, 7, 8, 9, 11, 12, 14, 17, 19, 22, 25, 29, 33, 38, 43, 50, 57, 65, 75,
    85, 98, 112, 128, 147, 168, 193, 221, 253, 289, 331, 379, 434, 497, 569, 651, 745, 853, 976, 1117, 1279, 1463,
    1675, 1917, 2194, 2511, 2874, 3290, 3765, 4309, 4932, 5645, 6461, 7395, 8464, 9687, 11087, 12689, 14523, 16621,
    19024, 21773, 24919, 28521, 32642, 37359, 42758, 48938, 56010, 64104, 73368, 83971, 96106, 109994, 125890, 144082,
    164904, 188735, 216010, 247226, 282953, 323844, 370643, 424206, 485509, 555672, 635973, 727880, 833067, 953456,
    1091243, 1248941, 1429429, 1636000, 1872423, 2143012, 2452704, 2807151, 3212820, 3677113, 4208502, 4816684,
    5512756, 6309419, 7221210, 8264766, 9459129, 10826093, 12390601, 14181199, 16230562, 18576084, 21260563, 24332984,
    27849408, 31873999,
];

fn exp(pages: u16) -> u64 {
    EXP.get(usize::from(pages)).map_or(u64::MAX, |&value| u64::from(value))
}

/// Pages a transaction's Stylus programs hold: `open` now, `ever` at most (nitro keeps them in
/// the StateDB, reset per transaction, outside the journal).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PageCounters {
    /// Pages open now.
    pub open: u16,
    /// Most pages ever open in this transaction.
    pub ever: u16,
}

impl PageCounters {
    /// Opens `pages` more pages; returns the counters as they were before.
    pub fn add(&mut self, pages: u16) -> Self {
        let before = *self;
        self.open = self.open.saturating_add(pages);
        self.ever = self.ever.max(self.open);
        before
    }
}

/// Gas for opening `new` pages when `open` are open and `ever` were at most open
/// (nitro's `MemoryModel.GasCost`).
pub fn page_gas_cost(new: u16, open: u16, ever: u16, free_pages: u16, page_gas: u16) -> u64 {
    let new_open = open.saturating_add(new);
    let new_ever = ever.max(new_open);
    if new_ever <= free_pages {
        return 0;
    }
    let paid = |pages: u16| u64::from(pages.saturating_sub(free_pages));
    let linear = (paid(new_open) - paid(open)).saturating_mul(u64::from(page_gas));
    let expand = exp(new_ever).saturating_sub(exp(ever));
    linear.saturating_add(expand)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_matches_its_formula() {
        let base = (31_874_000f64.ln() / 128.0).exp();
        for pages in 0..=128u16 {
            assert_eq!(exp(pages), base.powi(i32::from(pages)) as u64, "pages {pages}");
        }
        assert_eq!(exp(129), u64::MAX);
    }

    #[test]
    fn eight_mib_costs_32m_gas_however_it_is_opened() {
        for jump in 1..=128u16 {
            let (mut total, mut pages) = (0u64, 0u16);
            while pages < 128 {
                let step = jump.min(128 - pages);
                total += page_gas_cost(step, pages, pages, 2, 1000);
                pages += step;
            }
            assert_eq!(total, 126_000 + 31_873_998, "jump {jump}");
        }
        // Reopening pages below the high-water mark pays only the linear term.
        assert_eq!(page_gas_cost(3, 0, 10, 2, 1000), 1000);
        assert_eq!(page_gas_cost(2, 0, 0, 2, 1000), 0);
        assert_eq!(page_gas_cost(200, 0, 0, 2, 1000), u64::MAX);
    }
}
