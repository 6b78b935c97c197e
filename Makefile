# Switchyard. `make run` shows it working; `make test` installs what is missing, builds and runs every test.
SWIFT ?= swift
BIN := .build/debug/switchyard
DEMO_STATE ?= .demo-state
EXAMPLES := Docs/examples

.PHONY: deps build test drills crash-test run demo-state bench bench-router bench-request-path bench-console bench-drills bench-replay clean

deps:
	@bash .ci/install-deps

build: deps
	$(SWIFT) build

test: build
	$(SWIFT) test
	python3 -m pytest -q Tests/e2e
	$(RUN_DRILLS)
	$(SOAK_CI)

# The soak's 30-second CI version on the debug build, scaled to what a debug `serve` and `route set` carry on
# two cores: 100 req/s, a flip every 200 ms; every criterion of the full soak is checked, freshness against the
# 1 s in which a commit from another process must be in force (a debug reload takes up to ~50 ms more than a
# release one; the release soak holds it to the reload interval + 50 ms).
SOAK_CI = python3 Tests/reliability/soak.py --seconds 30 --rps 100 --flip-ms 200 --allowance-ms 1000 --bin $(BIN)

# The drill library in virtual time (Docs/drills.md); JUnit and Markdown reports in .build/drill-reports.
RUN_DRILLS = $(BIN) drill run Docs/drills/*.yaml --report junit --report md --out .build/drill-reports
drills: build
	$(RUN_DRILLS)

# Crash safety (Docs/reliability.md): SIGKILL `serve` at seeded random points in 100 trials, check the journal, the generation
# in force, drains and response stamps after each restart, then SIGTERM with requests in flight. CRASH_ARGS="--seed S --trials 1".
crash-test: build
	python3 Tests/reliability/crash_test.py --bin $(BIN) $(CRASH_ARGS)

# The console on an embedded demo fleet: example bundles, fake backends, traffic and a rollout in progress.
run: build
	@$(BIN) console --demo

# A demo state directory for trying the CLI by hand (no processes): switchyard status --state .demo-state
demo-state:
	@rm -rf $(DEMO_STATE)
	@$(BIN) registry add --state $(DEMO_STATE) $(EXAMPLES)/support-assistant-*.yaml
	@$(BIN) pool apply --state $(DEMO_STATE) $(EXAMPLES)/pool-*.yaml --reason "demo fleet"
	@$(BIN) registry validate --state $(DEMO_STATE) support-assistant@1.0.0 --reason "demo: golden suite passed"
	@$(BIN) registry stage --state $(DEMO_STATE) support-assistant@1.0.0 staging --reason "demo"
	@$(BIN) registry stage --state $(DEMO_STATE) support-assistant@1.0.0 production --reason "demo"
	@$(BIN) route set --state $(DEMO_STATE) support-assistant@1.0.0=90% support-assistant@1.1.0=10% --reason "demo: canary 1.1.0 at 10%"
	@$(BIN) route set --state $(DEMO_STATE) --tenant acme support-assistant@1.0.0=100% --shadow support-assistant@2.0.0=5% --reason "demo: shadow 2.0.0 on acme"
	@echo

# Router overhead against nginx on this machine (see Docs/benchmarks.md). BENCH_SECONDS=10 per run, BENCH_ROUNDS=3 (each figure the median of its rounds).
bench-router: deps
	$(SWIFT) build -c release --product switchyard
	$(SWIFT) build -c release --product bare-proxy
	$(SWIFT) build -c release --product nio-bare-proxy
	python3 Tests/Benchmarks/router_bench.py

# The CPU of each of Switchyard's steps on a chat request's path, in one thread, against a UTF-8 check (Docs/benchmarks.md).
bench-request-path: deps
	$(SWIFT) build -c release --product request-path-bench
	.build/release/request-path-bench

# Console frame time at 200×60 and bytes written per second in steady state (see Docs/benchmarks.md).
bench-console: deps
	$(SWIFT) build -c release --product console-bench
	$(SWIFT) build -c release --product switchyard
	.build/release/console-bench
	python3 Tests/Benchmarks/console_bytes.py

# One hour of simulated 200 req/s through the full control plane, against the simulator alone (Docs/benchmarks.md).
bench-drills: deps
	$(SWIFT) build -c release --product drill-bench
	.build/release/drill-bench

# Replay on a journal of a million entries: open, seek and jump (Docs/benchmarks.md).
bench-replay: deps
	$(SWIFT) build -c release --product replay-bench
	.build/release/replay-bench

bench: bench-router bench-request-path bench-console bench-drills bench-replay

# Soak (Docs/reliability.md): 500 req/s through a release `serve` for 10 minutes with a routing flip every 100 ms;
# checks 5xx, generation freshness and RSS growth. soak-short: the same for 30 seconds. SOAK_ARGS="--rps 300 --keep".
# A release build, because a debug `serve` cannot carry 500 req/s on two cores.
.PHONY: soak soak-short
soak: build
	$(SWIFT) build -c release --product switchyard
	python3 Tests/reliability/soak.py --bin .build/release/switchyard $(SOAK_ARGS)

soak-short: build
	$(SWIFT) build -c release --product switchyard
	python3 Tests/reliability/soak.py --bin .build/release/switchyard --seconds 30 $(SOAK_ARGS)

clean:
	rm -rf .build $(DEMO_STATE)

# Fuzzing (Docs/reliability.md): every parser and input surface under libFuzzer for FUZZ_SECONDS each, seeded from
# Tests/Fuzz/Corpus; a crash lands in .build-fuzz/findings. A separate, instrumented release build; lld links it
# (gold fails on it). `make test` replays the committed corpus (FuzzCorpusTests).
FUZZ_SECONDS ?= 60
.PHONY: fuzz
fuzz: deps
	$(SWIFT) build -c release --scratch-path .build-fuzz --product switchyard-fuzz \
		-Xswiftc -sanitize=fuzzer -Xswiftc -DFUZZING -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld
	bash Tests/Fuzz/run.sh $(FUZZ_SECONDS)
