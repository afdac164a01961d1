"""Progress lines, time-stamped so slow phases are visible while the benchmark runs."""

import threading
import time


def say(label: str, message: str) -> None:
    print(f"  {time.strftime('%H:%M:%S')} [{label}] {message}", flush=True)


class Progress:
    """Prints ``done/total`` every ``every`` seconds during long phases (the 100k-run scale ingest).

    Writers bump their own slot in ``counts`` (no lock needed: one writer per slot).
    """

    def __init__(self, label: str, total: int, slots: int, every: float = 30.0):
        self.label, self.total, self.every = label, total, every
        self.counts = [0] * slots
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="progress", daemon=True)

    def __enter__(self) -> "Progress":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        start = time.perf_counter()
        while not self._stop.wait(self.every):
            done = sum(self.counts)
            rate = done / (time.perf_counter() - start)
            say(self.label, f"  {done:,}/{self.total:,} runs ({rate:,.0f} runs/s)")
