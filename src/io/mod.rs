//! Input and output formats (placeholder; being written).
