"""Loading the data packages (prompts/, intents/, language packs) into typed objects, with errors that name file and line."""
