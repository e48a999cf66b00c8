"""Taza Bot's composition root and infrastructure: configuration, channels, i18n, outbox sender, CLI."""
