//! The world's inspector: names the addresses of CREATEs (`newAddresses`) and, when tracing is
//! on, records the call tree. It is shared (cheap clones of two `Rc`s) with the router, so that
//! nested EVM runs started by Stylus frames are inspected the same way.

use std::cell::RefCell;
use std::rc::Rc;

use revm::Inspector;
use revm::context_interface::{ContextTr, CreateScheme, JournalTr};
use revm::interpreter::{CallInputs, CallOutcome, CreateInputs, CreateOutcome, interpreter::EthInterpreter};

use crate::naming::AddressNamer;
use crate::router::RouteLog;

/// Naming and tracing, for the top-level EVM and nested runs alike.
#[derive(Clone, Debug, Default)]
pub struct WorldInspector {
    pub(crate) names: Rc<RefCell<AddressNamer>>,
    pub(crate) log: Rc<RefCell<RouteLog>>,
}

impl WorldInspector {
    /// Whether a run must go through the inspector: a named CREATE may happen, or the
    /// transaction is being traced.
    pub(crate) fn active(&self) -> bool {
        !self.names.borrow().is_empty() || self.log.borrow().trace.is_some()
    }
}

impl<CTX: ContextTr> Inspector<CTX, EthInterpreter> for WorldInspector {
    fn call(&mut self, context: &mut CTX, inputs: &mut CallInputs) -> Option<CallOutcome> {
        if let Some(trace) = self.log.borrow_mut().trace.as_mut() {
            trace.call(inputs, inputs.input.bytes(context));
        }
        None
    }

    fn call_end(&mut self, _context: &mut CTX, _inputs: &CallInputs, outcome: &mut CallOutcome) {
        if let Some(trace) = self.log.borrow_mut().trace.as_mut() {
            trace.call_end(outcome);
        }
    }

    fn create(&mut self, context: &mut CTX, inputs: &mut CreateInputs) -> Option<CreateOutcome> {
        if inputs.scheme() == CreateScheme::Create {
            let caller = inputs.caller();
            // revm bumps the creator's nonce when the create frame opens, after this hook.
            if let Ok(account) = context.journal_mut().load_account(caller)
                && let Some(address) = self.names.borrow().get(caller, account.data.info.nonce)
            {
                inputs.set_scheme(CreateScheme::Custom { address });
            }
        }
        if let Some(trace) = self.log.borrow_mut().trace.as_mut() {
            trace.create(inputs);
        }
        None
    }

    fn create_end(&mut self, _context: &mut CTX, _inputs: &CreateInputs, outcome: &mut CreateOutcome) {
        if let Some(trace) = self.log.borrow_mut().trace.as_mut() {
            trace.create_end(outcome);
        }
    }
}
