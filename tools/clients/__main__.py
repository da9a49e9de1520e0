"""python -m tools.clients [--update]: measure every client and compare with content/clients.json.

Without --update, exits 1 and lists each behaviour (or client version) that differs from the file.
With --update, measures twice, records a behaviour that differed between the runs as varying, and
rewrites the file: review its diff like any data change."""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

from .harness import dump, run
from .plan import ROOT

DATA = ROOT / "content" / "clients.json"


def differences(recorded: dict[str, Any], measured: dict[str, Any]) -> list[str]:
    """Each recorded fact the measurement contradicts, as one line (varying behaviours excepted)."""
    found = []
    versions = {c["key"]: c["version"] for c in recorded.get("clients", [])}
    for client in measured["clients"]:
        if versions.get(client["key"]) != client["version"]:
            found.append(
                f"{client['name']}: version {versions.get(client['key'])} recorded, {client['version']} measured"
            )
    old_codes, new_codes = recorded.get("codes", {}), measured["codes"]
    for code in sorted(old_codes.keys() | new_codes.keys(), key=int):
        old, new = old_codes.get(code, {}), new_codes.get(code, {})
        for probe in sorted(old.keys() | new.keys()):
            for client in sorted(old.get(probe, {}).keys() | new.get(probe, {}).keys()):
                was, now = old.get(probe, {}).get(client), new.get(probe, {}).get(client)
                if was != now and not (was or {}).get("varies"):
                    found.append(f"{code} {probe} {client}: recorded {json.dumps(was)}, measured {json.dumps(now)}")
    return found


def merge(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    """The first run, with each behaviour the second run did not repeat marked as varying."""
    for code, table in first["codes"].items():
        for probe, cells in table.items():
            for client, seen in cells.items():
                if second["codes"][code][probe][client] != seen:
                    cells[client] = {"varies": True}
    return first


def main(argv: list[str] | None = None) -> int:
    """Measure; compare or update."""
    parser = argparse.ArgumentParser(prog="python -m tools.clients", description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help="measure twice and rewrite content/clients.json")
    args = parser.parse_args(argv)
    started = time.monotonic()
    measured = run()
    if args.update:
        measured = merge(measured, run())
        DATA.write_text(dump(measured), encoding="utf-8")
        print(f"Wrote {DATA.relative_to(ROOT)} ({time.monotonic() - started:.0f} s).")
        return 0
    recorded = json.loads(DATA.read_text(encoding="utf-8")) if DATA.is_file() else {}
    found = differences(recorded, measured)
    for line in found:
        print(line, file=sys.stderr)
    if found:
        print(
            f"{len(found)} difference(s) from {DATA.relative_to(ROOT)}: if a client changed, run "
            "`python -m tools.clients --update` and review the diff.",
            file=sys.stderr,
        )
        return 1
    print(f"All recorded behaviours confirmed ({time.monotonic() - started:.0f} s).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
