# vidskim: see README.md. `make demo` and `make test` both install what is
# missing first (Debian/Ubuntu: apt-get, with sudo when not root): ffmpeg,
# tesseract with its English data (--ocr), the DejaVu font the OCR tests
# draw words with, and chromium, which the browser tests of vidskim serve
# drive.
GO    ?= go
VIDEO ?= testdata/sample.mp4
SUDO  := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps build test lint bench demo fuzz clean report-check serve-screenshot

all: build

deps:
	@missing=""; \
	{ command -v ffmpeg && command -v ffprobe; } >/dev/null 2>&1 || missing="$$missing ffmpeg"; \
	tesseract --list-langs 2>/dev/null | grep -x eng >/dev/null || missing="$$missing tesseract-ocr tesseract-ocr-eng"; \
	[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing="$$missing fonts-dejavu-core"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	if [ -n "$$missing" ]; then \
		echo "installing$$missing with apt-get"; \
		$(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi
	@ffmpeg -hide_banner -version | head -n 1
	@tesseract --version 2>&1 | head -n 1
	@chromium --version 2>/dev/null | head -n 1

build:
	$(GO) build -buildvcs=auto -o vidskim .  # records the commit for vidskim --version

test: deps
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 30m ./...

lint: test
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

# The main job on the bundled sample. With OPENAI_API_KEY or OPENAI_BASE_URL
# set it summarizes; without, it plans the run and writes the kept frames.
demo: deps build
	@if [ -n "$$OPENAI_API_KEY$$OPENAI_BASE_URL" ]; then \
		./vidskim summarize $(VIDEO); \
	else \
		./vidskim frames $(VIDEO) --out-dir demo-frames -q && \
		./vidskim plan $(VIDEO) && \
		echo "Wrote the kept frames to demo-frames/. No model is set, so nothing was sent." && \
		echo "To summarize: export OPENAI_API_KEY=sk-... (OpenAI), or OPENAI_BASE_URL=http://localhost:11434/v1 (Ollama or another compatible server), then make demo again."; \
	fi

# The performance goals (README, "Performance"; issue 18's in
# perf_gate_test.go): each prints its figure, the commands that produced it,
# and whether the goal holds. Inputs are generated into .bench/ on first use
# (the 30-minute and 10-minute clips take several minutes); the corpus clips
# are used when ../shared/corpus (or $VIDSKIM_CORPUS) is there. OpenCV
# (python3-opencv) is installed for the peer comparison when missing, and
# GNU time for peak memory. The load average before and after says how busy
# the machine was.
bench: deps
	@/usr/bin/python3 -c 'import cv2' 2>/dev/null || { echo "installing python3-opencv for the peer comparison"; \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-opencv >/dev/null || true; }
	@test -x /usr/bin/time || { echo "installing GNU time to measure peak memory"; \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null || true; }
	@echo "load average before: $$(cut -d' ' -f1-3 /proc/loadavg) on $$(nproc) cores"
	$(GO) test -run '^$$' -bench . -benchtime 20x ./dedupe
	$(GO) test -run '^$$' -bench Goal -benchtime 1x -timeout 120m .
	@echo "load average after: $$(cut -d' ' -f1-3 /proc/loadavg)"

# Renders an HTML report in headless Chromium and saves a screenshot to look
# at (report.png). Installs Debian's chromium when missing.
report-check: deps
	@command -v chromium >/dev/null 2>&1 || { echo "installing chromium"; \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	VIDSKIM_SCREENSHOT=$(CURDIR)/report.png $(GO) test -count=1 -run TestHTMLReport .
	@echo "screenshot: report.png"

# Takes the README's screenshot of the video page of vidskim serve
# (docs/serve-video.png), in the browser test, after its ask.
serve-screenshot: deps
	VIDSKIM_SERVE_SCREENSHOT=$(CURDIR)/docs/serve-video.png $(GO) test -count=1 -run TestServeInBrowser .
	@echo "screenshot: docs/serve-video.png"

fuzz:
	$(GO) test ./extract -run '^$$' -fuzz FuzzParseProbe -fuzztime 30s
	$(GO) test . -run '^$$' -fuzz FuzzParseTime -fuzztime 30s

clean:
	rm -rf vidskim demo-frames report.png
