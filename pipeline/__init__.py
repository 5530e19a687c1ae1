"""News corpus pipeline: raw news pages to analysis-ready Parquet tables."""
