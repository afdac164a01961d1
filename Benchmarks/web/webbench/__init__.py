"""Keel's server-rendered pages vs the API calls MLflow's UI makes, over one 100,000-run experiment."""
