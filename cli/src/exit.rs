//! Exit codes, the same for `check`, `report`, `explain` and `test`:
//! 2 when any input error exists (even beside findings: CI must tell broken
//! input from non-compliance), else 1 when an active finding is at or above
//! the failing severity, else 0.

use hegui_lang::diag::{Diagnostic, Severity, Status};
use hegui_lang::model::defs::Defs;

pub const CLEAN: u8 = 0;
pub const FINDINGS: u8 = 1;
pub const INPUT_ERROR: u8 = 2;

/// An error that is not a rule finding: the input could not be read, parsed
/// or understood (syntax, encoding, unknown field or name, wrong type,
/// invalid date, duplicate definition, missing required field, …).
pub fn is_input_error(d: &Diagnostic, defs: &Defs) -> bool {
    d.severity == Severity::Error && !defs.rules.contains_key(&d.code)
}

/// A rule finding that fails the run: active (not waived, not
/// undetermined) and at or above the failing severity.
pub fn is_failing(d: &Diagnostic, defs: &Defs, fail_at: Severity) -> bool {
    d.status == Status::Active && d.severity >= fail_at && defs.rules.contains_key(&d.code)
}

/// What fails a run: active findings at or above a severity, and with
/// `--deny undetermined`, undetermined findings too (whatever their severity).
#[derive(Clone, Copy, Debug)]
pub struct Gate {
    pub at: Severity,
    pub undetermined: bool,
}

/// The exit code of a run that showed `diags`, gated by `gate`.
pub fn gated(diags: &[Diagnostic], defs: &Defs, gate: Gate) -> u8 {
    let code = code(diags, defs, gate.at);
    let open =
        |d: &Diagnostic| d.status == Status::Undetermined && defs.rules.contains_key(&d.code);
    if code == CLEAN && gate.undetermined && diags.iter().any(open) {
        FINDINGS
    } else {
        code
    }
}

/// The exit code of a run that showed `diags`.
pub fn code(diags: &[Diagnostic], defs: &Defs, fail_at: Severity) -> u8 {
    if diags.iter().any(|d| is_input_error(d, defs)) {
        INPUT_ERROR
    } else if diags.iter().any(|d| is_failing(d, defs, fail_at)) {
        FINDINGS
    } else {
        CLEAN
    }
}
