"""atheris harness: image decoding + the detect entry point (see targets.decode_target).

    python tests/fuzz/run.py --seconds 3600          # both harnesses, seeds and artifacts prepared
    python tests/fuzz/fuzz_decode.py WORK_DIR SEED_DIR... -max_total_time=600 -max_len=65536   # by hand
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parent))

with atheris.instrument_imports(include=["PIL", "pyfaceapi", "targets"]):
    import PIL.Image  # noqa: F401  (Pillow's Python plugins parse the headers: instrument them)
    import targets


def main() -> None:
    warnings.simplefilter("ignore")  # Pillow warns about corrupt EXIF and the like: expected here
    targets.load_nets()
    atheris.Setup(sys.argv, targets.decode_target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
