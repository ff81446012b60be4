//! Proof files and the noncommutative normaliser (placeholder; being written).
