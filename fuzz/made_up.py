#!/usr/bin/env python3
"""Copies into OUT the files of the given directories that hold no piece of Kurume's real files.

    python3 fuzz/made_up.py OUT SEEDS DIR...

A file is left out when it shares a 10-byte run with a real file in ../shared/data/kurume/
that no made-up seed (the files of SEEDS, the hand-written seeds and fixtures) also has: such
a run came from the real file. Runs that the made-up seeds share with the real files (GeoJSON
keys, the GSI header) are allowed. When in doubt a file is left out. Standard library only.
"""

import pathlib
import shutil
import sys

WINDOW = 10
KURUME = pathlib.Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "kurume"


def windows(data):
    return {data[i:i + WINDOW] for i in range(len(data) - WINDOW + 1)}


def main(out, seeds, dirs):
    out = pathlib.Path(out)
    allowed = set()
    for path in pathlib.Path(seeds).iterdir():
        allowed |= windows(path.read_bytes())
    real = set()
    for path in sorted(KURUME.glob("*")):
        if path.is_file() and path.suffix != ".md":
            real |= windows(path.read_bytes())
    real -= allowed
    kept = dropped = 0
    for directory in [seeds, *dirs]:
        for path in sorted(pathlib.Path(directory).iterdir()):
            data = path.read_bytes()
            if any(data[i:i + WINDOW] in real for i in range(len(data) - WINDOW + 1)):
                dropped += 1
                continue
            shutil.copyfile(path, out / path.name)
            kept += 1
    print(f"made_up.py: kept {kept}, left out {dropped} holding real-file content")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
