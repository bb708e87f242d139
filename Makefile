# berth: the two commands a newcomer runs are `make demo` and `make test` (see README.md).
SWIFT ?= swift
BUILD_FLAGS ?=
FIXTURES ?= $(CURDIR)/.build/fixtures
BIN = $(shell $(SWIFT) build $(BUILD_FLAGS) --show-bin-path)

.PHONY: deps build fixtures test unit-test demo format lint clean

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build $(BUILD_FLAGS)

fixtures: deps
	rootfs-fixtures/build.sh $(FIXTURES)

# Every suite, root and real kernel included; integration tests drive the built berth binaries.
test: build fixtures
	BERTH_FIXTURES=$(FIXTURES) BERTH_BIN_DIR=$(BIN) $(SWIFT) test $(BUILD_FLAGS)

# The seed's nginx task (examples/fargate-task.json), run by berth and fetched with curl.
demo: build fixtures
	BERTH_FIXTURES=$(FIXTURES) BERTH_BIN_DIR=$(BIN) scripts/demo.sh

format:
	$(SWIFT) format --in-place --recursive Sources Tests Package.swift

lint:
	$(SWIFT) format lint --strict --recursive Sources Tests Package.swift

clean:
	rm -rf .build
