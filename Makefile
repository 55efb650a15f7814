# The two commands of the README. Both set everything up first (script/setup).
.PHONY: run test setup

# The voice skill on the default microphone and speaker (one line and a pointer to --input and demo
# on a machine without them).
run:
	@script/setup
	@# rituals exits 3 when the machine has no microphone or speaker: it has said what to use instead
	@# (--input, demo), and that is no error of the build.
	@.venv/bin/rituals listen || [ $$? -eq 3 ]

test:
	@script/setup --test
	@# pytest exits 5 when it collected no tests: that must fail CI, and make fails on any non-zero.
	@.venv/bin/python -m pytest -q
