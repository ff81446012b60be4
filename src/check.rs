//! The trusted checker (placeholder; being written).
use crate::exact::Matrix;
use crate::layer::Decomposition;
/// Why a check failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckError { Placeholder }
/// Checks a decomposition against a target.
pub fn check(_target: &Matrix, _dec: &Decomposition) -> Result<(), CheckError> { Err(CheckError::Placeholder) }
