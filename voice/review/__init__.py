"""Looking back: streaks, stats, export and import, the HTML report, spoken answers."""
