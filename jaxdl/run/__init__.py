"""`jaxdl run`: every practical in one resumable run that writes one report (report.md + report.html).

settings.py: the quick/full settings of each part and their TOML/--set overrides; runner.py: runs the
parts with a done marker per part; parts.py: the practicals as parts; report.py: the report, which opens with
each part's headline beside its reference (references.py), shows no absolute path (portable.py) and inlines
jaxdl.css, the stylesheet the documentation site shares.
"""
