"""Director reports as files: the CSV export and the weekly chart.

Pure functions over `bot.domain.cohort_status` records, free of Discord and of the database;
they can take a moment on a big cohort, so the Discord layer runs them in an executor.
"""
