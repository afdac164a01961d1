"""The GenAI trace benchmark: OTLP and StartTraceV3 ingest, the mlflow client's exporter, search."""
