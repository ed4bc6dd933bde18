"""The ``nnedu`` command: doctor, build, sync, grade.

    nnedu doctor                      is this environment ready for the course?
    nnedu build [--check] [--force]   generate exercises/ from solutions/
    nnedu sync                        stamp badges and setup cells, sync jupytext pairs,
                                      rebuild exercises/
    nnedu grade NOTEBOOK... [--json FILE] [--csv FILE] [--timeout S]
                                      run notebooks and score their checks
"""

import argparse
import sys


def main(argv=None):
    """Entry point of the ``nnedu`` console script; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        return args.run(args)
    except ModuleNotFoundError as err:
        if err.name in ("nbformat", "nbclient", "jupytext"):
            print(f"nnedu {args.command} needs {err.name}: run `pip install \"nnedu[dev]\"`",
                  file=sys.stderr)
            return 2
        raise
    except (FileNotFoundError, ValueError) as err:
        print(f"nnedu {args.command}: {err}", file=sys.stderr)
        return 2


def _parser():
    parser = argparse.ArgumentParser(prog="nnedu", description="The course tool of nnedu.")
    commands = parser.add_subparsers(dest="command", required=True)

    doctor = commands.add_parser("doctor", help="check Python, packages, GPU and widgets")
    doctor.set_defaults(run=_doctor)

    build = commands.add_parser("build", help="generate exercises/ from solutions/")
    build.add_argument("--check", action="store_true",
                       help="write nothing; exit 1 listing the exercise notebooks out of date")
    build.add_argument("--force", action="store_true",
                       help="overwrite exercise notebooks even if they were edited")
    build.add_argument("--root", help="the course repository (default: found from here)")
    build.set_defaults(run=_build)

    sync = commands.add_parser("sync", help="stamp badges/setup cells, sync jupytext pairs, "
                               "rebuild exercises/")
    sync.add_argument("--root", help="the course repository (default: found from here)")
    sync.set_defaults(run=_sync)

    grade = commands.add_parser("grade", help="run notebooks and score their checks")
    grade.add_argument("notebooks", nargs="+", metavar="NOTEBOOK")
    grade.add_argument("--json", metavar="FILE", help="write the records as a JSON list")
    grade.add_argument("--csv", metavar="FILE", help="write the records as CSV")
    grade.add_argument("--timeout", metavar="S", type=float, default=60,
                       help="seconds each cell may run (default 60)")
    grade.set_defaults(run=_grade)
    return parser


def _doctor(args):
    from nnedu.course.doctor import report

    print(report())
    return 0


def _build(args):
    from nnedu.course.build import build
    from nnedu.course.notebooks import find_root

    return build(find_root(args.root), check=args.check, force=args.force)


def _sync(args):
    from nnedu.course.notebooks import find_root, sync

    return sync(find_root(args.root))


def _grade(args):
    from nnedu.course.grade import grade

    if args.timeout <= 0:
        raise ValueError(f"--timeout must be a positive number of seconds, got {args.timeout:g}")
    return grade(args.notebooks, json_path=args.json, csv_path=args.csv, timeout=args.timeout)


if __name__ == "__main__":
    sys.exit(main())
