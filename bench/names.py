"""Time generate_names("SN0000001", 1_000_000), best of 3; prints one JSON line.

python bench/names.py
"""

from __future__ import annotations

import json
import time

from lotline.rules.naming import generate_names

COUNT = 1_000_000
RUNS = 3


def best_seconds(first: str, count: int, runs: int) -> float:
    """The fastest of ``runs`` timings of one series of ``count`` names."""
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        names = generate_names(first, count)
        times.append(time.perf_counter() - began)
        if len(names) != count or names[-1] != "SN1000000":
            raise SystemExit(f"unexpected series: {len(names)} names ending {names[-1]!r}")
    return min(times)


def main() -> None:
    seconds = best_seconds("SN0000001", COUNT, RUNS)
    print(json.dumps({"names": COUNT, "seconds": round(seconds, 4)}))


if __name__ == "__main__":
    main()
