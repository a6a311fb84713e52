"""Summarize a py-spy ``--format raw`` (collapsed stacks) profile, e.g. from ``bench/crawl.py --profile``.

    .venv/bin/python bench/_profile_summary.py /tmp/prof.txt [--top 40] [--match parse_radiopaedia_case ...]

Prints samples per thread, the top functions by self samples, by inclusive samples (counted
once per stack), and the inclusive share of any ``--match`` substrings.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter


def load(path: str) -> list[tuple[str, list[str], int]]:
    stacks = []
    for line in open(path, encoding="utf-8", errors="replace"):  # noqa: SIM115 - a short script, closed on exit
        line = line.rstrip("\n")
        if not line:
            continue
        body, _, count = line.rpartition(" ")
        frames = body.split(";")
        # py-spy --subprocesses: "process PID:cmd;" before the thread, one more for a forked child
        processes = 0
        while frames and frames[0].startswith("process "):
            processes += 1
            frames = frames[1:]
        thread, frames = frames[0], frames[1:]
        if processes > 1:
            # a media worker forked in the middle of the crawl's stack: only its own frames count
            starts = [i for i, f in enumerate(frames) if f.startswith("_process_worker ")]
            frames = frames[starts[-1]:] if starts else frames
            thread = "media worker process"
        stacks.append((thread, frames, int(count)))
    return stacks


def _func(frame: str) -> str:
    # "name (path/file.py:123)" -> "name (path/file.py)" so lines of one function add up
    return re.sub(r":\d+\)$", ")", frame)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("profile")
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--match", nargs="*", default=[])
    args = parser.parse_args(argv)
    stacks = load(args.profile)
    total = sum(c for _, _, c in stacks)
    threads: Counter = Counter()
    self_time: Counter = Counter()
    inclusive: Counter = Counter()
    matched: Counter = Counter()
    for thread, frames, count in stacks:
        name = (thread if thread == "media worker process"
                else "MainThread" if "MainThread" in thread
                else "worker threads" if "ThreadPool" in thread or "Thread-" in thread or "worker" in thread
                else thread)
        threads[name] += count
        if frames:
            self_time[_func(frames[-1])] += count
        for func in {_func(f) for f in frames}:
            inclusive[func] += count
        joined = ";".join(frames)
        for pattern in args.match:
            if pattern in joined:
                matched[pattern] += count
    print(f"{total:,} samples")
    for name, count in threads.most_common():
        print(f"  {count / total:6.1%}  {name}")
    print("\nself:")
    for func, count in self_time.most_common(args.top):
        print(f"  {count / total:6.1%}  {func}")
    print("\ninclusive:")
    for func, count in inclusive.most_common(args.top):
        print(f"  {count / total:6.1%}  {func}")
    if matched or args.match:
        print("\nmatched (inclusive):")
        for pattern in args.match:
            print(f"  {matched[pattern] / total:6.1%}  {pattern}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
