#!/usr/bin/env python3
"""The dashboard's first load, from a release build's output.

The first load is what the browser fetches before the dashboard is interactive: the main
wasm, its JS glue, the stylesheet and the split loader, each as the server sends it
(the brotli file `cargo leptos build --precompress` writes beside it, quality 11). The
lazily loaded chunks are listed apart: the dashboard fetches none of them (the browser
test `first-load.spec.ts` checks that).

    scripts/first_load.py SITE_ROOT            print the figures
    scripts/first_load.py SITE_ROOT --check    also exit 1 over the budget in budget.toml

The budget lives in budget.toml at the repository's root, and nowhere else.
"""

import json
import pathlib
import sys
import tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent
NAME = "otklik"


def brotli_size(path: pathlib.Path) -> int:
    """The size of `path` as sent: its precompressed brotli file."""
    br = path.with_name(path.name + ".br")
    if not br.is_file():
        sys.exit(f"{br} is missing: build with `cargo leptos build --release --precompress --split`")
    return br.stat().st_size


def first_load(site: pathlib.Path) -> list[tuple[str, int, int]]:
    """(file, raw bytes, brotli bytes) of every file of the first load."""
    pkg = site / "pkg"
    files = [pkg / f"{NAME}.wasm", pkg / f"{NAME}.js", pkg / f"{NAME}.css"]
    files += sorted(pkg.glob("__wasm_split*.js"))
    missing = [f for f in files if not f.is_file()]
    if missing:
        sys.exit(f"not a release build of the site: {', '.join(map(str, missing))} missing")
    return [(f.name, f.stat().st_size, brotli_size(f)) for f in files]


def lazy_chunks(site: pathlib.Path) -> tuple[int, int]:
    """How many lazily loaded wasm files the build's split manifest names, and their
    brotli bytes in all (files of earlier builds left in the folder are not counted)."""
    pkg = site / "pkg"
    manifest = json.loads((pkg / "__wasm_split_manifest.json").read_text())
    names = {name for chunks in manifest.values() for name in chunks}
    return len(names), sum(brotli_size(pkg / f"{name}.wasm") for name in names)


def budget() -> int:
    with open(ROOT / "budget.toml", "rb") as f:
        return int(tomllib.load(f)["first_load_brotli_bytes"])


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    check = "--check" in sys.argv[1:]
    site = pathlib.Path(args[0] if args else "target/site-release")
    rows = first_load(site)
    total = sum(br for _, _, br in rows)
    limit = budget()
    print(f"{'first load':<40} {'raw':>10} {'brotli':>10}")
    for name, raw, br in rows:
        print(f"{name:<40} {raw:>10,} {br:>10,}")
    print(f"{'total':<40} {sum(r for _, r, _ in rows):>10,} {total:>10,}")
    count, lazy = lazy_chunks(site)
    print(f"lazy chunks: {count}, {lazy:,} bytes brotli in all (not in the first load)")
    print(f"budget: {limit:,} bytes brotli; {'within' if total <= limit else 'OVER'} by {abs(limit - total):,}")
    print(json.dumps({"first_load_brotli_bytes": total, "budget": limit, "lazy_chunks": count, "lazy_brotli_bytes": lazy}))
    if check and total > limit:
        print(f"the first load ({total:,} B) is over the budget ({limit:,} B) in budget.toml", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
