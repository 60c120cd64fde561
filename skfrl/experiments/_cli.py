"""The ``skfrl`` command line."""

import argparse
import sys

__all__ = ["main"]


def _add_demo(subparsers):
    parser = subparsers.add_parser(
        "demo",
        help="run a small, paired ENG attack on real data and print the table",
        description=(
            "Attack CFair with ENG under the fine-tune protocol: per seed, compare "
            "the held-out probe BCE of s after clean training, after adding "
            "unperturbed duplicates and after adding ENG poisons."
        ),
    )
    parser.add_argument(
        "--dataset",
        choices=["german", "adult"],
        default="german",
        help="german ships with skfrl (offline); adult needs SKFRL_DATA_HOME "
        "or internet (default: %(default)s)",
    )
    parser.add_argument(
        "--seeds", type=int, default=3, help="paired seeds (default: %(default)s)"
    )
    parser.add_argument(
        "--ratio",
        type=float,
        default=0.1,
        help="poisoning ratio (default: %(default)s)",
    )
    parser.set_defaults(handler=_demo)


def _demo(args):
    from ._demo import run_demo

    run_demo(dataset=args.dataset, n_seeds=args.seeds, poison_ratio=args.ratio)


def build_parser():
    """Return the ``skfrl`` argument parser."""
    parser = argparse.ArgumentParser(
        prog="skfrl", description="Attack and audit fair representation learning."
    )
    subparsers = parser.add_subparsers(title="commands", required=True)
    _add_demo(subparsers)
    return parser


def main(argv=None):
    """Run the ``skfrl`` command line; return its exit status."""
    args = build_parser().parse_args(argv)
    args.handler(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
