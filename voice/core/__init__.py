"""The pure heart: ritual engine, its steps and commands, the skill, the matcher, typed events. No I/O, no clock of its own; everything else depends on it, it depends on nothing but the library."""
