# Shortcuts for developers; each target is one command you can also type yourself.
PYTHON ?= python3
FUZZ_EXAMPLES ?= 2000

.PHONY: test slow fuzz bench

# the test suite, exactly as CI runs it
test:
	$(PYTHON) -m pytest

# also the slow tests: 150 builds killed at random, every commit step, big corpora
slow:
	$(PYTHON) -m pytest --runslow

# the fuzz test with a large random budget (FUZZ_EXAMPLES=…); a failure is kept
# in .hypothesis/ and replayed first next time
fuzz:
	PAPERCARDS_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PYTHON) -m pytest tests/test_fuzz.py \
		-k generated --hypothesis-show-statistics

# build on the shipped notes, the 40-question quiz, then 1×/10×/100× corpora against their floor
bench:
	$(PYTHON) bench/bench_build.py
	$(PYTHON) bench/bench_quiz.py
	$(PYTHON) bench/run --sizes 1,10,100
