from rekisteri.testing.matrix import Case

CASES = {"stats:report": Case()}
