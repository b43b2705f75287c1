"""The coordinator's guide as data: what TwinCoach asks, checks and advises, in the
guide's order, each text marked for translation. Nothing here talks to Telegram or the
database, so a reviewer can read it on its own (docs/guide-content.md)."""
