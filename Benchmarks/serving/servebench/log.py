"""Time-stamped progress lines, so slow steps (MLflow start-up) are visible while the benchmark runs."""

import time


def say(label: str, message: str) -> None:
    print(f"  {time.strftime('%H:%M:%S')} [{label}] {message}", flush=True)
