"""Channel adapters: native update -> `Incoming`, `Reply` -> native messages. One module each."""
