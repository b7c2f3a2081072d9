"""Date, time and number formats per language (settings.FORMAT_MODULE_PATH).

Only what differs from Django's own locale formats is here; everything else (input formats,
separators) falls through to Django's. All three are 24-hour and numeric enough to read at a
glance in a table: fi 29.11.2026 klo 21.02, sv 2026-11-29 21:02, en 29 Nov 2026, 21:02.
"""
