"""The ``nnedu`` command: doctor, build, update, sync, grade.

    nnedu doctor                      is this environment ready for the course?
    nnedu build [--check] [--force [NOTEBOOK]] [--into DIR]
                                      stamp solutions/, generate exercises/ from them
    nnedu update NOTEBOOK             bring a student's copy up to date, keeping their work
    nnedu sync                        stamp badges and setup cells, sync jupytext pairs,
                                      rebuild exercises/
    nnedu grade PATH... [--json FILE] [--csv FILE] [--feedback DIR] [--timeout S]
                [--notebook-timeout S] [--jobs N]
                                      grade notebooks or a class folder
"""

import argparse
import sys


def main(argv=None):
    """Entry point of the ``nnedu`` console script; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        return args.run(args)
    except ModuleNotFoundError as err:
        if err.name in ("nbformat", "nbclient", "jupyter_client", "jupytext"):
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
    build.add_argument("--force", nargs="?", const=True, default=False, metavar="NOTEBOOK",
                       help="replace edited exercise notebooks (or only NOTEBOOK), keeping a "
                            "backup of each in exercises/backups/")
    build.add_argument("--into", metavar="DIR",
                       help="write fresh exercise notebooks into DIR instead of exercises/")
    build.add_argument("--root", help="the course repository (default: found from here)")
    build.set_defaults(run=_build)

    update = commands.add_parser("update", help="add new exercises and lesson text to a "
                                 "student's copy, keeping every cell they wrote in")
    update.add_argument("notebook", metavar="NOTEBOOK")
    update.add_argument("--root", help="the course repository (default: found from here)")
    update.set_defaults(run=_update)

    sync = commands.add_parser("sync", help="stamp badges/setup cells, sync jupytext pairs, "
                               "rebuild exercises/")
    sync.add_argument("--root", help="the course repository (default: found from here)")
    sync.set_defaults(run=_sync)

    grade = commands.add_parser("grade", help="grade notebooks, or a folder of student folders")
    grade.add_argument("paths", nargs="+", metavar="PATH")
    grade.add_argument("--json", metavar="FILE", help="write the records as a JSON list")
    grade.add_argument("--csv", metavar="FILE", help="write the gradebook as CSV")
    grade.add_argument("--feedback", metavar="DIR", help="write a Markdown feedback file per "
                       "student (default: feedback/ next to the CSV or JSON file)")
    grade.add_argument("--timeout", metavar="S", type=float, default=60,
                       help="seconds each cell (and each check) may run (default 60)")
    grade.add_argument("--notebook-timeout", metavar="S", type=float, default=600,
                       help="seconds all the cells of one notebook may run (default 600)")
    grade.add_argument("--jobs", metavar="N", type=int, default=1,
                       help="notebooks graded at the same time (default 1)")
    grade.add_argument("--root", help="the course repository with solutions/ (the key)")
    grade.set_defaults(run=_grade)
    return parser


def _doctor(args):
    from nnedu.course.doctor import report

    print(report())
    return 0


def _build(args):
    from nnedu.course.build import build
    from nnedu.course.notebooks import find_root

    return build(find_root(args.root), check=args.check, force=args.force, into=args.into)


def _update(args):
    from nnedu.course.build import update
    from nnedu.course.notebooks import find_root

    return update(args.notebook, find_root(args.root))


def _sync(args):
    from nnedu.course.build import sync
    from nnedu.course.notebooks import find_root

    return sync(find_root(args.root))


def _grade(args):
    from nnedu.course.grade import grade

    for option in ("timeout", "notebook_timeout"):
        value = getattr(args, option)
        if not value > 0:
            raise ValueError(f"--{option.replace('_', '-')} must be a positive number of "
                             f"seconds, got {value:g}")
    if args.jobs < 1:
        raise ValueError(f"--jobs must be a whole number >= 1, got {args.jobs}")
    return grade(args.paths, json_path=args.json, csv_path=args.csv, timeout=args.timeout,
                 notebook_timeout=args.notebook_timeout, jobs=args.jobs,
                 feedback_dir=args.feedback, root=args.root)


if __name__ == "__main__":
    sys.exit(main())
