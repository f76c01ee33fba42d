# Sleeve — two commands: `make run` and `make test`. Everything else is what they need.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
SLEEVE := $(BIN)/sleeve
DEMO_BRIEF ?= fixtures/demo-brief.jsonl
OUT ?= sleeve-out
HOST ?= 127.0.0.1
PORT ?= 8000

# Debian packages: fonts covering Hangul, kana/kanji, Latin, Cyrillic, emoji, and the browser
# used by the web tests. Installed only when a marker file is missing.
FONT_PKGS := fonts-noto-cjk fonts-noto-core fonts-noto-color-emoji fonts-inter fonts-bebas-neue \
	fonts-ebgaramond fonts-league-spartan fonts-dejavu-core fonts-symbola libfribidi0
FONT_MARKERS := /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc \
	/usr/share/fonts/opentype/inter/Inter-Regular.otf \
	/usr/share/fonts/opentype/bebas-neue/BebasNeue-Regular.otf \
	/usr/share/fonts/opentype/ebgaramond/EBGaramond12-Regular.otf \
	/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf \
	/usr/share/fonts/truetype/noto/NotoSansThai-Regular.ttf \
	/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf \
	/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf \
	/usr/share/fonts/opentype/league-spartan/LeagueSpartan-Bold.otf
# Pillow's complex-text layout (right-to-left order, Arabic shaping) loads FriBiDi from the system.
FRIBIDI := $(firstword $(wildcard /usr/lib/*/libfribidi.so.0 /usr/lib/libfribidi.so.0))
# Root installs directly; anyone else goes through sudo.
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: run test lint typecheck pytest fonts ocr chromium system-deps contact-sheet bench clean

run: fonts ocr $(VENV)/.run-installed
	$(SLEEVE) generate --brief-file $(DEMO_BRIEF) --count 4 --out $(OUT)
	$(SLEEVE) db upgrade
	@echo "Starting Sleeve on http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	$(SLEEVE) serve --host $(HOST) --port $(PORT)

test: system-deps $(VENV)/.test-installed lint typecheck pytest

lint: $(VENV)/.test-installed
	$(BIN)/ruff check sleeve tests bench scripts
	$(BIN)/lint-imports

typecheck: $(VENV)/.test-installed
	$(BIN)/mypy sleeve

pytest: $(VENV)/.test-installed
	$(BIN)/pytest -q -p no:cacheprovider -n auto

system-deps: fonts ocr chromium

# apt-get update runs once per machine (its lists are the marker).
/var/lib/apt/lists/.sleeve-updated:
	$(SUDO) apt-get update -q
	$(SUDO) touch $@

fonts:
	@missing=0; for f in $(FONT_MARKERS) $(or $(FRIBIDI),/nonexistent); do [ -f "$$f" ] || missing=1; done; \
	if [ $$missing = 1 ]; then \
		$(MAKE) /var/lib/apt/lists/.sleeve-updated && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $(FONT_PKGS); \
	fi

# Tesseract for the store-rule check, with Korean, Japanese and Cyrillic (English is built in).
OCR_PKGS := tesseract-ocr tesseract-ocr-kor tesseract-ocr-jpn tesseract-ocr-rus
OCR_DATA := $(firstword $(wildcard /usr/share/tesseract-ocr/*/tessdata))
OCR_MARKERS := $(foreach lang,eng kor jpn rus,$(or $(OCR_DATA),/nonexistent)/$(lang).traineddata)

ocr:
	@missing=0; for f in $(OCR_MARKERS); do [ -f "$$f" ] || missing=1; done; \
	if [ $$missing = 1 ] || ! command -v tesseract >/dev/null; then \
		$(MAKE) /var/lib/apt/lists/.sleeve-updated && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $(OCR_PKGS); \
	fi

chromium:
	@[ -x /usr/bin/chromium ] || { $(MAKE) /var/lib/apt/lists/.sleeve-updated && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }

$(VENV)/bin/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# The default install: engine + server, no torch.
$(VENV)/.run-installed: pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install -q -e '.[server,audio]'
	touch $@

# Tests cover the diffusion extra too. torch comes first, pinned, so pip takes the local CPU
# wheel instead of resolving a CUDA build for diffusers' sake.
$(VENV)/.test-installed: pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[server,diffusion,audio,dataset,dev]'
	touch $@ $(VENV)/.run-installed

contact-sheet: fonts $(VENV)/.run-installed
	$(BIN)/python scripts/contact_sheet.py --briefs fixtures/briefs.jsonl --out $(OUT)/contact-sheet.png

bench: fonts $(VENV)/.test-installed
	$(BIN)/python bench/render.py
	$(BIN)/python bench/api.py

clean:
	rm -rf $(OUT) .mypy_cache .ruff_cache .pytest_cache
