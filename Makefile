# pyfaceapi: one entry point for setup, the main job, the tests and the web build.
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: setup run demo web test test-unit test-e2e lint convert clean

$(PY):
	python3 -m venv $(VENV)

setup: $(PY)  ## install pyfaceapi (editable) with the server and test extras
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[server,test]'

demo: setup  ## detect faces in a bundled example image with the CLI (prints JSON)
	$(VENV)/bin/pyfaceapi detect tests/fixtures/images/faces.jpg

web: setup  ## assemble the static site in web/dist (Pyodide, numpy, LiteRT.js, wheel, models)
	$(PY) web/build.py

run: web  ## the main job: serve the web demos and the bundled models on http://127.0.0.1:$(PORT)/
	$(PY) web/serve.py --port $(PORT)

test: setup web  ## every test: unit (pytest) and browser e2e (Playwright + Chromium)
	$(PY) -m pytest tests/unit tests/e2e

test-unit: setup
	$(PY) -m pytest tests/unit

lint: setup
	$(VENV)/bin/ruff check .

convert:  ## regenerate models/*.tflite (needs the convert extra: tensorflow-cpu)
	python -m tools.convert

clean:
	rm -rf web/dist build *.egg-info
