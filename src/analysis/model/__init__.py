"""Model: computations on tables, parameters and dates. No language, printing or plotting."""
