"""DMN XML: reading models (1.1–1.5) into the engine, writing DMN 1.3."""
