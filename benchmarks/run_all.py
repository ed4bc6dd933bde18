"""Run every benchmark in this folder, one after the other (`make bench`).

Each benchmark prints its own table: nnedu's time, the reference's time (PyTorch on
the CPU where there is one) and their ratio, all measured in the same run.
"""

import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).parent


def main():
    failed = []
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"\n=== {script.name} ===", flush=True)
        if subprocess.call([sys.executable, str(script)]) != 0:
            failed.append(script.name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
        sys.exit(1)


if __name__ == "__main__":
    main()
