# pyfaceapi: one entry point for setup, the main job, the tests and the web build.
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: setup run demo web test test-unit test-e2e fuzz load corpus lint convert bench clean

$(PY):
	python3 -m venv $(VENV)

setup: $(PY)  ## install pyfaceapi (editable) with the server and test extras
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[server,test]'

demo: setup  ## detect faces in a bundled example image with the CLI (prints JSON)
	$(VENV)/bin/pyfaceapi detect tests/fixtures/images/faces.jpg

web: setup  ## assemble the static site in web/dist (Pyodide, numpy, LiteRT.js, wheel, models)
	$(PY) web/build.py

run: web  ## the main job: the HTTP API + the web demos on the bundled models, http://127.0.0.1:$(PORT)/
	$(VENV)/bin/pyfaceapi serve --port $(PORT)

bench: setup web  ## speed against face-api.js 0.22.2 and @vladmandic/face-api, server and browser
	$(PY) bench/run.py

test: setup web  ## every test: unit, browser e2e (Playwright + Chromium), bounded fuzzing, short load test
	$(PY) -m pytest tests/unit tests/e2e tests/fuzz tests/load

test-unit: setup
	$(PY) -m pytest tests/unit

test-e2e: setup web
	$(PY) -m pytest tests/e2e

fuzz: setup  ## a longer fuzzing run (atheris); findings go to build/fuzz/
	$(PY) tests/fuzz/run.py --seconds 3600

load: setup  ## 10,000 /detect requests at concurrency 8 against gunicorn on loopback
	$(PY) tests/load/load.py --requests 10000 --concurrency 8 --report bench/results/load.md

corpus: setup  ## regenerate tests/fixtures/bad/
	$(PY) tools/make_bad_corpus.py

lint: setup
	$(VENV)/bin/ruff check .

convert:  ## regenerate models/*.tflite (needs tensorflow-cpu: see tools/convert/README.md)
	python -m tools.convert

clean:
	rm -rf web/dist build *.egg-info
