"""Speech in and out: recognisers (Vosk, PocketSphinx) behind one interface, grammars built from
the intent catalogue, models, and text-to-speech."""
