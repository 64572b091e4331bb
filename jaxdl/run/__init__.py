"""`jaxdl run`: every practical in one resumable run that writes one report (report.md + report.html).

settings.py: the quick/full settings of each part and their TOML/--set overrides; runner.py: runs the
parts with a done marker per part; parts_*.py: one function per practical; report.py: the report.
"""
