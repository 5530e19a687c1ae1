import dagster as dg

# One partition per ingestion batch (a group of landing files claimed together).
# Keys look like 20261125T061500-000042-1a2b3c4d (time, running count, random):
# they sort in claim order, and are free of the
# characters that break the UI or IO-manager paths.
batch_partitions = dg.DynamicPartitionsDefinition(name="batches")
