"""Time-stamped progress lines, so the slow steps (data generation, Evidently runs) are visible."""

import time


def say(label: str, message: str) -> None:
    print(f"  {time.strftime('%H:%M:%S')} [{label}] {message}", flush=True)
