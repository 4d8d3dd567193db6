"""Benchmark of disclosure control: the statistical audit and secondary suppression.

    python benchmarks/disclosure.py                    # the example workspace data/
    python benchmarks/disclosure.py --synthetic 200    # a synthetic workspace of 200 actions

On a temporary copy of the workspace (``data/`` is never written), in one process and
without notebooks (``vccap.build.disclosure.control_in_process``, the same rounds as the
build: every page prepared, its ledger audited, complementary cells hidden until nothing
is disclosed), then one last audit alone. Prints the cells published about people, the
rates, the cells hidden (small counts by primary suppression, others by secondary
suppression), how many a linear-programming attacker gets back (must be 0) and the times:
pages prepared + audit rounds, and the last audit alone (building the linear model and
bounding every small hidden cell with scipy's HiGHS).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", type=int, metavar="N", help="synthetic workspace")
    args = parser.parse_args(argv)

    from vccap.build.disclosure import control_in_process, page_ledgers
    from vccap.disclosure.control import audit
    from vccap.disclosure.masks import read_masks
    from vccap.disclosure.populations import Populations
    from vccap.loading import load_workspace

    with tempfile.TemporaryDirectory(prefix="vccap-disclosure-") as tmp:
        workspace = Path(tmp) / "ws"
        if args.synthetic:
            from synthetic import make_workspace

            make_workspace(workspace, args.synthetic)
            label = f"synthétique, {args.synthetic} actions"
        else:
            shutil.copytree(ROOT / "data", workspace, ignore=shutil.ignore_patterns(".vccap"))
            label = "exemple data/"
        ws = load_workspace(workspace)
        start = time.perf_counter()
        control_in_process(ws)
        rounds = time.perf_counter() - start
        start = time.perf_counter()
        ledgers = page_ledgers(ws)
        prepared = time.perf_counter() - start
        result = audit(
            list(ledgers.values()), Populations.of(ws), ws.seuil, masks=read_masks(ws.root)
        )
    d = result.as_dict()
    print(f"Espace : {label} ({len(ledgers)} pages, seuil {ws.seuil})")
    print(f"  nombres publiés sur des personnes : {d['cellules_publiees']}")
    print(f"  taux publiés                      : {d['parts_publiees']}")
    print(f"  cellules masquées                 : {d['cellules_masquees']}")
    print(f"    dont petits effectifs (primaire): {d['masquees_primaires']}")
    print(f"    par masquage complémentaire     : {d['masquees_secondaires']}")
    print(f"  retrouvables par l'attaquant (PL) : {d['retrouvables']}")
    print(f"  contrôle complet (pages + tours)  : {rounds:.1f} s")
    print(f"  pages préparées seules            : {prepared:.1f} s")
    print(f"  dernier audit seul                : {result.seconds:.2f} s")
    return 1 if result.findings else 0


if __name__ == "__main__":
    sys.exit(main())
