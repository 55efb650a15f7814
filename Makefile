# The two commands of the README. Both set everything up first (script/setup).
.PHONY: run test setup

run:
	@script/setup
	@.venv/bin/rituals chat

test:
	@script/setup --test
	@# pytest exits 5 when it collected no tests: that must fail CI, and make fails on any non-zero.
	@.venv/bin/python -m pytest -q
