"""Progress lines, time-stamped so slow phases are visible while the benchmark runs."""

import time


def say(label: str, message: str) -> None:
    print(f"  {time.strftime('%H:%M:%S')} [{label}] {message}", flush=True)
