"""Command line: print a domain table as CSV.

    python -m analysis mean DATA.csv --var sat --weights w [--strata S] [--psu P] [--fpc F]
                       [--by A,B] [--ci beta] [--level 0.95] [--lonely-psu fail]
    python -m analysis total DATA.csv --var sat ...
    python -m analysis ratio DATA.csv --num A --den B ...

Errors print `error: <code>: <message>` on stderr and exit with status 2.
"""
import argparse
import sys

import pandas as pd

from analysis.design import Design
from analysis.errors import AnalysisError
from analysis.intervals import METHODS
from analysis.layout import LONELY_MODES


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m analysis",
                                     description="Design-based estimates as CSV.")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, default_ci in (("mean", "beta"), ("total", "wald"), ("ratio", "wald")):
        sub = commands.add_parser(name)
        sub.add_argument("data", help="CSV file, one row per respondent")
        if name == "ratio":
            sub.add_argument("--num", required=True)
            sub.add_argument("--den", required=True)
        else:
            sub.add_argument("--var", required=True)
        sub.add_argument("--weights")
        sub.add_argument("--strata")
        sub.add_argument("--psu")
        sub.add_argument("--fpc")
        sub.add_argument("--by", help="comma-separated domain columns")
        sub.add_argument("--ci", default=default_ci, choices=METHODS)
        sub.add_argument("--level", type=float, default=0.95)
        sub.add_argument("--lonely-psu", default="fail", choices=LONELY_MODES)
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    by = args.by.split(",") if args.by else None
    try:
        design = Design(pd.read_csv(args.data), weights=args.weights, strata=args.strata,
                        psu=args.psu, fpc=args.fpc, lonely_psu=args.lonely_psu)
        if args.command == "ratio":
            table = design.ratio(args.num, args.den, by=by, ci=args.ci, level=args.level)
        else:
            table = getattr(design, args.command)(args.var, by=by, ci=args.ci, level=args.level)
    except AnalysisError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    table.to_csv(sys.stdout, index=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
