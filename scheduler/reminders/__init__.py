"""Everything the bot sends on its own: planning reminder rows (`plans`), what each kind
says (`render`), and the jobs that send them (`jobs`). The rows are the truth
(storage/reminders.py); handlers only change teams and call `plans.teams_changed`."""
