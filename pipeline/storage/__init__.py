"""Where tables live: schemas, warehouse reads and writes, the IO manager, the batch ledger and indexes."""
