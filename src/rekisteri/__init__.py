"""Rekisteri: a customer and stakeholder register that keeps its privacy notice's promises."""
