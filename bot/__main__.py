"""`python -m bot …`: the command line lives in bot/app/cli.py."""

from bot.app.cli import main

if __name__ == "__main__":
    main()
