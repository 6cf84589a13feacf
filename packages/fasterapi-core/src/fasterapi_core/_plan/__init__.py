"""Route compilation: parameter converters, validation errors, dependency plans (private)."""
