"""The metrics engine: rollups from events, KPI figures from rollups and terms, churn records.

Entry points are in `run.py`; everything else computes one part for a range of local days.
"""
