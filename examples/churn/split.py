#!/usr/bin/env python3
"""Split data/raw.csv into data/train.csv and data/test.csv.

Reads `split.test_size` and `split.seed` from params.yaml. The split is
stratified on the label, so both files keep the churn rate. Deterministic:
same input and params give byte-identical outputs.
"""
import os

import pandas as pd
import yaml
from sklearn.model_selection import train_test_split

RAW = "data/raw.csv"
TRAIN = "data/train.csv"
TEST = "data/test.csv"


def main() -> None:
    with open("params.yaml") as f:
        params = yaml.safe_load(f)["split"]
    test_size = float(params["test_size"])
    seed = int(params["seed"])

    df = pd.read_csv(RAW)
    train, test = train_test_split(
        df, test_size=test_size, random_state=seed, stratify=df["churned"]
    )
    # Keep the original row order inside each part (stable, easier to diff).
    train = train.sort_index()
    test = test.sort_index()

    os.makedirs(os.path.dirname(TRAIN), exist_ok=True)
    train.to_csv(TRAIN, index=False, float_format="%.2f", lineterminator="\n")
    test.to_csv(TEST, index=False, float_format="%.2f", lineterminator="\n")
    print(f"wrote {TRAIN} ({len(train)} rows) and {TEST} ({len(test)} rows)")


if __name__ == "__main__":
    main()
