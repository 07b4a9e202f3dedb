#!/usr/bin/env python3
"""How often each flag is labelled in each split of the hand-written triage data, and by the
batches the items came from: a split whose share of a flag differs from training's gives that
flag a different precision at the same rate of false alarms (stop 66: the test split's items all
come from b01 to b25, whose share of `urgent_safety` is a third of the later batches').

  python3 scripts/triage-splits.py [--boundary 26]

The split is `LabelledItem.split` (Sources/LetterboxCore/TriageTraining.swift): a fixed hash of
the item's id, 0-1 test (dev if unsure), 2 dev, else train. Reads no model and no mistakes.
"""
import argparse, collections, json, os, re

M = (1 << 64) - 1


def split(item):
    h = 0xCBF29CE484222325
    for b in (item.get("base") or item["id"]).encode():
        h = ((h ^ b) * 0x100000001B3) & M
    z = (h + 0x9E3779B97F4A7C15) & M
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
    r = (z ^ (z >> 31)) % 10
    if r in (0, 1):
        return "dev" if item.get("unsure") else "test"
    return "dev" if r == 2 else "train"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--boundary", type=int, default=26, help="first batch number of the later group")
    args = parser.parse_args()
    path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "Samples", "triage", "labelled.jsonl")
    counts = collections.defaultdict(collections.Counter)
    for line in open(path, encoding="utf-8"):
        item = json.loads(line)
        match = re.match(r"b(\d+)-", item["id"])
        group = "other" if not match else (f"b{args.boundary}+" if int(match.group(1)) >= args.boundary else f"before b{args.boundary}")
        for key in ((split(item), "all"), (split(item), group)):
            counts[key]["items"] += 1
            for flag in item.get("flags", []):
                counts[key][flag] += 1
    flags = ["urgent_safety", "damp_mould_hazard", "vulnerability", "representative", "escalation_request"]
    print(f"{'split':6} {'batches':12} {'items':>6} " + " ".join(f"{f:>20}" for f in flags))
    for key in sorted(counts):
        c = counts[key]
        print(f"{key[0]:6} {key[1]:12} {c['items']:6} " + " ".join(f"{c[f]:>8} ({100 * c[f] / c['items']:4.1f}%)" for f in flags))


if __name__ == "__main__":
    main()
