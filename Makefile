# berth: the two commands a newcomer runs are `make demo` and `make test` (see README.md).
SWIFT ?= swift
BUILD_FLAGS ?=
FIXTURES ?= $(CURDIR)/.build/fixtures
BIN = $(shell $(SWIFT) build $(BUILD_FLAGS) --show-bin-path)

.PHONY: deps build fixtures test unit-test demo format lint clean test-vm bench fresh-machine

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build $(BUILD_FLAGS)

fixtures: deps
	rootfs-fixtures/build.sh $(FIXTURES)

# Every suite, root and real kernel included; integration tests drive the built berth binaries.
# The API suites serve requests from Swift's cooperative pool (one thread per CPU) while their raw clients
# wait with a receive timeout; the integration suites block pool threads for seconds (waiting on
# processes), so the API suites run in a pass of their own. The tests that measure a cgroup's CPU share
# need CPUs nobody else is using: they run last, one at a time.
CPU_SHARE_TESTS = cpuShare|cpu256Gets|cpu1024Gets|weightsOneToThree
API_TESTS = APITests\.
# The registry suites (the whole RegistryTests target and the CLI pull suite) block test threads for seconds
# at a time (skopeo pushes, helper processes, pulls waiting out retries): in the parallel pass the engine's
# supervisors were starved of the cooperative pool for up to two minutes.
REGISTRY_TESTS = RegistryTests\.|ImagePullTests
test: build fixtures
	$(SWIFT) build --build-tests $(BUILD_FLAGS)
	BERTH_FIXTURES=$(FIXTURES) BERTH_BIN_DIR=$(BIN) $(SWIFT) test --skip-build $(BUILD_FLAGS) --skip '$(CPU_SHARE_TESTS)|$(API_TESTS)|$(REGISTRY_TESTS)'
	BERTH_FIXTURES=$(FIXTURES) BERTH_BIN_DIR=$(BIN) $(SWIFT) test --skip-build $(BUILD_FLAGS) --filter '$(API_TESTS)'
	BERTH_FIXTURES=$(FIXTURES) BERTH_BIN_DIR=$(BIN) $(SWIFT) test --skip-build $(BUILD_FLAGS) --filter '$(REGISTRY_TESTS)'
	BERTH_FIXTURES=$(FIXTURES) BERTH_BIN_DIR=$(BIN) $(SWIFT) test --skip-build $(BUILD_FLAGS) --no-parallel --filter '$(CPU_SHARE_TESTS)'

# The VM lane (scripts/vm-lane, DESIGN §6): the built test binary on pure cgroup v2 in a qemu guest.
VM_TEST_FILTER ?= CgroupsTests|TaskCgroupTests
test-vm: deps
	$(SWIFT) build --build-tests $(BUILD_FLAGS)
	VM_TEST_FILTER='$(VM_TEST_FILTER)' VM_TEST_BINARY=$(BIN)/berthPackageTests.xctest scripts/vm-lane/run.sh

# The seed's nginx task (examples/fargate-task.json), run by berth and fetched with curl.
demo: build fixtures
	BERTH_FIXTURES=$(FIXTURES) BERTH_BIN_DIR=$(BIN) scripts/demo.sh

# berth against crun, runc and Podman, side by side (issue 7): bench/results/latest.md and PNG charts.
# Root; installs the peers if missing; release build in .build-bench. BENCH_QUICK=1 for a smoke run.
bench: deps
	SWIFT=$(SWIFT) FIXTURES=$(FIXTURES) bench/run.sh

# The README's promise, checked: a minimal Debian 12 root (debootstrap), a clean clone of HEAD, the toolchain
# from /opt/swift, then `make deps` and `make $(FRESH_TARGETS)` in it as root (scripts/fresh-machine/run.sh).
# Root; long (a full build and test run), so CI does not run it.
FRESH_TARGETS ?= test
fresh-machine:
	scripts/fresh-machine/run.sh $(FRESH_TARGETS)

format:
	$(SWIFT) format --in-place --recursive Sources Tests Package.swift

lint:
	$(SWIFT) format lint --strict --recursive Sources Tests Package.swift

clean:
	rm -rf .build
