#!/usr/bin/env python3
"""Generate a synthetic customer-churn data set for the Keel example pipeline.

The output is fully determined by --rows, --seed and --drift: the same
arguments always produce a byte-identical CSV.

Columns:
  customer_id      unique integer
  age              integer, 18..90
  tenure_months    integer, 0..120
  monthly_charges  float (2 decimals), depends on the plan
  plan             free | basic | pro
  country          DE | US | FR | GB | IN
  gender           female | male
  support_calls    integer, 0..20
  churned          0/1 label

The label comes from a logistic model of the features plus Bernoulli noise:
short tenure, many support calls, high charges and the free plan raise the
churn probability; long tenure and the pro plan lower it. Gender has a
deliberately mild effect (men churn a little more), so bias metrics on a
trained model are non-zero but a model that does not amplify it still passes
modest fairness thresholds.

--drift simulates a changed world for retraining tests: customers are older,
call support more often, have shorter tenure and more of them are on the free
plan. The feature -> label relationship stays the same (covariate shift).
"""
import argparse
import os

import numpy as np
import pandas as pd

PLANS = ["free", "basic", "pro"]
COUNTRIES = ["DE", "US", "FR", "GB", "IN"]
GENDERS = ["female", "male"]


def generate(rows: int, seed: int, drift: bool) -> pd.DataFrame:
    rng = np.random.default_rng(seed)

    age_mean = 52.0 if drift else 42.0
    age = np.clip(np.rint(rng.normal(age_mean, 14.0, rows)), 18, 90).astype(np.int64)

    tenure_scale = 9.0 if drift else 14.0
    tenure = np.clip(np.rint(rng.gamma(2.0, tenure_scale, rows)), 0, 120).astype(np.int64)

    plan_p = [0.45, 0.35, 0.20] if drift else [0.30, 0.45, 0.25]
    plan_idx = rng.choice(3, size=rows, p=plan_p)
    plan = np.array(PLANS, dtype=object)[plan_idx]

    country_idx = rng.choice(5, size=rows, p=[0.20, 0.35, 0.15, 0.15, 0.15])
    country = np.array(COUNTRIES, dtype=object)[country_idx]

    gender_idx = rng.integers(0, 2, size=rows)
    gender = np.array(GENDERS, dtype=object)[gender_idx]

    calls_lambda = 3.0 if drift else 1.5
    support_calls = np.clip(rng.poisson(calls_lambda, rows), 0, 20).astype(np.int64)

    base_charge = np.array([5.0, 35.0, 80.0])[plan_idx]
    spread = np.array([3.0, 8.0, 15.0])[plan_idx]
    monthly_charges = np.round(np.clip(base_charge + rng.normal(0.0, 1.0, rows) * spread, 0.0, None), 2)

    plan_effect = np.array([1.0, 0.0, -0.8])[plan_idx]
    country_effect = np.array([0.0, 0.15, 0.0, -0.1, 0.25])[country_idx]
    gender_effect = np.where(gender_idx == 1, 0.15, 0.0)  # mild on purpose
    logit = (
        -0.9
        - 0.09 * (tenure - 24)
        + 1.1 * (support_calls - 1.5)
        + 0.015 * (monthly_charges - 40.0)
        - 0.015 * (age - 42)
        + plan_effect
        + country_effect
        + gender_effect
        + rng.normal(0.0, 0.3, rows)  # unobserved noise
    )
    p = 1.0 / (1.0 + np.exp(-logit))
    churned = (rng.random(rows) < p).astype(np.int64)

    return pd.DataFrame(
        {
            "customer_id": np.arange(100001, 100001 + rows, dtype=np.int64),
            "age": age,
            "tenure_months": tenure,
            "monthly_charges": monthly_charges,
            "plan": plan,
            "country": country,
            "gender": gender,
            "support_calls": support_calls,
            "churned": churned,
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--drift", action="store_true", help="shift feature distributions")
    parser.add_argument("--out", default="data/raw.csv")
    args = parser.parse_args()
    if args.rows <= 0:
        parser.error("--rows must be positive")

    df = generate(args.rows, args.seed, args.drift)
    out_dir = os.path.dirname(args.out)
    if out_dir:
        os.makedirs(out_dir, exist_ok=True)
    df.to_csv(args.out, index=False, float_format="%.2f", lineterminator="\n")
    print(f"wrote {args.out}: {len(df)} rows, churn rate {df['churned'].mean():.3f}"
          + (" (drift)" if args.drift else ""))


if __name__ == "__main__":
    main()
