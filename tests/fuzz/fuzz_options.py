"""atheris harness: options parsing, FaceMatcher.from_json and POST /api/v1/match (see targets.options_target).

    python tests/fuzz/run.py --seconds 3600          # both harnesses, seeds and artifacts prepared
    python tests/fuzz/fuzz_options.py WORK_DIR SEED_DIR... -dict=tests/fuzz/json.dict -max_len=8192   # by hand
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parent))

with atheris.instrument_imports(include=["pyfaceapi", "targets"]):
    import targets


def main() -> None:
    targets.check_match(b"{}")  # build the Flask app before fuzzing starts
    atheris.Setup(sys.argv, targets.options_target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
