# Finnish: 29.11.2026 klo 21.02 (Kielitoimiston ohjepankki: päiväys ja kellonaika).
DATE_FORMAT = "j.n.Y"
TIME_FORMAT = "G.i"
DATETIME_FORMAT = r"j.n.Y \k\l\o G.i"
SHORT_DATE_FORMAT = "j.n.Y"
SHORT_DATETIME_FORMAT = r"j.n.Y \k\l\o G.i"
YEAR_MONTH_FORMAT = "n/Y"
MONTH_DAY_FORMAT = "j.n."
