"""Document-level work: plain Python, no Dagster. Each module is one stage."""
