"""The rules that judge a team's answers and state: pure functions, no Telegram, no database."""
