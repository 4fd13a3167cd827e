//! Light syntax checks of Solidity signatures (`name(types)(returns)`); full parsing and type
//! checking are the runner's.

/// What a signature names; decides which forms are allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureKind {
    /// `name(types)` or `name(types)(returns)`.
    Function,
    /// `constructor(types)`.
    Constructor,
    /// `Name(types)` (custom error).
    Error,
    /// `Name(type indexed, …)`.
    Event,
}

/// A signature of the wrong shape; displayed as "got `…` (why), expected …".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SignatureError {
    /// What was wrong and what was expected.
    pub message: String,
}

/// Checks a signature's shape: an identifier, a parenthesized parameter list, and for
/// functions an optional parenthesized return list. The error says what was expected.
pub fn check_signature(sig: &str, kind: SignatureKind) -> Result<(), SignatureError> {
    check_shape(sig, kind).map(|_| ())
}

/// [`check_signature`], and whether the signature has a return list ([`has_returns`]), found
/// once per signature with its check.
pub(crate) fn check_shape(sig: &str, kind: SignatureKind) -> Result<bool, SignatureError> {
    // Suites repeat a few signatures thousands of times: remember the ones already accepted.
    // One set per kind, so that a lookup needs no owned key.
    thread_local! {
        static ACCEPTED: std::cell::RefCell<[Accepted; 4]> = Default::default();
    }
    let kind_index = kind as usize;
    if let Some(returns) = ACCEPTED.with(|a| a.borrow_mut()[kind_index].find(sig)) {
        return Ok(returns);
    }
    check_signature_uncached(sig, kind).map_err(|message| SignatureError { message })?;
    let returns = kind == SignatureKind::Function && has_returns(sig);
    ACCEPTED.with(|a| a.borrow_mut()[kind_index].accept(sig, returns));
    Ok(returns)
}

/// The signatures of one kind already accepted (with whether each has a return list), and the
/// last one accepted or found again: steps in a row often use the same one, which a comparison
/// finds sooner than a hash.
#[derive(Default)]
struct Accepted {
    last: String,
    last_returns: bool,
    all: foldhash::HashMap<String, bool>,
}

impl Accepted {
    /// Whether `sig` has a return list, when it was accepted before; found, it becomes the last
    /// one.
    fn find(&mut self, sig: &str) -> Option<bool> {
        // (Empty until a signature is accepted; an empty one never is.)
        if !self.last.is_empty() && self.last == sig {
            return Some(self.last_returns);
        }
        let returns = *self.all.get(sig)?;
        self.remember_last(sig, returns);
        Some(returns)
    }

    fn accept(&mut self, sig: &str, returns: bool) {
        self.all.insert(sig.to_owned(), returns);
        self.remember_last(sig, returns);
    }

    fn remember_last(&mut self, sig: &str, returns: bool) {
        self.last.clear();
        self.last.push_str(sig);
        self.last_returns = returns;
    }
}

fn check_signature_uncached(sig: &str, kind: SignatureKind) -> Result<(), String> {
    let expected = match kind {
        SignatureKind::Function => "`name(types)` or `name(types)(returns)`, e.g. `balanceOf(address)(uint256)`",
        SignatureKind::Constructor => "`constructor(types)`, e.g. `constructor(uint256,string)`",
        SignatureKind::Error => "`Name(types)`, e.g. `InsufficientBalance(uint256,uint256)`",
        SignatureKind::Event => "`Name(types)`, e.g. `Transfer(address indexed,address indexed,uint256)`",
    };
    let fail = |why: &str| Err(format!("got `{sig}` ({why}), expected {expected}"));
    let Some(open) = sig.find('(') else {
        return fail("no parameter list");
    };
    let name = &sig[..open];
    if !is_identifier(name) {
        return fail("the name is not an identifier");
    }
    if kind == SignatureKind::Constructor && name != "constructor" {
        return fail("the name must be `constructor`");
    }
    let Some((params, rest)) = group(&sig[open..]) else {
        return fail("unbalanced parentheses");
    };
    check_list(params, kind == SignatureKind::Event).or_else(|why| fail(&why))?;
    if rest.is_empty() {
        return Ok(());
    }
    if kind != SignatureKind::Function {
        return fail("unexpected text after the parameter list");
    }
    match group(rest) {
        Some((returns, "")) => check_list(returns, false).or_else(|why| fail(&why)),
        _ => fail("unexpected text after the return list"),
    }
}

/// Whether a function signature has a return list: `f(uint256)(bool)`.
pub fn has_returns(sig: &str) -> bool {
    let open = sig.bytes().position(|b| b == b'(');
    open.and_then(|i| group(&sig[i..])).is_some_and(|(_, rest)| rest.starts_with('('))
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

/// Splits `(inner)rest` at the parenthesis matching the first one (`text` starts with `(`).
pub fn group(text: &str) -> Option<(&str, &str)> {
    let mut depth = 0usize;
    // By bytes: parentheses are ASCII, so never inside a longer character.
    for (i, b) in text.bytes().enumerate() {
        match b {
            b'(' => depth += 1,
            b')' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some((&text[1..i], &text[i + 1..]));
                }
            }
            _ => {}
        }
    }
    None
}

/// Splits a parameter list at the commas outside parentheses.
pub fn split_top_level(list: &str) -> Vec<&str> {
    let mut depth = 0usize;
    let mut start = 0;
    let mut items = Vec::new();
    for (i, b) in list.bytes().enumerate() {
        match b {
            b'(' => depth += 1,
            b')' => depth = depth.saturating_sub(1),
            b',' if depth == 0 => {
                items.push(&list[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&list[start..]);
    items
}

/// Checks a comma-separated parameter list (tuples nested in parentheses).
fn check_list(list: &str, event: bool) -> Result<(), String> {
    if list.trim().is_empty() {
        return Ok(());
    }
    for item in split_top_level(list) {
        let item = item.trim();
        if item.is_empty() {
            return Err("an empty parameter".to_owned());
        }
        let mut words = item.split_whitespace();
        let ty = words.next().unwrap_or_default();
        let ty_ok = ty.starts_with('(') || ty.chars().all(|c| c.is_ascii_alphanumeric() || c == '[' || c == ']');
        if !ty_ok {
            return Err(format!("`{ty}` is not a type"));
        }
        for word in words {
            let allowed = if word == "indexed" { event } else { is_identifier(word) };
            if !allowed {
                return Err(format!("unexpected `{word}` in `{item}`"));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use SignatureKind::*;

    #[test]
    fn accepts_common_forms() {
        assert!(check_signature("balanceOf(address)(uint256)", Function).is_ok());
        assert!(check_signature("f()", Function).is_ok());
        assert!(check_signature("f((uint256,address)[],bytes32)(bool)", Function).is_ok());
        assert!(check_signature("constructor(uint256,string)", Constructor).is_ok());
        assert!(check_signature("Transfer(address indexed,address indexed,uint256)", Event).is_ok());
        assert!(check_signature("E(uint256 amount)", Error).is_ok());
        assert!(has_returns("f(uint256)(bool)"));
        assert!(!has_returns("f(uint256)"));
    }

    #[test]
    fn rejects_malformed() {
        for (sig, kind) in [
            ("balanceOf", Function),
            ("balanceOf(address", Function),
            ("1f()", Function),
            ("f(uint256,)", Function),
            ("f()(bool)x", Function),
            ("init(uint256)", Constructor),
            ("E()(bool)", Error),
            ("f(address indexed)", Function),
            ("f(uint-256)", Function),
        ] {
            assert!(check_signature(sig, kind).is_err(), "{sig} accepted");
        }
    }

    #[test]
    fn remembered_signatures_are_only_those_accepted_for_their_kind() {
        assert!(check_signature("f(uint256)(bool)", Function).is_ok());
        // The last one accepted is remembered: an empty or different text is still checked.
        // (The kinds are kept apart: the same text as an event is checked as one.)
        for (sig, kind) in [("", Function), ("f(uint256)(bool", Function), ("f(uint256)(bool)", Event), ("", Event)] {
            assert!(check_signature(sig, kind).is_err(), "{sig:?} accepted as {kind:?}");
        }
        assert!(check_signature("f(uint256)(bool)", Function).is_ok());
        assert!(check_signature("g()", Function).is_ok());
        assert!(check_signature("f(uint256)(bool)", Function).is_ok());
        assert!(check_signature("f(uint256)(bool)x", Function).is_err());
    }
}
