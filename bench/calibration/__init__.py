"""A minimal plain Django + django-ninja app with a comparable look (bench/play_bench.py's calibration row).

Four ORM queries (token → character with its room, exits, others here, items here), a pydantic response
schema, the default middleware of `startproject`: what a competent first version of mudsite's look costs
without any of mudsite's work (presence, kicks, game time, fuzzy names).
"""
