"""The ``pyfaceapi`` command line: JSON Lines equal to the library's results, bad files skipped, exit codes."""

from __future__ import annotations

import json
import shutil

import pytest

import pyfaceapi as faceapi
from pyfaceapi.cli import main
from pyfaceapi.imageio import load_image
from pyfaceapi.pipeline import DetectRequest, run_request

from ..support import IMAGES


@pytest.fixture
def folder(tmp_path):
    shutil.copy(IMAGES / "faces.jpg", tmp_path / "faces.jpg")
    (tmp_path / "sub").mkdir()
    shutil.copy(IMAGES / "angry.jpg", tmp_path / "sub" / "angry.jpg")
    (tmp_path / "broken.jpg").write_bytes((IMAGES / "faces.jpg").read_bytes()[:5000])
    (tmp_path / "notes.jpg").write_text("not an image")
    (tmp_path / "readme.txt").write_text("ignored: not an image suffix")
    return tmp_path


def run_cli(capsys, *argv: str) -> tuple[int, list[dict], str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, [json.loads(line) for line in captured.out.splitlines()], captured.err


def test_detect_folder_reports_bad_files_and_keeps_the_rest(capsys, folder) -> None:
    code, lines, err = run_cli(capsys, "detect", str(folder), "--detector", "tiny", "--input-size", "320",
                               "--landmarks=tiny", "--age-gender", "--no-progress")
    assert code == 1
    assert [line["path"] for line in lines] == [str(folder / "faces.jpg"), str(folder / "sub" / "angry.jpg")]
    assert "skipped" in err and "broken.jpg" in err and "notes.jpg" in err and "2 of 4 files skipped" in err
    request = DetectRequest(faceapi.TinyFaceDetectorOptions(input_size=320), landmarks="tiny", age_gender=True)
    for line in lines:
        pixels = load_image(line["path"])
        assert line["faces"] == json.loads(json.dumps(run_request(pixels, request)))
        assert line["image"] == {"width": pixels.shape[1], "height": pixels.shape[0]}


def test_detect_glob_out_file_and_draw(capsys, folder, tmp_path) -> None:
    out = tmp_path / "out.jsonl"
    code, lines, _ = run_cli(capsys, "detect", str(folder / "**" / "a*.jpg"), "--out", str(out),
                             "--draw", str(tmp_path / "drawn"), "--single", "--descriptors")
    assert code == 0 and lines == []
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["path"] for r in records] == [str(folder / "sub" / "angry.jpg")]
    face = records[0]["faces"][0]
    assert len(face["descriptor"]) == 128 and len(face["landmarks"]["positions"]) == 68
    drawn = tmp_path / "drawn" / "angry.png"
    assert records[0]["drawn"] == str(drawn) and load_image(drawn).shape == load_image(IMAGES / "angry.jpg").shape


def test_match_with_a_reference_folder_and_saved_matcher(capsys, tmp_path) -> None:
    reference = tmp_path / "reference"
    (reference / "sheldon").mkdir(parents=True)
    shutil.copy(IMAGES / "angry.jpg", reference / "sheldon" / "a.jpg")
    shutil.copy(IMAGES / "happy.jpg", reference / "happy_person.jpg")
    saved = tmp_path / "matcher.json"
    code, lines, _ = run_cli(capsys, "match", str(reference), str(IMAGES / "surprised.jpg"),
                             str(IMAGES / "happy.jpg"), "--save-matcher", str(saved))
    assert code == 0
    labels = [[face["label"] for face in line["faces"]] for line in lines]
    assert labels[1] == ["happy_person"]
    assert lines[1]["faces"][0]["distance"] == 0 and lines[1]["faces"][0]["text"] == "happy_person (0)"
    code, again, _ = run_cli(capsys, "match", str(saved), str(IMAGES / "happy.jpg"))
    assert code == 0 and again[0]["faces"][0]["label"] == "happy_person"


def test_models_verify(capsys, tmp_path) -> None:
    from pyfaceapi.model_files import default_model_dir

    assert main(["models", "verify"]) == 0
    assert "OK" in capsys.readouterr().out
    shutil.copy(default_model_dir() / "manifest.json", tmp_path / "manifest.json")
    (tmp_path / "tiny_face_detector.tflite").write_bytes(b"tampered")
    assert main(["models", "verify", "--models", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "MISMATCH tiny_face_detector" in out and "MISSING  ssd_mobilenetv1" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [(["detect", "/nonexistent/*.jpg"], "1 of 1 files skipped"),
     (["detect", str(IMAGES / "face1.png"), "--input-size", "320"], "does not apply"),
     (["detect", str(IMAGES / "face1.png"), "--detector", "tiny", "--input-size", "100"], "divisible by 32"),
     (["match", "/nonexistent", str(IMAGES / "face1.png")], "neither a JSON file nor a folder")],
)
def test_errors(capsys, argv, message: str) -> None:
    code = main(argv)
    assert code in (1, 2)
    assert message in capsys.readouterr().err


def test_detect_with_mtcnn_options(capsys) -> None:
    code, lines, _ = run_cli(capsys, "detect", str(IMAGES / "faces.jpg"), "--detector", "mtcnn",
                             "--min-face-size", "40", "--score-thresholds", "0.6", "0.7", "0.8")
    assert code == 0
    options = faceapi.MtcnnOptions(min_face_size=40, score_thresholds=(0.6, 0.7, 0.8))
    expected = run_request(load_image(IMAGES / "faces.jpg"), DetectRequest(options))
    assert lines[0]["faces"] == json.loads(json.dumps(expected)) and len(expected) == 6
