//! What the host keeps about the frame it runs, whatever the executor.

use world_mock::revm::primitives::{Address, Bytes, U256};
use world_mock::stylus::{FrameEnv, StylusCall};

/// The host-side state of one frame: its arguments, result, last return data length and the
/// values the getters return.
#[derive(Clone, Debug)]
pub struct FrameData {
    /// Calldata (`read_args`).
    pub args: Bytes,
    /// The last `write_result`.
    pub outs: Bytes,
    /// Length of the last nested call's return data.
    pub return_data_len: u32,
    /// The account whose storage the frame uses.
    pub contract: Address,
    /// `msg.sender`.
    pub caller: Address,
    /// `msg.value`.
    pub value: U256,
    /// Ink per gas.
    pub ink_price: u64,
    /// ArbOS version whose charging rules apply.
    pub arbos_version: u64,
    /// The block and transaction environment, asked of the hooks once.
    pub env: Option<FrameEnv>,
    /// Whether each hostio call is recorded (the chain's hooks ask for it).
    pub tracing: bool,
    /// The record of the hostio running now, when tracing.
    pub(crate) capture: Option<crate::trace::Capture>,
    /// The frame's ink profile, when the chain asked for one and the executor sees functions.
    pub profiler: Option<crate::Profiler>,
}

impl FrameData {
    /// The data of a frame about to run `call`.
    pub fn new(call: &StylusCall) -> Self {
        Self {
            args: call.calldata.clone(),
            outs: Bytes::new(),
            return_data_len: 0,
            contract: call.contract,
            caller: call.caller,
            value: call.value,
            ink_price: u64::from(call.params.ink_price.max(1)),
            arbos_version: call.params.arbos_version,
            env: None,
            tracing: false,
            capture: None,
            profiler: None,
        }
    }
}
