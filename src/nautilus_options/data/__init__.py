"""Market data: instrument builders, the synthetic market generator, vendor loaders."""
