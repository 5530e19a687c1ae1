"""The Dagster shell: assets by stage, checks, sensors and schedules, jobs, partitions, resources."""
