"""Personalization benchmark. Prints JSON.

``--gpu``: DreamBooth-LoRA training on this host's GPU (``bench/dreambooth.py``: steps/s,
peak memory and the time for 500 steps at 1024² with full-size random-weight SDXL;
targets on an H100/H200: ≤ 8 minutes, ≤ 24 GB), or ``available: false`` and why.
(The CPU figures — photo validation and compositing — are the portrait helper's part.)

    python bench/personalize.py --gpu [--steps 500] [--adam-8bit]
"""

from __future__ import annotations

import argparse
import json

from dreambooth import gpu_section


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gpu", action="store_true", help="DreamBooth-LoRA training figures")
    parser.add_argument("--steps", type=int, default=500)
    parser.add_argument("--adam-8bit", action="store_true")
    args = parser.parse_args()
    if not args.gpu:
        parser.error("nothing to measure: pass --gpu")
    print(json.dumps({"gpu": gpu_section(steps=args.steps, adam_8bit=args.adam_8bit)},
                     indent=2))


if __name__ == "__main__":
    main()
